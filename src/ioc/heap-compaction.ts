// After a large load V8 keeps what the load made it grow: the young generation (up to 2 × 16 MiB
// of semi-spaces, grown while the load's objects survived scavenges) and the old-generation pages
// of the load's peak. An idle IOC triggers no collection that would give them back, so they stay
// in its RSS for good (BENCHMARKS.md: "Record storage and cold connect"). The inspector's
// HeapProfiler.collectGarbage is V8's LowMemoryNotification: full collections that compact and
// shrink the young generation back to its initial size. It changes no GC setting; it is one full
// pause of the calling thread's isolate, which is why the IOC asks for it only where that isolate
// is its own (config `compactHeapAfterLoad`).
import { performance } from 'node:perf_hooks';

export interface HeapCompaction {
  readonly rssBefore: number;
  readonly rssAfter: number;
  readonly milliseconds: number;
}

/** Collects and compacts this thread's heap, releasing the pages it no longer needs. */
export async function compactHeap(): Promise<HeapCompaction> {
  const rssBefore = process.memoryUsage.rss();
  const started = performance.now();
  // Imported here: a Node built without the inspector refuses the import, not the IOC's start.
  const { Session } = await import('node:inspector');
  const session = new Session();
  session.connect();
  try {
    await new Promise<void>((resolve, reject) => {
      session.post('HeapProfiler.collectGarbage', (error) => {
        if (error) reject(error);
        else resolve();
      });
    });
  } finally {
    session.disconnect();
  }
  return { rssBefore, rssAfter: process.memoryUsage.rss(), milliseconds: performance.now() - started };
}
