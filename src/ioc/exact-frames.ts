import * as v8 from 'node:v8';

/**
 * V8's sampling heap profiler walks physical frames, so a function TurboFan (or Maglev) inlined
 * disappears and its allocations are credited to its caller. With inlining off, every function
 * keeps its own frame. The flags are process-wide and act on code optimised afterwards only,
 * so this must run before the host's code warms up. Unknown flags make V8 print an error, so
 * Maglev's is set only where V8 has it (V8 11 and later, i.e. Node 20 and later).
 */
export function turnInliningOff(): void {
  v8.setFlagsFromString('--no-turbo-inlining');
  if (Number.parseInt(process.versions.v8, 10) >= 11) v8.setFlagsFromString('--no-maglev-inlining');
}

/** The TraceSummary line on inlining, and what exact mode changes. */
export function inliningNote(exactFrames: boolean): string {
  return exactFrames
    ? 'Exact frames: on (V8 inlining turned off at start, so each function keeps its own allocations; code optimised before that may still show inlined callees under their callers). A file:line is where the allocating function starts.'
    : 'Inlining: V8 credits what an inlined function allocates to the function it was inlined into, the one shown; exact frames (--exact-frames) are off. A file:line is where the allocating function starts, not the statement. See README: Inlining.';
}
