import { performance } from 'node:perf_hooks';
import * as engine from '../../tracing';
import type { ReportOptions, SamplingSettings, TraceReport, TraceReporter } from './trace-reporter';

/** The engine driven from this thread, sampling `thread`'s heap. */
export class EngineTraceReporter implements TraceReporter {
  private readonly thread: engine.ObservedThread;
  private mode: engine.TracingMode = 'live';
  /** Filtered, for the diff; and as taken, the position `since` of allocated mode starts from. */
  private previous: { filtered: engine.Snapshot; raw: engine.Snapshot } | undefined;

  constructor(thread: engine.ObservedThread) {
    this.thread = thread;
  }

  get tracing(): boolean {
    return engine.isTracing();
  }

  async start({ samplingInterval, externalSamplingInterval, mode }: SamplingSettings): Promise<void> {
    await engine.start({ samplingInterval, externalSamplingInterval, includeCollected: mode === 'allocated', thread: this.thread });
    this.mode = mode;
    this.previous = undefined;
  }

  async stop(): Promise<void> {
    this.previous = undefined;
    await engine.stop();
  }

  async report({ count, keyType, cumulative }: ReportOptions): Promise<TraceReport> {
    const began = performance.now();
    const raw = await engine.takeSnapshot(this.mode === 'allocated' && this.previous ? { since: this.previous.raw } : {});
    const durationMs = performance.now() - began;
    const filtered = raw.filterTraces();
    const top = engine.formatTopStatistics(filtered.statistics(keyType, { cumulative }), { limit: count });
    const diff = this.previous
      ? filtered
          .compareTo(this.previous.filtered, keyType, { cumulative })
          .slice(0, count)
          .map((statistic) => engine.formatStatisticDiff(statistic))
          .join('\n')
      : null;
    this.previous = { filtered, raw };
    return { top, diff, traced: raw.size, external: raw.external, durationMs, takenAt: raw.takenAt };
  }

  async dump(fd: number): Promise<Date> {
    const snapshot = await engine.takeSnapshot();
    await snapshot.dump(fd);
    return snapshot.takenAt;
  }

  close(): Promise<void> {
    return this.stop();
  }
}
