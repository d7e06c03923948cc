import type { ExternalTotals, KeyType, ProfileFormat, ResultRow, SuspectRules, TracingMode } from '../../tracing';

// What the memoryTracing group asks of the tracing engine, wherever the engine runs: in the thread
// that serves CA when that is a worker observing the host's main thread, or in a worker of its own
// when CA is served from the main thread, so that parsing, aggregating and formatting a profile
// never add to the pause V8's forced GC already costs the host.

export interface SamplingSettings {
  samplingInterval: number;
  /** 0: V8's heap only. */
  externalSamplingInterval: number;
  mode: TracingMode;
  /** Which sites are leak suspects; the history restarts with every start. */
  suspects: SuspectRules;
}

export interface ReportOptions {
  count: number;
  keyType: KeyType;
  cumulative: boolean;
}

/** A result list as caproto-shaped text and as the same entries in data form. */
export interface TraceList {
  text: string;
  rows: ResultRow[];
}

export interface SuspectList extends TraceList {
  /** Each suspect's least-squares growth, bytes per minute, in rank order. */
  rates: number[];
}

export interface TraceReport {
  /** The top `count` statistics, as caproto's TraceTopAllocations. */
  top: TraceList;
  /** The top `count` differences from the previous report's snapshot; null for the first since start. */
  diff: TraceList | null;
  /** Up to `count` leak suspects, fastest growing first; rows' deltas are since the oldest kept snapshot. */
  suspects: SuspectList;
  /** What the lists leave out: the title, the others and the total, own memory, growth. */
  summary: string;
  /** Estimated bytes traced (external included): live now, or allocated during the period in allocated mode. */
  traced: number;
  /** The observed isolate's ArrayBuffer memory and what sampled sites explain of it; null when not sampled. */
  external: ExternalTotals | null;
  /** Estimated bytes of memtrace-ioc's own allocations, left out of the lists. */
  ownCode: number;
  /** Least-squares bytes per minute of `traced` over the kept snapshots; null before two. */
  growthRate: number | null;
  /** Bytes per minute of the fastest-growing leak suspect; 0 when there is none. */
  topSuspectRate: number;
  /** ms from asking V8 for the profile to having it aggregated (V8's forced GC is most of it). */
  durationMs: number;
  takenAt: Date;
}

/** What TraceDump writes: one of the engine's profile formats, or both from the one snapshot. */
export type DumpFormat = ProfileFormat | 'both';

/** The dump formats in the order of TraceDumpFormat's choices. */
export const DUMP_FORMATS: readonly DumpFormat[] = ['heapprofile', 'pprof', 'both'];

/**
 * Where a dump goes: for each profile file of the format, a descriptor the caller opened (and
 * closes). Descriptors are the process's, so a worker writes to them as well.
 */
export type DumpTarget =
  { format: 'heapprofile'; heapprofile: number } | { format: 'pprof'; pprof: number } | { format: 'both'; heapprofile: number; pprof: number };

export interface TraceReporter {
  /** Whether sampling runs, as of the last start or stop that completed. */
  readonly tracing: boolean;
  start(settings: SamplingSettings): Promise<void>;
  /** Stops sampling and forgets the previous snapshot. */
  stop(): Promise<void>;
  /** Takes a snapshot and reports it, and its difference from the one before. */
  report(options: ReportOptions): Promise<TraceReport>;
  /** Takes one snapshot and writes it in the target's format(s); resolves to when it was taken. */
  dump(target: DumpTarget): Promise<Date>;
  /** Stops sampling and releases what the reporter holds. */
  close(): Promise<void>;
}
