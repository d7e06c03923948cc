import { Frame, type StackNode, stackNode, Trace } from '../../../src/tracing/frames';

/** [functionName, file, line] or a Frame, oldest first. */
export type FrameSpec = [string, string, number] | Frame;

const frames = new Map<string, Frame>();

/** One Frame per distinct spec, as the engine's resolver shares them. */
export function frame(functionName: string, file: string, line: number, pkg = 'app'): Frame {
  const key = `${functionName}\n${file}\n${line}\n${pkg}`;
  let known = frames.get(key);
  if (!known) frames.set(key, (known = new Frame(functionName, file, line, 1, pkg)));
  return known;
}

/** A trace with the given stack, oldest frame first. */
export function trace(size: number, count: number, stack: FrameSpec[], depth = stack.length): Trace {
  let node: StackNode | null = null;
  for (const spec of stack) node = stackNode(Array.isArray(spec) ? frame(...spec) : spec, node);
  return new Trace(size, count, node as StackNode, Math.min(depth, stack.length));
}
