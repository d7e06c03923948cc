/**
 * memtrace-ioc/tracing: "which code holds my memory, and what grew since last time?" for Node, after
 * Python's tracemalloc, on V8's sampling heap profiler. No Channel Access here: the IOC serves it,
 * and programs may use it directly.
 *
 *     import * as tracing from 'memtrace-ioc/tracing';
 *     await tracing.start();
 *     const before = (await tracing.takeSnapshot()).filterTraces();
 *     // … work …
 *     const after = (await tracing.takeSnapshot()).filterTraces();
 *     for (const diff of after.compareTo(before, 'lineno').slice(0, 10)) console.log(tracing.formatStatisticDiff(diff));
 *
 * Sizes and counts are statistical estimates (see counting.ts) with their uncertainty; locations are
 * where the allocating function starts. Memory outside V8's heap (Buffer and ArrayBuffer contents)
 * is sampled by a sampler of its own when `start({ externalSamplingInterval })` asks for it, in a
 * thread that called `registerExternalSampler()` (see external/).
 */
export { clearTraces, DEFAULT_SAMPLING_INTERVAL, getTracebackLimit, getTracedMemory, isTracing, MAX_STACK_DEPTH, start, stop, takeSnapshot } from './engine';
export type { SnapshotOptions, StartOptions, TracedMemory } from './engine';
export { TracingConflictError, TracingError } from './errors';
export { DEFAULT_FILTERS, Filter, FrameFilter, HIDDEN_FRAMES, OWN_CODE } from './filters';
export type { FilterDescriptor, FilterOptions, TraceFilter } from './filters';
export {
  formatEntry,
  formatKey,
  formatSize,
  formatStatistic,
  formatStatisticDiff,
  formatTopLines,
  formatTopStatistics,
  formatTopTotals,
  topTitle,
} from './format';
export type { FormatOptions, TopLinesOptions, TopOptions } from './format';
export { Frame, Trace } from './frames';
export type { StackNode, TraceSampling } from './frames';
export { ExternalSampler, registerExternalSampler } from './external/external-sampler';
export type { ExternalSettings } from './external/external-sampler';
export type { ExternalTotals } from './protocol';
export type { LoadOptions } from './dump';
export { NODE_INTERNAL, UNNAMED_APP } from './packages';
export type { ObservedThread } from './sampler';
export { PPROF_EXTERNAL, PPROF_HEAP, PPROF_MEMORY_LABEL, snapshotToPprof } from './pprof';
export { pooledSlabBound, PROFILE_EXTENSIONS, Snapshot } from './snapshot';
export type { HeapTotals, ProfileFormat, SamplerPosition, TracingMode } from './snapshot';
export { KEY_TYPES } from './statistics';
export type { GroupOptions, KeyType, Statistic, StatisticDiff } from './statistics';
export { DEFAULT_SUSPECT_RULES, GrowthHistory, leastSquares } from './suspects';
export type { Suspect, SuspectRules } from './suspects';
export { resultRows } from './rows';
export type { ResultRow, RowChange } from './rows';
