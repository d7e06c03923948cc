import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Database, RecordHandle } from '../../database';
import { AlarmSeverity, AlarmStatus } from '../../database/pv';
import type { Logger } from '../../logger';
import type { TableProvider } from '../../pva/server';
import type { IocConfig } from '../config/ioc-config';
import { KEY_TYPES, TRACE_MODES } from '../config/ioc-config';
import { DEFAULT_SUSPECT_RULES } from '../../tracing/suspects';
import type { TraceReporter } from '../tracing/trace-reporter';
import { inliningNote } from '../exact-frames';
import { TraceResults } from './trace-results';

/** The noise rules of leak suspects, which the configuration does not expose. */
const SUSPECT_NOISE_RULES = {
  minimumGrowthIntervals: DEFAULT_SUSPECT_RULES.minimumGrowthIntervals,
  minimumGrowthDeviations: DEFAULT_SUSPECT_RULES.minimumGrowthDeviations,
};

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

  // Settings from the configuration become the records' initial values; clients change them from there.
  records.count.set(settings.count);
  records.period.set(settings.period);
  records.keyType.set(KEY_TYPES.indexOf(settings.keyType));
  records.cumulative.set(settings.cumulative ? 1 : 0);
  records.mode.set(TRACE_MODES.indexOf(settings.mode));
  records.samplingInterval.set(settings.samplingInterval);
  records.status.set('disabled');

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
    await reporter.start({ samplingInterval: records.samplingInterval.get(), mode: mode(), suspects: { ...settings.suspects, ...SUSPECT_NOISE_RULES } });
    peakBytes = 0;
    records.status.set(tracingStatus);
    log.info({ samplingInterval: records.samplingInterval.get(), mode: mode() }, 'heap tracing started');
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

  const dumpDirectory = settings.dumpDirectory;
  /** The file a dump goes to: inside the dump directory, never elsewhere. */
  const resolveDumpFile = (name: string): string | undefined => {
    const file = path.resolve(dumpDirectory, name);
    const relative = path.relative(dumpDirectory, file);
    return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? undefined : file;
  };
  let nextDumpName = '';

  const dump = async () => {
    if (!reporter.tracing) throw new Error('TraceDump: tracing is disabled; enable it first');
    const name = nextDumpName || `memtrace-${new Date().toISOString().replace(/[:.]/g, '-')}.heapprofile`;
    nextDumpName = '';
    const file = resolveDumpFile(name)!;
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    records.dumpFile.set(file, { timeStamp: await reporter.dump(file) });
    log.info({ file }, 'heap profile dumped');
  };

  // Clients' writes: refuse what makes no sense, then act once the value is in.
  const after = (action: () => Promise<void>) => void setImmediate(() => void serialize(action));
  records.enable.onWrite((value) =>
    after(async () => {
      if ((value === 1) !== reporter.tracing) await (value === 1 ? startSampling() : stopSampling());
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
      if (reporter.tracing) await stopSampling().then(startSampling);
    });
    return undefined;
  });
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
      await reporter.close();
    },
  };
}
