import { runFixture } from './run-fixture';

interface Caller {
  optimised: boolean;
  retained: number;
  userHeap: number;
  /** Sampled bytes under the caller, by the newest physical frame's `function file`. */
  newest: Record<string, number>;
  kept: number;
}

const INTERVAL = 4096;

// V8's SamplingHeapProfiler::AddStack walks physical frames (frame->function(), no FrameSummary),
// so a function TurboFan inlines leaves no frame. The external sampler's wrapper of Buffer.from
// passes through (filters.ts) only when a Node frame is newer than it: were Node's `from` inlined
// into an optimised wrapper, the user's Buffer objects would count as memtrace-ioc's.
describe("a user's Buffers made through the external sampler's wrapper under TurboFan", () => {
  let result: { cold: Caller; hot: Caller };
  beforeAll(async () => {
    result = await runFixture<{ cold: Caller; hot: Caller }>('optimised-wrapper.js', [], { nodeArgs: ['--allow-natives-syntax'] });
  }, 60_000);

  it.each(['cold', 'hot'] as const)('from a %s caller stay under a Node frame, never with the wrapper newest, and count for the caller', (caller) => {
    const { optimised, retained, userHeap, newest, kept } = result[caller];
    // cold: the wrapper optimised on its own (its caller never is); hot: the caller, inlining the wrapper.
    expect(optimised).toBe(true);
    expect(kept).toBe(50000);
    const wrapperNewest = Object.entries(newest)
      .filter(([where]) => where.includes('hooks.'))
      .reduce((sum, [, bytes]) => sum + bytes, 0);
    // At most a sample or two of V8's own code for the wrapper (README: V8's own code counts for the function that was running).
    expect(wrapperNewest).toBeLessThanOrEqual(2 * INTERVAL);
    // ~1200 samples of ~100-byte objects: about ±6% at 95%.
    expect(Math.abs(userHeap - retained) / retained).toBeLessThan(0.2);
  });
});
