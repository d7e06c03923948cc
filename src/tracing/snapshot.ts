import * as fs from 'node:fs';
import { promisify } from 'node:util';
import { heapProfileToSnapshot, snapshotToHeapProfile, type LoadOptions } from './dump';
import { encodePprof, snapshotToPprof } from './pprof';
import type { Trace } from './frames';
import { applyFilters, DEFAULT_FILTERS, filterKey, HIDDEN_FRAMES, type TraceFilter } from './filters';
import { diffGroups, groupTraces, type GroupOptions, type KeyType, sortStatistics, type Statistic, type StatisticDiff } from './statistics';
import type { ExternalTotals, SamplingHeapProfile } from './protocol';

/**
 * `live`: memory the sampled objects still hold (V8 drops a sample when its object dies).
 * `allocated`: every sampled allocation since the sampler (re)started, freed or not.
 */
export type TracingMode = 'live' | 'allocated';

/**
 * What a dump file holds: `heapprofile`, the JSON that Chrome DevTools and speedscope open (and
 * Snapshot.load reads back, everything kept); `pprof`, a gzipped profile.proto for `go tool pprof`
 * and Grafana Pyroscope.
 */
export type ProfileFormat = 'heapprofile' | 'pprof';

/** The file name extension each format is known by. */
export const PROFILE_EXTENSIONS: Readonly<Record<ProfileFormat, string>> = { heapprofile: '.heapprofile', pprof: '.pb.gz' };

/** fs.writeFile, which takes a descriptor as well as a path (fs.promises.writeFile takes no descriptor). */
const writeFile = promisify(fs.writeFile);

/** The observed isolate's heap right after the snapshot's full GC, and the process's RSS. */
export interface HeapTotals {
  heapUsed: number;
  heapTotal: number;
  rss: number;
}

/** Where a snapshot sits in the running sampler's life, so a later snapshot can ask for what came after it. */
export interface SamplerPosition {
  /** Changes on every start and clearTraces, when V8 restarts its sample ordinals. */
  readonly run: number;
  readonly lastOrdinal: number;
  /** The external sampler's newest ordinal (-1 when it does not run). */
  readonly lastExternalOrdinal: number;
}

/**
 * The most memory pool slabs can make a statistic's small pooled Buffers hold: a kept 20-byte
 * `Buffer.from` pins its whole `Buffer.poolSize` slab, and no JS API says which Buffers pin which
 * slab. So this is each pooled sample's slab, capped by the memory no site explains (the residual).
 */
export function pooledSlabBound(statistic: Statistic, external: ExternalTotals | null): number {
  if (!external || statistic.pooledSamples === 0) return 0;
  return Math.min(statistic.pooledSamples * external.poolSize, Math.max(0, external.residual));
}

export interface SnapshotInit {
  traces: readonly Trace[];
  tracebackLimit: number;
  takenAt: Date;
  heap: HeapTotals | null;
  samplingInterval: number;
  mode: TracingMode;
  filters?: readonly TraceFilter[];
  position?: SamplerPosition | null;
  /** Null when external memory was not sampled. */
  external?: ExternalTotals | null;
}

/** The sampled allocations at one moment, as tracemalloc.Snapshot. Immutable. */
export class Snapshot {
  readonly traces: readonly Trace[];
  /** Newest frames kept per trace. */
  readonly tracebackLimit: number;
  readonly takenAt: Date;
  /** Null for profiles that did not record it (dumps of other tools). */
  readonly heap: HeapTotals | null;
  /** Mean bytes between samples. */
  readonly samplingInterval: number;
  readonly mode: TracingMode;
  /** Every filter applied so far, in order; compareTo brings both sides to the same set. */
  readonly filters: readonly TraceFilter[];
  /** Null unless taken from the running engine. */
  readonly position: SamplerPosition | null;
  /** The observed isolate's ArrayBuffer memory and what sampled sites explain of it; null when not sampled. */
  readonly external: ExternalTotals | null;

  constructor(init: SnapshotInit) {
    this.traces = init.traces;
    this.tracebackLimit = init.tracebackLimit;
    this.takenAt = init.takenAt;
    this.heap = init.heap;
    this.samplingInterval = init.samplingInterval;
    this.mode = init.mode;
    this.filters = init.filters ?? [];
    this.position = init.position ?? null;
    this.external = init.external ?? null;
  }

  /** Estimated bytes of all traces. */
  get size(): number {
    let size = 0;
    for (const trace of this.traces) size += trace.size;
    return size;
  }

  /** Grouped and sorted as tracemalloc's `Snapshot.statistics`. */
  statistics(keyType: KeyType, options: GroupOptions = {}): Statistic[] {
    return sortStatistics([...groupTraces(this.traces, keyType, options).values()]);
  }

  /**
   * What changed since `old`, sorted as tracemalloc's `compare_to`. Both sides are first brought to
   * the same filters (each gets those only the other had), so a filter applied to one snapshot
   * cannot show as phantom growth or shrinkage.
   */
  compareTo(old: Snapshot, keyType: KeyType, options: GroupOptions = {}): StatisticDiff[] {
    const newer = this.withFiltersOf(old);
    const older = old.withFiltersOf(this);
    return diffGroups(groupTraces(newer.traces, keyType, options), groupTraces(older.traces, keyType, options));
  }

  /** A new snapshot with only the traces the filters keep; no argument means DEFAULT_FILTERS, `[]` a copy. */
  filterTraces(filters: readonly TraceFilter[] = DEFAULT_FILTERS): Snapshot {
    const { tracebackLimit, takenAt, heap, samplingInterval, mode, position, external } = this;
    const traces = applyFilters(this.traces, filters, this.filters);
    return new Snapshot({ traces, tracebackLimit, takenAt, heap, samplingInterval, mode, position, external, filters: [...this.filters, ...filters] });
  }

  /**
   * Estimated bytes of memtrace-ioc's own allocations (OWN_CODE in filters.ts), which the default
   * filters leave out of the user's statistics.
   */
  ownCodeSize(): number {
    return this.filterTraces(HIDDEN_FRAMES).size - this.filterTraces().size;
  }

  /**
   * Writes the snapshot to a path or to an open file descriptor (left open): a `.heapprofile` with
   * our extra fields beside, or a gzipped pprof profile (see ProfileFormat).
   */
  async dump(file: string | number, format: ProfileFormat = 'heapprofile'): Promise<void> {
    await writeFile(file, format === 'pprof' ? await encodePprof(snapshotToPprof(this)) : JSON.stringify(snapshotToHeapProfile(this)));
  }

  /** Reads a dump of this engine, or any `.heapprofile` (DevTools, `node --heap-prof`). */
  static async load(file: string, options: LoadOptions = {}): Promise<Snapshot> {
    const [text, stat] = await Promise.all([fs.promises.readFile(file, 'utf8'), fs.promises.stat(file)]);
    return new Snapshot(heapProfileToSnapshot(JSON.parse(text) as SamplingHeapProfile, { ...options, takenAt: options.takenAt ?? stat.mtime }));
  }

  private withFiltersOf(other: Snapshot): Snapshot {
    const applied = new Set(this.filters.map(filterKey));
    const missing = other.filters.filter((filter) => !applied.has(filterKey(filter)));
    return missing.length > 0 ? this.filterTraces(missing) : this;
  }
}
