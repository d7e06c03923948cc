import { isMainThread } from 'node:worker_threads';
import { TracingConflictError, TracingError } from './errors';
import { ExternalChannel } from './external/channel';
import { registerExternalSampler } from './external/external-sampler';
import { externalTotals, externalTraces } from './external/external-traces';
import { FrameResolver } from './frame-resolver';
import type { ExternalReport } from './external/sample-store';
import { aggregateProfile, totalSize } from './profile';
import type { SamplingHeapProfile } from './protocol';
import { HeapSampler, type ObservedThread } from './sampler';
import { Snapshot, type TracingMode } from './snapshot';

export interface StartOptions {
  /** Mean bytes between samples (default 32768, V8's). Smaller is more precise and slower. */
  samplingInterval?: number;
  /**
   * Newest frames kept per trace, 1–128 (default 128: all that V8's inspector captures; it always
   * captures 128, so a smaller limit only merges traces, it does not make sampling cheaper).
   */
  stackDepth?: number;
  /**
   * Also keep samples of objects the GC has freed (V8's includeObjectsCollectedByMajorGC/MinorGC):
   * snapshots then show what was allocated since start() or clearTraces(), not what is live. With
   * `takeSnapshot({ since })` that gives what was allocated during a period.
   */
  includeCollected?: boolean;
  /** `'main'` from a worker thread samples the main thread (see sampler.ts). Default `'current'`. */
  thread?: ObservedThread;
  /**
   * Also sample Buffer and ArrayBuffer contents, which V8's sampler cannot see, with this mean
   * number of bytes between samples; 0 (the default) does not. The observed thread must have called
   * registerExternalSampler() (startIoc does); its wrappers are installed now and removed by stop().
   */
  externalSamplingInterval?: number;
}

export interface SnapshotOptions {
  /**
   * Only samples taken after this snapshot (one taken since the last start or clearTraces), e.g. in
   * allocated mode, what was allocated since then. Sizes then sum the kept samples.
   */
  since?: Snapshot;
}

export interface TracedMemory {
  /** Estimated bytes of the sampled memory now (live, or allocated in allocated mode). */
  current: number;
  /**
   * The highest `current` seen since start() or clearTraces(). V8 does not track a peak, so this is
   * the peak over the moments measured (takeSnapshot and getTracedMemory calls), not between them.
   */
  peak: number;
}

export const DEFAULT_SAMPLING_INTERVAL = 32768;
/** The stack depth V8's inspector always captures. */
export const MAX_STACK_DEPTH = 128;

interface Tracing {
  sampler: HeapSampler;
  external: ExternalChannel | null;
  samplingInterval: number;
  tracebackLimit: number;
  mode: TracingMode;
  run: number;
  peak: number;
}

let tracing: Tracing | null = null;
/** Set from the moment start() is called, so two overlapping calls cannot both proceed. */
let claimed = false;
let tracebackLimit = MAX_STACK_DEPTH;
let runs = 0;

function validated(options: StartOptions) {
  const samplingInterval = options.samplingInterval ?? DEFAULT_SAMPLING_INTERVAL;
  const stackDepth = options.stackDepth ?? MAX_STACK_DEPTH;
  if (!Number.isInteger(samplingInterval) || samplingInterval < 1) {
    throw new RangeError(`samplingInterval must be a positive integer number of bytes, not ${samplingInterval}`);
  }
  if (!Number.isInteger(stackDepth) || stackDepth < 1 || stackDepth > MAX_STACK_DEPTH) {
    throw new RangeError(`stackDepth must be an integer from 1 to ${MAX_STACK_DEPTH}, not ${stackDepth}`);
  }
  const thread = options.thread ?? 'current';
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- JavaScript callers pass any value; the type cannot stop them
  if (thread !== 'current' && thread !== 'main') throw new RangeError(`thread must be 'current' or 'main', not ${String(thread)}`);
  const externalSamplingInterval = options.externalSamplingInterval ?? 0;
  if (!Number.isInteger(externalSamplingInterval) || externalSamplingInterval < 0) {
    throw new RangeError(`externalSamplingInterval must be 0 (off) or a positive integer number of bytes, not ${externalSamplingInterval}`);
  }
  return { samplingInterval, stackDepth, includeCollected: options.includeCollected ?? false, thread, externalSamplingInterval };
}

/**
 * Starts sampling allocations. Rejects with a TracingConflictError if this engine or any other
 * inspector client (node --heap-prof, a debugger, DevTools) already runs the isolate's sampler.
 */
