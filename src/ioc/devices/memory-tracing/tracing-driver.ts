import { AlarmSeverity, AlarmStatus } from '../../../database/pv';
import { ContainedDirectory } from '../../../files/contained-directory';
import type { Logger } from '../../../logger';
import { DEFAULT_SUSPECT_RULES } from '../../../tracing/suspects';
import type { IocConfig } from '../../config/ioc-config';
import { KEY_TYPES, TRACE_MODES } from '../../config/ioc-config';
import { rangeRefusal, tracingRanges, type SettingRange } from '../../config/setting-ranges';
import { inliningNote } from '../../exact-frames';
import { dumpRefusal as dumpFilesRefusal, writeDump } from '../../tracing/dump-files';
import { DUMP_FORMATS, type TraceReporter } from '../../tracing/trace-reporter';
import { Reading } from '../reading';
import { DriverSetting, type SettingRule } from './setting';
import { TraceResults } from './trace-results';

/** The noise rules of leak suspects, which the configuration does not expose. */
const SUSPECT_NOISE_RULES = {
  minimumGrowthIntervals: DEFAULT_SUSPECT_RULES.minimumGrowthIntervals,
  minimumGrowthDeviations: DEFAULT_SUSPECT_RULES.minimumGrowthDeviations,
};

/** What the result texts say until the first snapshot. */
const NO_SNAPSHOT = 'no snapshot yet: write Enable to EnableTracing';

export interface TracingDriverOptions {
  settings: IocConfig['tracing'];
  /** Makes the engine (in this thread or in a worker of its own) the first time tracing starts; the driver closes it. */
  reporter: () => TraceReporter;
  logger: Logger;
}

/** The numeric settings whose range in force shows in their records' DRVH/DRVL/HOPR/LOPR. */
export type RangedSetting = 'count' | 'period' | 'samplingInterval' | 'externalSamplingInterval';

/**
 * The heap tracing engine as the memory tracing device support drives it, as caproto's
 * MemoryTracingHelper drives tracemalloc: enable, then a snapshot at once and one every period,
 * published with the snapshot's time stamp. Settings and commands are DriverSettings, results are
 * Readings; the records of every loaded view of memoryTracing.db bind to them.
 */
export class TracingDriver {
  readonly results = new TraceResults(NO_SNAPSHOT);
  readonly traced = new Reading(0);
  readonly tracedPeak = new Reading(0);
  readonly status = new Reading('disabled');
  readonly duration = new Reading(0);
  readonly ranges: Record<RangedSetting, SettingRange>;
  readonly enable: DriverSetting<number>;
  readonly count: DriverSetting<number>;
  readonly period: DriverSetting<number>;
  readonly keyType: DriverSetting<number>;
  readonly cumulative: DriverSetting<number>;
  readonly mode: DriverSetting<number>;
  readonly samplingInterval: DriverSetting<number>;
  readonly externalSamplingInterval: DriverSetting<number>;
  readonly snapshot: DriverSetting<number>;
  readonly dump: DriverSetting<number>;
  readonly dumpFile: DriverSetting<string>;
  /** TraceDumpFormat: the index of DUMP_FORMATS that TraceDump writes. */
  readonly dumpFormat = new DriverSetting<number>(0, { apply: () => undefined });

  private readonly settings: IocConfig['tracing'];
  private readonly makeReporter: () => TraceReporter;
  private readonly log: Logger;
  private readonly note: string;
  /**
   * What TraceStatus says while sampling: the process the IOC runs in (the host service, or the
   * standalone IOC itself), and whether inlining is off; within the 39 characters caget shows.
   */
  private readonly tracingStatus: string;
  private reporter: TraceReporter | undefined;
  private dumps: ContainedDirectory | string = 'the IOC has not started';
  private nextDumpName = '';
  /** The path the last dump was written to, which TraceDumpFile shows. */
  private lastDumpFile = '';
  private peakBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private busy: Promise<void> = Promise.resolve();
  private running = false;
  private closed = false;

