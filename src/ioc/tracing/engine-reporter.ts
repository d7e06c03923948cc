import { performance } from 'node:perf_hooks';
import * as engine from '../../tracing';
import { TraceReportBuilder } from './report-builder';
import type { DumpTarget, ReportOptions, SamplingSettings, TraceReport, TraceReporter } from './trace-reporter';

/** The engine driven from this thread, sampling `thread`'s heap. */
export class EngineTraceReporter implements TraceReporter {
  private readonly thread: engine.ObservedThread;
  private mode: engine.TracingMode = 'live';
  private builder: TraceReportBuilder | undefined;
  /** The last snapshot as taken: the position `since` of allocated mode starts from. */
  private previous: engine.Snapshot | undefined;

  constructor(thread: engine.ObservedThread) {
    this.thread = thread;
  }

  get tracing(): boolean {
    return engine.isTracing();
  }

  async start(settings: SamplingSettings): Promise<void> {
    const { samplingInterval, externalSamplingInterval, mode } = settings;
    await engine.start({ samplingInterval, externalSamplingInterval, includeCollected: mode === 'allocated', thread: this.thread });
    this.mode = mode;
    this.builder = new TraceReportBuilder(settings);
    this.previous = undefined;
  }

  async stop(): Promise<void> {
    this.builder = undefined;
    this.previous = undefined;
    await engine.stop();
  }

  async report(options: ReportOptions): Promise<TraceReport> {
    const began = performance.now();
    const raw = await engine.takeSnapshot(this.mode === 'allocated' && this.previous ? { since: this.previous } : {});
    const durationMs = performance.now() - began;
    this.previous = raw;
    if (!this.builder) throw new engine.TracingError('heap tracing must be started to report: call start() first');
    return this.builder.build(raw, options, durationMs);
  }

  async dump(target: DumpTarget): Promise<Date> {
    const snapshot = await engine.takeSnapshot();
    if (target.format !== 'pprof') await snapshot.dump(target.heapprofile, 'heapprofile');
    if (target.format !== 'heapprofile') await snapshot.dump(target.pprof, 'pprof');
    return snapshot.takenAt;
  }

  close(): Promise<void> {
    return this.stop();
  }
}