export async function start(options: StartOptions = {}): Promise<void> {
  const { samplingInterval, stackDepth, includeCollected, thread, externalSamplingInterval } = validated(options);
  if (claimed) throw new TracingConflictError('heap tracing is already started: call stop() first');
  claimed = true;
  let sampler: HeapSampler | null = null;
  let external: ExternalChannel | null = null;
  try {
    sampler = await HeapSampler.connect(thread);
    await sampler.start({ samplingInterval, includeCollected });
    if (externalSamplingInterval > 0) {
      if (thread === 'current' || isMainThread) registerExternalSampler();
      const session = sampler;
      external = new ExternalChannel((expression) => session.evaluate(expression));
      await external.start({ samplingInterval: externalSamplingInterval, keepCollected: includeCollected });
    }
  } catch (error) {
    claimed = false;
    // The host may have started its external sampler early (startIoc does): stop it with the rest.
    if (sampler && externalSamplingInterval > 0) await stopExternal(sampler);
    await sampler?.close();
    throw error;
  }
  tracebackLimit = stackDepth;
  tracing = { sampler, external, samplingInterval, tracebackLimit: stackDepth, mode: includeCollected ? 'allocated' : 'live', run: ++runs, peak: 0 };
}

async function stopExternal(sampler: HeapSampler): Promise<void> {
  await new ExternalChannel((expression) => sampler.evaluate(expression)).stop().catch(() => undefined);
}

/** Stops sampling and forgets every sample. Does nothing if not tracing. */
export async function stop(): Promise<void> {
  const stopping = tracing;
  if (!stopping) return;
  tracing = null;
  await stopping.external?.stop().catch(() => undefined);
  await stopping.sampler.close();
  claimed = false;
}

export function isTracing(): boolean {
  return tracing !== null;
}

/** Newest frames kept per trace, as set by the last start(). */
export function getTracebackLimit(): number {
  return tracebackLimit;
}

/** Forgets every sample so far (and the peak); tracing goes on. Does nothing if not tracing. */
export async function clearTraces(): Promise<void> {
  if (!tracing) return;
  await tracing.sampler.restart();
  await tracing.external?.clear();
  tracing.run = ++runs;
  tracing.peak = 0;
}

function requireTracing(action: string): Tracing {
  if (!tracing) throw new TracingError(`heap tracing must be started to ${action}: call start() first`);
  return tracing;
}

/**
 * V8's profile, then the external samples after `afterExternalOrdinal`, both asked for at once: the
 * observed thread answers the two in one dispatch of its inspector messages (at once in this thread,
 * by one interrupt from a worker), so none of its code runs between them and both cover the same
 * allocations. Asked one after the other, a worker's second question left the observed thread time
 * to run, and what it allocated meanwhile had its Buffers' contents in this snapshot and their
 * objects in the next. The external report comes second, after the profile's full GC, when dead
 * buffers' samples are gone.
 */
function profileAndExternal(active: Tracing, afterExternalOrdinal: number): Promise<[SamplingHeapProfile, ExternalReport | undefined]> {
  return Promise.all([active.sampler.profile(), active.external?.report(afterExternalOrdinal)]);
}

/** The sampled allocations now. Costs the observed thread a full GC and V8's profile building. */
export async function takeSnapshot(options: SnapshotOptions = {}): Promise<Snapshot> {
  const active = requireTracing('take a snapshot');
  let afterOrdinal: number | undefined;
  let afterExternalOrdinal = -1;
  if (options.since) {
    const position = options.since.position;
    if (!position) throw new TypeError('since must be a snapshot taken by takeSnapshot() in this process');
    // After a clearTraces every sample is newer than `since`, and ordinals started over.
    if (position.run === active.run) {
      afterOrdinal = position.lastOrdinal;
      afterExternalOrdinal = position.lastExternalOrdinal;
    }
  }
  const [profile, externalReport] = await profileAndExternal(active, afterExternalOrdinal);
  const heapUsage = await active.sampler.heapUsage();
  const takenAt = new Date();
  const frames = new FrameResolver();
  const { traces, lastOrdinal } = aggregateProfile(profile, {
    samplingInterval: active.samplingInterval,
    tracebackLimit: active.tracebackLimit,
    afterOrdinal,
    frameOf: (node) => frames.resolve(node.callFrame),
  });
  const external = externalReport ? externalTotals(externalReport) : null;
  if (externalReport) traces.push(...externalTraces(externalReport, frames, active.tracebackLimit));
  active.peak = Math.max(active.peak, totalSize(profile) + (external?.attributed ?? 0));
  return new Snapshot({
    traces,
    external,
    tracebackLimit: active.tracebackLimit,
    takenAt,
    heap: { heapUsed: heapUsage.usedSize, heapTotal: heapUsage.totalSize, rss: process.memoryUsage.rss() },
    samplingInterval: active.samplingInterval,
    mode: active.mode,
    position: { run: active.run, lastOrdinal, lastExternalOrdinal: externalReport?.lastOrdinal ?? -1 },
  });
}

/**
 * Estimated bytes of sampled memory, now and at its measured peak; `{ current: 0, peak: 0 }` when not
 * tracing. Costs the same GC as a snapshot (V8 has no cheaper query) but no aggregation.
 */
export async function getTracedMemory(): Promise<TracedMemory> {
  if (!tracing) return { current: 0, peak: 0 };
  const active = tracing;
  const [profile, externalReport] = await profileAndExternal(active, -1);
  const current = totalSize(profile) + (externalReport ? externalTotals(externalReport).attributed : 0);
  active.peak = Math.max(active.peak, current);
  return { current, peak: active.peak };
}