  constructor(options: TracingDriverOptions) {
    const { settings } = options;
    this.settings = settings;
    this.makeReporter = options.reporter;
    this.log = options.logger.child({ group: 'memoryTracing' });
    this.note = inliningNote(settings.exactFrames);
    this.tracingStatus = `tracing this process${settings.exactFrames ? ', exact frames' : ''}`;
    this.ranges = tracingRanges(settings.limits);
    const ranged = (key: RangedSetting, initial: number, apply: SettingRule<number>['apply'] = () => undefined) =>
      new DriverSetting(initial, { refusal: (value) => rangeRefusal(this.ranges[key], value), apply });
    const restartOnChange = (value: number, previous: number) => {
      if (value !== previous) this.whenRunning(() => this.restart());
    };
    // Settings from the configuration are the values the records read back at init; clients change them from there.
    this.enable = new DriverSetting(settings.enabled ? 1 : 0, { apply: () => this.whenRunning(() => this.reconcile()) });
    this.count = ranged('count', settings.count);
    this.period = ranged('period', settings.period, (value, previous) => {
      if (value !== previous) this.whenRunning(() => this.schedule());
    });
    this.keyType = new DriverSetting(KEY_TYPES.indexOf(settings.keyType), { apply: () => undefined });
    this.cumulative = new DriverSetting(settings.cumulative ? 1 : 0, { apply: () => undefined });
    this.mode = new DriverSetting(TRACE_MODES.indexOf(settings.mode), { apply: restartOnChange });
    this.samplingInterval = ranged('samplingInterval', settings.samplingInterval, restartOnChange);
    this.externalSamplingInterval = ranged('externalSamplingInterval', settings.externalSamplingInterval, restartOnChange);
    this.snapshot = this.command('TraceSnapshot', () => this.takeSnapshot());
    this.dump = this.command(
      'TraceDump',
      () => this.writeDump(),
      () => this.dumpRefusal(this.dumpName()),
    );
    this.dumpFile = new DriverSetting<string>('', {
      refusal: (name) => (name === '' ? undefined : this.dumpRefusal(name, 'TraceDumpFile')),
      // The path it shows after a dump is not a name for the next one.
      apply: (name) => void (this.nextDumpName = name === this.lastDumpFile ? '' : name),
    });
  }

  get tracing(): boolean {
    return this.reporter?.tracing ?? false;
  }

  /** The database runs: from here the settings act, and tracing starts if the configuration enables it. */
  start(): void {
    if (this.running || this.closed) return;
    this.running = true;
    this.dumps = openDumpDirectory(this.settings.dumpDirectory, this.log);
    if (this.enable.get() === 1) void this.serialize(() => this.reconcile());
  }

  /** Where dumps and heap snapshots go: the directory resolved at start. */
  get dumpDirectory(): string {
    return typeof this.dumps === 'string' ? this.settings.dumpDirectory : this.dumps.path;
  }

  /** Stops sampling and the timer, and closes the engine. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.busy;
    await this.reporter?.close();
  }

  /** A command record's setting: 1 acts, and the records go back to 0 once it is done. */
  private command(name: string, action: () => Promise<void>, refusal: () => string | undefined = () => undefined): DriverSetting<number> {
    const setting: DriverSetting<number> = new DriverSetting<number>(0, {
      refusal: (value) => {
        if (value !== 1) return undefined;
        if (!this.tracing) return `${name}: tracing is disabled; enable it first`;
        const reason = refusal();
        return reason === undefined ? undefined : `${name}: ${reason}`;
      },
      apply: (value) => {
        if (value === 1) void this.serialize(action).finally(() => setting.show(0));
      },
    });
    return setting;
  }

  /** Settings act once the database runs; before that they only set what start does. */
  private whenRunning(work: () => Promise<void> | void): void {
    if (this.running && !this.closed) void this.serialize(work);
  }

