// The twelve arguments A…L of sel and sub: each read through INPA…INPL and posted, like
// calcRecord.c's monitor(), when it differs from its last-posted copy LA…LL.

import { EventMask } from '../pv';
import type { DbRecord } from '../record';

export const ARGUMENTS = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L'];
export const ARGUMENT_INPUTS = ARGUMENTS.map((name) => `INP${name}`);
export const LAST_ARGUMENTS = ARGUMENTS.map((name) => `L${name}`);

/** INPA→A …: the constants record support loads at init. */
export function argumentConstants(): [string, string][] {
  return ARGUMENT_INPUTS.map((input, index) => [input, ARGUMENTS[index]!]);
}

/** Posts each argument that changed since its L… copy with `mask` | VALUE | LOG, and updates the copy. */
export function postChangedArguments(record: DbRecord, mask: number): void {
  ARGUMENTS.forEach((name, index) => {
    const value = record.number(name);
    if (value === record.number(LAST_ARGUMENTS[index]!)) return;
    record.post(name, mask | EventMask.VALUE | EventMask.LOG);
    record.assign(LAST_ARGUMENTS[index]!, value);
  });
}

/** The field an argument (A…L) or its copy (LA…LL) is read through, for metadata taken from the link. */
export function argumentInput(field: string): string | undefined {
  const index = field.length === 1 ? ARGUMENTS.indexOf(field) : field.length === 2 && field[0] === 'L' ? ARGUMENTS.indexOf(field[1]!) : -1;
  return index < 0 ? undefined : ARGUMENT_INPUTS[index];
}
