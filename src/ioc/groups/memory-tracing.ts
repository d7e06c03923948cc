import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Database, RecordHandle } from '../../database';
import { AlarmSeverity, AlarmStatus } from '../../database/pv';
import type { Logger } from '../../logger';
import * as tracing from '../../tracing';
import type { IocConfig } from '../config/ioc-config';
import { KEY_TYPES, TRACE_MODES } from '../config/ioc-config';
import { fitText } from './text-waveform';

export interface MemoryTracingGroupOptions {
  database: Database;
  prefix: string;
  settings: IocConfig['tracing'];
  /** 'main' when this group runs in a worker and traces the host's main thread. */
  thread: tracing.ObservedThread;
  logger: Logger;
}

export interface MemoryTracingGroup {
  /** Stops sampling and the timer. */
  close(): Promise<void>;
}

interface Records {
  enable: RecordHandle<'number'>;
  top: RecordHandle<'array'>;
  diff: RecordHandle<'array'>;
  peakTop: RecordHandle<'array'>;
  count: RecordHandle<'number'>;
  period: RecordHandle<'number'>;
  keyType: RecordHandle<'number'>;
  cumulative: RecordHandle<'number'>;
  mode: RecordHandle<'number'>;
  samplingInterval: RecordHandle<'number'>;
  snapshotNow: RecordHandle<'number'>;
  dump: RecordHandle<'number'>;
  dumpFile: RecordHandle<'string'>;
  tracedMemory: RecordHandle<'number'>;
  tracedMemoryPeak: RecordHandle<'number'>;
  status: RecordHandle<'string'>;
  duration: RecordHandle<'number'>;
}

/**
 * Serves the heap tracing engine through the records of memoryTracing.db, as caproto's
 * MemoryTracingHelper serves tracemalloc: enable, then a snapshot at once and one every period,
 * published as tracemalloc-style text with the snapshot's time stamp.
 */
