import * as v8 from 'node:v8';
import * as vm from 'node:vm';

/** `gc` without starting node with --expose-gc, so that an in-process test or bench can force a full collection too. */
export function exposedGc(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}
