import type { Database, RecordHandle } from '../../database';
import { AlarmSeverity, AlarmStatus } from '../../database/pv';
import type { Logger } from '../../logger';
import type { TableProvider } from '../../pva/server';
import type { IocConfig } from '../config/ioc-config';
import { KEY_TYPES, TRACE_MODES } from '../config/ioc-config';
import { rangeRefusal, tracingRanges, type SettingRange } from '../config/setting-ranges';
import { dumpRefusal as dumpFilesRefusal, writeDump } from '../tracing/dump-files';
import type { TraceReporter } from '../tracing/trace-reporter';
import { createHeapSnapshotGroup } from './heap-snapshot';
import { ContainedDirectory } from '../../files/contained-directory';
import { DEFAULT_SUSPECT_RULES } from '../../tracing/suspects';
import { inliningNote } from '../exact-frames';
import { TraceResults } from './trace-results';

/** The noise rules of leak suspects, which the configuration does not expose. */
const SUSPECT_NOISE_RULES = {
  minimumGrowthIntervals: DEFAULT_SUSPECT_RULES.minimumGrowthIntervals,
  minimumGrowthDeviations: DEFAULT_SUSPECT_RULES.minimumGrowthDeviations,
};

/** What the result texts say until the first snapshot. */
const NO_SNAPSHOT = 'no snapshot yet: write Enable to EnableTracing';

export interface MemoryTracingGroupOptions {
  database: Database;
  /** Where the lists' NTTables are served (pvAccess only). */
  tables: TableProvider;
  prefix: string;
  settings: IocConfig['tracing'];
  /** The engine, in this thread or in a worker of its own; the group closes it. */
  reporter: TraceReporter;
  logger: Logger;
}

export interface MemoryTracingGroup {
  /** Stops sampling and the timer. */
  close(): Promise<void>;
}

interface Records {
  enable: RecordHandle<'number'>;
  count: RecordHandle<'number'>;
  period: RecordHandle<'number'>;
  keyType: RecordHandle<'number'>;
  cumulative: RecordHandle<'number'>;
  mode: RecordHandle<'number'>;
  samplingInterval: RecordHandle<'number'>;
  externalSamplingInterval: RecordHandle<'number'>;
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
  const { database, tables, prefix, settings, reporter, logger } = options;
  const log = logger.child({ group: 'memoryTracing' });
  const number = (name: string) => database.record(prefix + name, 'number');
  const records: Records = {
    enable: number('EnableTracing'),
    count: number('TraceCount'),
    period: number('TracePeriod'),
    keyType: number('TraceKeyType'),
    cumulative: number('TraceCumulative'),
    mode: number('TraceMode'),
    samplingInterval: number('TraceSamplingInterval'),
    externalSamplingInterval: number('TraceExternalSamplingInterval'),
    snapshotNow: number('TraceSnapshot'),
    dump: number('TraceDump'),
    dumpFile: database.record(prefix + 'TraceDumpFile', 'string'),
    tracedMemory: number('TracedMemory'),
    tracedMemoryPeak: number('TracedMemoryPeak'),
    status: database.record(prefix + 'TraceStatus', 'string'),
    duration: number('TraceDuration'),
  };
  const results = new TraceResults(database, prefix, tables);
  const note = inliningNote(settings.exactFrames);
  /**
   * What TraceStatus says while sampling: the process the IOC runs in (the host service, or the
   * standalone IOC itself), and whether inlining is off; within the 39 characters caget shows.
   */
  const tracingStatus = `tracing this process${settings.exactFrames ? ', exact frames' : ''}`;

