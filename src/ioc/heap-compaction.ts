// After a large load V8 keeps what the load made it grow: the young generation (up to 2 × 16 MiB
// of semi-spaces, grown while the load's objects survived scavenges) and the old-generation pages
// of the load's peak. An idle IOC triggers no collection that would give them back, so they stay
// in its RSS for good (BENCHMARKS.md: "Record storage and cold connect"). The inspector's
// HeapProfiler.collectGarbage is V8's LowMemoryNotification: full collections that compact and
// shrink the young generation back to its initial size. It changes no GC setting; it is one full
// pause of the calling thread's isolate, which is why the IOC asks for it only where that isolate
// is its own (config `compactHeapAfterLoad`).
//
// A memory-reducing collection also leaves V8's old-generation limit just above what is live
// (measured: 33 MB for 24 MB live, against 98 MB after an ordinary one), so that the next few MB
// to survive (the CA warm-up's, then the first client's channels) started a full GC during the
// first connect of 10 000 channels: a 10–30 ms pause, and marking beside it. An ordinary full
// collection right after the compaction sets the limit as any collection does. It runs before
// the warm-up: after it, it would drop the warm-up's compiled code, which had embedded the
// warm-up's objects that the collection finds dead (--trace-deopt: "weak objects").
// BENCHMARKS.md, "Cold connect: the full GC in the first connect".
import type { Session } from 'node:inspector';
import { performance } from 'node:perf_hooks';

export interface HeapCompaction {
  readonly rssBefore: number;
  readonly rssAfter: number;
  readonly milliseconds: number;
  /** Whether the ordinary collection that restores V8's usual limit ran (not where a heap sampler already runs). */
  readonly limitRestored: boolean;
}

type Post = (method: string, params?: object) => Promise<unknown>;

/** Calls `use` with an inspector session on this thread's isolate, closed afterwards. */
async function withInspector<T>(use: (post: Post) => Promise<T>): Promise<T> {
  // Imported here: a Node built without the inspector refuses the import, not the IOC's start.
  const { Session } = await import('node:inspector');
  const session: Session = new Session();
  session.connect();
  const post: Post = (method, params) =>
    new Promise((resolve, reject) => {
      session.post(method, params ?? {}, (error, result) => {
        if (error) reject(error);
        else resolve(result);
      });
    });
  try {
    return await use(post);
  } finally {
    session.disconnect();
  }
}

/** Collects and compacts this thread's heap, releasing the pages it no longer needs, then lets V8 set its usual old-generation limit. */
export async function compactHeap(): Promise<HeapCompaction> {
  const rssBefore = process.memoryUsage.rss();
  const started = performance.now();
  await withInspector((post) => post('HeapProfiler.collectGarbage'));
  const limitRestored = await ordinaryFullCollection();
  return { rssBefore, rssAfter: process.memoryUsage.rss(), milliseconds: performance.now() - started, limitRestored };
}

/**
 * One full collection of this thread's heap that is not memory-reducing: it forces no bytecode
 * flushing and keeps the young generation's size (optimised code that embeds objects it finds dead
 * is still dropped, as at any full collection). Node offers none without --expose-gc; V8's sampling heap
 * profiler forces one when its profile is taken (the inspector starts it with kSamplingForceGC;
 * --trace-gc names it "sampling profiler"), so the sampler is started and stopped at once, with an
 * interval so large that it samples nothing. The sampler is one per isolate: where one already
 * runs (a host's profiler), stopping ours would stop it, so nothing is done and the result is false.
 */
export async function ordinaryFullCollection(): Promise<boolean> {
  return withInspector(async (post) => {
    const samplerRunning = await post('HeapProfiler.getSamplingProfile').then(
      () => true,
      () => false,
    );
    if (samplerRunning) return false;
    await post('HeapProfiler.startSampling', { samplingInterval: 2 ** 30 });
    await post('HeapProfiler.stopSampling');
    return true;
  });
}