  /** One thing at a time: enable, snapshot, dump and restart never interleave. */
  private serialize(work: () => Promise<void> | void): Promise<void> {
    this.busy = this.busy.then(work).catch((error: unknown) => this.fail(error));
    return this.busy;
  }

  private fail(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.log.error({ err: error }, 'heap tracing failed');
    this.status.post(message, { timeStamp: new Date(), alarm: { severity: AlarmSeverity.MAJOR, status: AlarmStatus.SOFT, message } });
  }

  /** Sampling as EnableTracing asks; asked again after a failed start, it tries again. */
  private async reconcile(): Promise<void> {
    const wanted = this.enable.get() === 1;
    if (wanted !== this.tracing) await (wanted ? this.startSampling() : this.stopSampling());
  }

  private async restart(): Promise<void> {
    if (this.tracing) await this.stopSampling().then(() => this.startSampling());
  }

  private schedule(): void {
    clearInterval(this.timer);
    if (this.closed || !this.tracing) return;
    this.timer = setInterval(() => void this.serialize(() => this.takeSnapshot()), this.period.get() * 1000);
    this.timer.unref();
  }

  private async startSampling(): Promise<void> {
    const sampling = {
      samplingInterval: this.samplingInterval.get(),
      externalSamplingInterval: this.externalSamplingInterval.get(),
      mode: TRACE_MODES[this.mode.get()] ?? 'live',
    };
    this.reporter ??= this.makeReporter();
    await this.reporter.start({ ...sampling, suspects: { ...this.settings.suspects, ...SUSPECT_NOISE_RULES } });
    this.peakBytes = 0;
    this.status.post(this.tracingStatus, { timeStamp: new Date() });
    this.log.info(sampling, 'heap tracing started');
    await this.takeSnapshot();
    this.schedule();
  }

  private async stopSampling(): Promise<void> {
    clearInterval(this.timer);
    await this.reporter?.stop();
    this.status.post('disabled', { timeStamp: new Date() });
    this.log.info('heap tracing stopped');
  }

  private async takeSnapshot(): Promise<void> {
    if (!this.reporter?.tracing) return;
    const keyType = KEY_TYPES[this.keyType.get()] ?? 'lineno';
    const report = await this.reporter.report({ count: this.count.get(), keyType, cumulative: this.cumulative.get() === 1 });
    const stamp = { timeStamp: report.takenAt };
    const peak = report.traced >= this.peakBytes;
    if (peak) this.peakBytes = report.traced;
    this.results.publish(report, peak, this.note);
    this.traced.post(report.traced, stamp);
    this.tracedPeak.post(this.peakBytes, stamp);
    this.duration.post(report.durationMs, stamp);
  }

  private dumpName(): string {
    return this.nextDumpName || `memtrace-${new Date().toISOString().replace(/[:.]/g, '-')}.heapprofile`;
  }

  private get format() {
    return DUMP_FORMATS[this.dumpFormat.get()] ?? 'heapprofile';
  }

  private dumpRefusal(name: string, setting?: string): string | undefined {
    const reason = typeof this.dumps === 'string' ? this.dumps : dumpFilesRefusal(this.dumps, name, this.format);
    return reason === undefined || setting === undefined ? reason : `${setting}: ${reason}`;
  }

  private async writeDump(): Promise<void> {
    if (!this.reporter?.tracing) throw new Error('TraceDump: tracing is disabled; enable it first');
    const name = this.dumpName();
    this.nextDumpName = '';
    if (typeof this.dumps === 'string') throw new Error(`TraceDump: ${this.dumps}`);
    const { files } = await writeDump(this.dumps, name, this.format, this.reporter);
    // Both formats make two files; the name shown is the first's, the .heapprofile.
    this.lastDumpFile = files[0]!;
    this.dumpFile.show(this.lastDumpFile);
    this.log.info({ files }, 'heap profile dumped');
  }
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
