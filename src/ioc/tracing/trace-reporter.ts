import type { ExternalTotals, KeyType, TracingMode } from '../../tracing';

// What the memoryTracing group asks of the tracing engine, wherever the engine runs: in the thread
// that serves CA when that is a worker observing the host's main thread, or in a worker of its own
// when CA is served from the main thread, so that parsing, aggregating and formatting a profile
// never add to the pause V8's forced GC already costs the host.

export interface SamplingSettings {
  samplingInterval: number;
  /** 0: V8's heap only. */
  externalSamplingInterval: number;
  mode: TracingMode;
}

export interface ReportOptions {
  count: number;
  keyType: KeyType;
  cumulative: boolean;
}

export interface TraceReport {
  /** The top `count` statistics, tracemalloc-style. */
  top: string;
  /** The top `count` differences from the previous report's snapshot; null for the first since start. */
  diff: string | null;
  /** Estimated bytes traced (external included): live now, or allocated during the period in allocated mode. */
  traced: number;
  /** The observed isolate's ArrayBuffer memory and what sampled sites explain of it; null when not sampled. */
  external: ExternalTotals | null;
  /** ms from asking V8 for the profile to having it aggregated (V8's forced GC is most of it). */
  durationMs: number;
  takenAt: Date;
}

export interface TraceReporter {
  /** Whether sampling runs, as of the last start or stop that completed. */
  readonly tracing: boolean;
  start(settings: SamplingSettings): Promise<void>;
  /** Stops sampling and forgets the previous snapshot. */
  stop(): Promise<void>;
  /** Takes a snapshot and reports it, and its difference from the one before. */
  report(options: ReportOptions): Promise<TraceReport>;
  /**
   * Takes a snapshot and writes it as a .heapprofile to `fd`, a file the caller opened (and
   * closes): descriptors are the process's, so a worker writes to it as well.
   */
  dump(fd: number): Promise<Date>;
  /** Stops sampling and releases what the reporter holds. */
  close(): Promise<void>;
}