  // Each setting's range in force shows in its limits, and bounds clients' writes (below).
  const ranges = tracingRanges(settings.limits);
  showRange(records.count, ranges.count);
  showRange(records.period, ranges.period);
  showRange(records.samplingInterval, ranges.samplingInterval);
  showRange(records.externalSamplingInterval, ranges.externalSamplingInterval);
  // Settings from the configuration become the records' initial values; clients change them from there.
  records.count.set(settings.count);
  records.period.set(settings.period);
  records.keyType.set(KEY_TYPES.indexOf(settings.keyType));
  records.cumulative.set(settings.cumulative ? 1 : 0);
  records.mode.set(TRACE_MODES.indexOf(settings.mode));
  records.samplingInterval.set(settings.samplingInterval);
  records.externalSamplingInterval.set(settings.externalSamplingInterval);
  records.status.set('disabled');
  // Results before the first snapshot: defined values with NO_ALARM (nothing traced yet), not UDF.
  results.showNoSnapshot(NO_SNAPSHOT);
  for (const figure of [records.tracedMemory, records.tracedMemoryPeak, records.duration]) figure.set(0);

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
    if (closed || !reporter.tracing) return;
    timer = setInterval(() => void serialize(takeSnapshot), records.period.get() * 1000);
    timer.unref();
  };

  const startSampling = async () => {
    const sampling = {
      samplingInterval: records.samplingInterval.get(),
      externalSamplingInterval: records.externalSamplingInterval.get(),
      mode: mode(),
    };
    await reporter.start({ ...sampling, suspects: { ...settings.suspects, ...SUSPECT_NOISE_RULES } });
    peakBytes = 0;
    records.status.set(tracingStatus);
    log.info(sampling, 'heap tracing started');
    await takeSnapshot();
    schedule();
  };

  const stopSampling = async () => {
    clearInterval(timer);
    await reporter.stop();
    records.status.set('disabled');
    log.info('heap tracing stopped');
  };

  const takeSnapshot = async () => {
    if (!reporter.tracing) return;
    const report = await reporter.report({ count: records.count.get(), keyType: keyType(), cumulative: records.cumulative.get() === 1 });
    const stamp = { timeStamp: report.takenAt };
    const peak = report.traced >= peakBytes;
    if (peak) peakBytes = report.traced;
    results.publish(report, peak, note);
    records.tracedMemory.set(report.traced, stamp);
    records.tracedMemoryPeak.set(peakBytes, stamp);
    records.duration.set(report.durationMs, stamp);
  };

  const dumps = openDumpDirectory(settings.dumpDirectory, log);
  let nextDumpName = '';
  const dumpName = () => nextDumpName || `memtrace-${new Date().toISOString().replace(/[:.]/g, '-')}.heapprofile`;
  const dumpRefusal = (name: string) => (typeof dumps === 'string' ? dumps : dumpFilesRefusal(dumps, name, 'heapprofile'));

  const dump = async () => {
    if (!reporter.tracing) throw new Error('TraceDump: tracing is disabled; enable it first');
    const name = dumpName();
    nextDumpName = '';
    if (typeof dumps === 'string') throw new Error(`TraceDump: ${dumps}`);
    const {
      files: [file],
      takenAt,
    } = await writeDump(dumps, name, 'heapprofile', reporter);
    records.dumpFile.set(file, { timeStamp: takenAt });
    log.info({ file }, 'heap profile dumped');
  };

  // Clients' writes: refuse what makes no sense, then act once the value is in.
  const after = (action: () => Promise<void>) => void setImmediate(() => void serialize(action));
  records.enable.onWrite((value) =>
    after(async () => {
      if ((value === 1) !== reporter.tracing) await (value === 1 ? startSampling() : stopSampling());
    }),
  );
  records.count.onWrite((value) => rangeRefusal(ranges.count, value));
  records.period.onWrite((value) => {
    const refusal = rangeRefusal(ranges.period, value);
    if (refusal === undefined) after(async () => schedule());
    return refusal;
  });
  const restartOnWrite = (handle: RecordHandle<'number'>, range: SettingRange) =>
    handle.onWrite((value) => {
      const refusal = rangeRefusal(range, value);
      if (refusal !== undefined) return refusal;
      after(async () => {
        if (reporter.tracing) await stopSampling().then(startSampling);
      });
      return undefined;
    });
  restartOnWrite(records.samplingInterval, ranges.samplingInterval);
  restartOnWrite(records.externalSamplingInterval, ranges.externalSamplingInterval);
  records.mode.onWrite(() => {
    after(async () => {
      if (reporter.tracing) await stopSampling().then(startSampling);
    });
  });
  records.snapshotNow.onWrite((value) => {
    if (value !== 1) return undefined;
    if (!reporter.tracing) return 'TraceSnapshot: tracing is disabled; enable it first';
    after(() => takeSnapshot().finally(() => records.snapshotNow.set(0)));
    return undefined;
  });
  records.dump.onWrite((value) => {
    if (value !== 1) return undefined;
    if (!reporter.tracing) return 'TraceDump: tracing is disabled; enable it first';
    const refusal = dumpRefusal(dumpName());
    if (refusal !== undefined) return `TraceDump: ${refusal}`;
    after(() => dump().finally(() => records.dump.set(0)));
    return undefined;
  });
  records.dumpFile.onWrite((value) => {
    if (value === '') return undefined;
    const refusal = dumpRefusal(value);
    if (refusal !== undefined) return `TraceDumpFile: ${refusal}`;
    nextDumpName = value;
    return undefined;
  });

  // Heap snapshot files are named by the IOC, never by a client; they go to the directory resolved at start.
  const dumpDirectory = typeof dumps === 'string' ? settings.dumpDirectory : dumps.path;
  const heapSnapshots = createHeapSnapshotGroup({ database, prefix, settings: settings.heapSnapshot, dumpDirectory, logger });

  if (settings.enabled) {
    records.enable.set(1);
    void serialize(startSampling);
  }

  return {
    async close() {
      closed = true;
      clearInterval(timer);
      await Promise.all([busy, heapSnapshots.close()]);
      await reporter.close();
    },
  };
}

/**
 * The dump directory, made and resolved once at start; when it cannot be, the reason, which dumps
 * are refused with: tracing goes on without them.
 */
function openDumpDirectory(directory: string, log: Logger): ContainedDirectory | string {
  try {
    return ContainedDirectory.open(directory);
  } catch (error) {
    const reason = `no dump directory: ${(error as Error).message}`;
    log.warn({ directory, err: error }, reason);
    return reason;
  }
}

/**
 * DRVH/DRVL and HOPR/LOPR from the range in force, set here rather than by .db macros so that no
 * macro a site passes can make what a display or a client is told differ from what a write accepts.
 */
function showRange(record: RecordHandle<'number'>, range: SettingRange): void {
  record.setField('DRVH', range.max);
  // An "off" value below the range is a value a client may write, so the limits include it.
  const low = Math.min(range.min, range.off ?? range.min);
  record.setField('DRVL', low);
  record.setField('HOPR', range.max);
  record.setField('LOPR', low);
}
