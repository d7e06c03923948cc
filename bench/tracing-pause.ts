/**
 * What one snapshot costs the observed thread, for heaps of ~50 MB and ~500 MB: V8's forced full GC,
 * the rest of V8's profile building and serialisation, and (main-thread mode only) the engine's
 * aggregation and formatting. In worker mode the main thread pays only V8's part; the worker
 * aggregates and formats. Tracing starts before the heap is built, so the heap's objects are sampled;
 * each mode runs in a fresh process.
 *
 *   npx tsc -p tsconfig.json --outDir /tmp/bench-tracing; node /tmp/bench-tracing/bench/tracing-pause.js [snapshots]
 */
import { execFileSync } from 'node:child_process';
import { type PerformanceEntry, PerformanceObserver, performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import * as tracing from '../src/tracing';
import { FrameResolver } from '../src/tracing/frame-resolver';
import { aggregateProfile } from '../src/tracing/profile';
import { HeapSampler } from '../src/tracing/sampler';
import { Snapshot } from '../src/tracing/snapshot';
import { median } from './figures';

const INTERVAL = 32768;
const kept: unknown[] = [];

/** Half small objects (an object, a string, an array each), half 8 KiB arrays. */
function buildHeap(megabytes: number): void {
  const half = (megabytes * 1024 * 1024) / 2;
  retainObjects(Math.round(half / 150));
  retainArrays(Math.round(half / 8048));
}
function retainObjects(items: number): void {
  for (let i = 0; i < items; i++) kept.push({ id: i, name: `item-${i}`, tags: [i, i + 1] });
}
function retainArrays(items: number): void {
  for (let i = 0; i < items; i++) kept.push(new Array(1000).fill(i));
}

/** GC time (ms) inside [from, to], from the buffered performance entries. */
function gcTimeWithin(entries: PerformanceEntry[], from: number, to: number): number {
  return entries.filter((entry) => entry.startTime >= from && entry.startTime <= to).reduce((sum, entry) => sum + entry.duration, 0);
}

function observeGc(): { entries: PerformanceEntry[]; flush(): Promise<void>; stop(): void } {
  const entries: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => entries.push(...list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  return { entries, flush: () => new Promise((resolve) => setTimeout(resolve, 20)), stop: () => observer.disconnect() };
}

async function mainThreadMode(megabytes: number, snapshots: number) {
  const sampler = await HeapSampler.connect('current');
  await sampler.start({ samplingInterval: INTERVAL, includeCollected: false });
  buildHeap(megabytes);
  const gc = observeGc();
  const rows: { gc: number; v8: number; aggregate: number; format: number; nodes: number; samples: number }[] = [];
  for (let i = 0; i < snapshots; i++) {
    const t0 = performance.now();
    const profile = await sampler.profile();
    const t1 = performance.now();
    const frames = new FrameResolver();
    const { traces } = aggregateProfile(profile, { samplingInterval: INTERVAL, tracebackLimit: 128, frameOf: (node) => frames.resolve(node.callFrame) });
    const snapshot = new Snapshot({ traces, tracebackLimit: 128, takenAt: new Date(), heap: null, samplingInterval: INTERVAL, mode: 'live' }).filterTraces();
    const t2 = performance.now();
    tracing.formatTopStatistics(snapshot.statistics('lineno'));
    const t3 = performance.now();
    await gc.flush();
    const gcTime = gcTimeWithin(gc.entries, t0, t1);
    let nodes = 0;
    const pending = [profile.head];
    while (pending.length) {
      nodes++;
      pending.push(...(pending.pop() as typeof profile.head).children);
    }
    rows.push({ gc: gcTime, v8: t1 - t0 - gcTime, aggregate: t2 - t1, format: t3 - t2, nodes, samples: profile.samples?.length ?? 0 });
  }
  await sampler.close();
  gc.stop();
  const pick = (key: keyof (typeof rows)[number]) => median(rows.map((row) => row[key]));
  return {
    heapUsed: process.memoryUsage().heapUsed,
    gc: pick('gc'),
    v8: pick('v8'),
    aggregate: pick('aggregate'),
    format: pick('format'),
    nodes: pick('nodes'),
    samples: pick('samples'),
  };
}

/** The main thread spins, timing its own gaps, while a worker takes the snapshots. */
async function workerMode(megabytes: number, snapshots: number) {
  const done = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(__filename, { workerData: { done, snapshots } });
  const messages: { type: string; snapshotAndFormat?: number[] }[] = [];
  let notify: () => void = () => undefined;
  worker.on('message', (message: { type: string }) => {
    messages.push(message);
    notify();
  });
  const next = async (type: string) => {
    while (!messages.some((message) => message.type === type)) await new Promise<void>((resolve) => (notify = resolve));
    return messages.find((message) => message.type === type) as { snapshotAndFormat?: number[] };
  };
  await next('started');
  buildHeap(megabytes);
  const gc = observeGc();
  worker.postMessage('go');
  const gaps: { at: number; gap: number }[] = [];
  let last = performance.now();
  while (Atomics.load(done, 0) === 0) {
    const now = performance.now();
    if (now - last > 2) gaps.push({ at: last, gap: now - last });
    last = now;
  }
  const { snapshotAndFormat } = await next('done');
  await worker.terminate();
  await gc.flush();
  gc.stop();
  // One pause per snapshot: the longest gaps, and the GC inside each.
  const pauses = [...gaps].sort((a, b) => b.gap - a.gap).slice(0, snapshots);
  return {
    heapUsed: process.memoryUsage().heapUsed,
    pause: median(pauses.map((p) => p.gap)),
    gc: median(pauses.map((p) => gcTimeWithin(gc.entries, p.at, p.at + p.gap))),
    workerSnapshotAndFormat: median(snapshotAndFormat ?? []),
  };
}

async function workerSide(): Promise<void> {
  const { done, snapshots } = workerData as { done: Int32Array; snapshots: number };
  await tracing.start({ thread: 'main', samplingInterval: INTERVAL });
  parentPort?.postMessage({ type: 'started' });
  await new Promise((resolve) => parentPort?.once('message', resolve));
  const times: number[] = [];
  for (let i = 0; i < snapshots; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const t0 = performance.now();
    const snapshot = await tracing.takeSnapshot();
    tracing.formatTopStatistics(snapshot.filterTraces().statistics('lineno'));
    times.push(performance.now() - t0);
  }
  await tracing.stop();
  parentPort?.postMessage({ type: 'done', snapshotAndFormat: times });
  Atomics.store(done, 0, 1);
}

async function child(mode: string, megabytes: number, snapshots: number): Promise<void> {
  const result = mode === 'main' ? await mainThreadMode(megabytes, snapshots) : await workerMode(megabytes, snapshots);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function parent(snapshots: number): void {
  const f = (ms: number) => `${ms.toFixed(1)} ms`;
  const run = (mode: 'main' | 'worker', megabytes: number): unknown =>
    JSON.parse(
      execFileSync(process.execPath, [__filename, 'child', mode, String(megabytes), String(snapshots)], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .pop() as string,
    );
  for (const megabytes of [50, 500]) {
    const main = run('main', megabytes) as Awaited<ReturnType<typeof mainThreadMode>>;
    const worker = run('worker', megabytes) as Awaited<ReturnType<typeof workerMode>>;
    process.stdout.write(
      `heap ${(main.heapUsed / 1048576).toFixed(0)} MB, ${main.nodes} nodes, ${main.samples} samples (medians of ${snapshots} snapshots)\n` +
        `  main-thread mode: GC ${f(main.gc)}, rest of V8's profile ${f(main.v8)}, aggregation ${f(main.aggregate)}, formatting ${f(main.format)}, ` +
        `pause ${f(main.gc + main.v8 + main.aggregate + main.format)}\n` +
        `  worker mode: main-thread pause ${f(worker.pause)} (GC ${f(worker.gc)}); in the worker, takeSnapshot + format (waits for the main thread, then aggregates) ${f(worker.workerSnapshotAndFormat)}\n`,
    );
  }
}

if (!isMainThread) {
  void workerSide();
} else if (process.argv[2] === 'child') {
  // The parent's run() gives every argument.
  child(process.argv[3]!, Number(process.argv[4]), Number(process.argv[5])).catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  });
} else {
  parent(Number(process.argv[2] ?? 5));
}