export function createMemoryTracingGroup(options: MemoryTracingGroupOptions): MemoryTracingGroup {
  const { database, prefix, settings, logger } = options;
  const log = logger.child({ group: 'memoryTracing' });
  const number = (name: string) => database.record(prefix + name, 'number');
  const records: Records = {
    enable: number('EnableTracing'),
    top: database.record(prefix + 'TraceTopAllocations', 'array'),
    diff: database.record(prefix + 'TraceDiffResults', 'array'),
    peakTop: database.record(prefix + 'TracePeakAllocations', 'array'),
    count: number('TraceCount'),
    period: number('TracePeriod'),
    keyType: number('TraceKeyType'),
    cumulative: number('TraceCumulative'),
    mode: number('TraceMode'),
    samplingInterval: number('TraceSamplingInterval'),
    snapshotNow: number('TraceSnapshot'),
    dump: number('TraceDump'),
    dumpFile: database.record(prefix + 'TraceDumpFile', 'string'),
    tracedMemory: number('TracedMemory'),
    tracedMemoryPeak: number('TracedMemoryPeak'),
    status: database.record(prefix + 'TraceStatus', 'string'),
    duration: number('TraceDuration'),
  };
  const capacity = (handle: RecordHandle) => Number(handle.field('NELM'));

  // Settings from the configuration become the records' initial values; clients change them from there.
  records.count.set(settings.count);
  records.period.set(settings.period);
  records.keyType.set(KEY_TYPES.indexOf(settings.keyType));
  records.cumulative.set(settings.cumulative ? 1 : 0);
  records.mode.set(TRACE_MODES.indexOf(settings.mode));
  records.samplingInterval.set(settings.samplingInterval);
  records.status.set('disabled');

  let previous: tracing.Snapshot | undefined;
  let previousRaw: tracing.Snapshot | undefined;
  let peakBytes = 0;
  let timer: NodeJS.Timeout | undefined;
  let busy: Promise<void> = Promise.resolve();
  let closed = false;

  /** One thing at a time: enable, snapshot, dump and restart never interleave. */
  const serialize = (work: () => Promise<void>): Promise<void> => {
    busy = busy.then(work).catch((error: unknown) => fail(error));
    return busy;
  };

  const fail = (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    log.error({ err: error }, 'heap tracing failed');
    records.status.set(message, { severity: AlarmSeverity.MAJOR, status: AlarmStatus.SOFT, message });
  };

  const keyType = () => KEY_TYPES[records.keyType.get()] ?? 'lineno';
  const mode = () => TRACE_MODES[records.mode.get()] ?? 'live';

  const schedule = () => {
    clearInterval(timer);
    if (closed || !tracing.isTracing()) return;
    timer = setInterval(() => void serialize(takeSnapshot), records.period.get() * 1000);
    timer.unref();
  };

  const startSampling = async () => {
    await tracing.start({
      samplingInterval: records.samplingInterval.get(),
      includeCollected: mode() === 'allocated',
      thread: options.thread,
    });
    previous = previousRaw = undefined;
    peakBytes = 0;
    records.status.set('tracing');
    log.info({ samplingInterval: records.samplingInterval.get(), mode: mode() }, 'heap tracing started');
    await takeSnapshot();
    schedule();
  };

  const stopSampling = async () => {
    clearInterval(timer);
    if (tracing.isTracing()) await tracing.stop();
    previous = previousRaw = undefined;
    records.status.set('disabled');
    log.info('heap tracing stopped');
  };

  const takeSnapshot = async () => {
    if (!tracing.isTracing()) return;
    const began = performance.now();
    const raw = await tracing.takeSnapshot(mode() === 'allocated' && previousRaw ? { since: previousRaw } : {});
    const pause = performance.now() - began;
    const snapshot = raw.filterTraces();
    const stamp = { timeStamp: raw.takenAt };
    const limit = records.count.get();
    const cumulative = records.cumulative.get() === 1;
    const statistics = snapshot.statistics(keyType(), { cumulative });
    const top = tracing.formatTopStatistics(statistics, { limit });
    records.top.set(fitText(top, capacity(records.top)), stamp);
    const diffText = previous
      ? snapshot
          .compareTo(previous, keyType(), { cumulative })
          .slice(0, limit)
          .map((diff) => tracing.formatStatisticDiff(diff))
          .join('\n')
      : 'no previous snapshot: the next one is compared with this one';
    records.diff.set(fitText(diffText, capacity(records.diff)), stamp);
    const traced = raw.size;
    if (traced >= peakBytes) {
      peakBytes = traced;
      records.peakTop.set(fitText(top, capacity(records.peakTop)), stamp);
    }
    records.tracedMemory.set(traced, stamp);
    records.tracedMemoryPeak.set(peakBytes, stamp);
    records.duration.set(pause, stamp);
    previous = snapshot;
    previousRaw = raw;
  };

  const dumpDirectory = settings.dumpDirectory;
  /** The file a dump goes to: inside the dump directory, never elsewhere. */
  const resolveDumpFile = (name: string): string | undefined => {
    const file = path.resolve(dumpDirectory, name);
    const relative = path.relative(dumpDirectory, file);
    return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? undefined : file;
  };
  let nextDumpName = '';

  const dump = async () => {
    if (!tracing.isTracing()) throw new Error('TraceDump: tracing is disabled; enable it first');
    const name = nextDumpName || `memtrace-${new Date().toISOString().replace(/[:.]/g, '-')}.heapprofile`;
    nextDumpName = '';
    const file = resolveDumpFile(name)!;
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    const snapshot = await tracing.takeSnapshot();
    await snapshot.dump(file);
    records.dumpFile.set(file, { timeStamp: snapshot.takenAt });
    log.info({ file }, 'heap profile dumped');
  };

  // Clients' writes: refuse what makes no sense, then act once the value is in.
  const after = (action: () => Promise<void>) => void setImmediate(() => void serialize(action));
  records.enable.onWrite((value) =>
    after(async () => {
      if ((value === 1) !== tracing.isTracing()) await (value === 1 ? startSampling() : stopSampling());
    }),
  );
  records.count.onWrite((value) => (value >= 1 && value <= 1000 ? undefined : 'TraceCount must be 1…1000'));
  records.period.onWrite((value) => {
    if (!(value >= 0.1 && value <= 86400)) return 'TracePeriod must be 0.1…86400 s';
    after(async () => schedule());
    return undefined;
  });
  records.samplingInterval.onWrite((value) => {
    if (!(Number.isInteger(value) && value >= 1)) return 'TraceSamplingInterval must be a positive number of bytes';
    after(async () => {
      if (tracing.isTracing()) await stopSampling().then(startSampling);
    });
    return undefined;
  });
  records.mode.onWrite(() => {
    after(async () => {
      if (tracing.isTracing()) await stopSampling().then(startSampling);
    });
  });
  records.snapshotNow.onWrite((value) => {
    if (value !== 1) return undefined;
    if (!tracing.isTracing()) return 'TraceSnapshot: tracing is disabled; enable it first';
    after(() => takeSnapshot().finally(() => records.snapshotNow.set(0)));
    return undefined;
  });
  records.dump.onWrite((value) => {
    if (value !== 1) return undefined;
    if (!tracing.isTracing()) return 'TraceDump: tracing is disabled; enable it first';
    after(() => dump().finally(() => records.dump.set(0)));
    return undefined;
  });
  records.dumpFile.onWrite((value) => {
    if (value === '') return undefined;
    if (!resolveDumpFile(value)) return `TraceDumpFile: ${value} is outside the dump directory ${dumpDirectory}`;
    nextDumpName = value;
    return undefined;
  });

  if (settings.enabled) {
    records.enable.set(1);
    void serialize(startSampling);
  }

  return {
    async close() {
      closed = true;
      clearInterval(timer);
      await busy;
      if (tracing.isTracing()) await tracing.stop();
    },
  };
}
