/**
 * Heap snapshots: who keeps the memory. Parsed by a streaming reader into typed arrays, with
 * dominators and retained sizes as Chrome DevTools computes them, shortest retainer paths named
 * for a person, and growth across snapshots matched by V8's node ids.
 */
export { analyseHeapSnapshot } from './analysis';
export type { AnalysisOptions, ClassColumns, HeapAnalysis, RetainerColumns } from './analysis';
export { buildDominatorTree } from './dominators';
export type { DominatorTree } from './dominators';
export { BACKING_STORE_NAME, HeapGraph, ROOT } from './graph';
export { HeapSnapshotReader, parseHeapSnapshot, readHeapSnapshot } from './reader';
export type { RawHeapSnapshot } from './reader';
export { analyseOutOfProcess } from './analyse-out-of-process';
export type { OutOfProcessOptions, RunningAnalysis } from './analyse-out-of-process';
export { describeEstimate, estimateSnapshotCost, refusals, SNAPSHOT_COST } from './estimate';
export type { Resources, SnapshotEstimate, SnapshotLimits } from './estimate';
export { formatHeapSummary, formatRetainerGrowth, formatTopRetainers } from './format';
export { retainerGrowth } from './growth';
export type { GrowthColumns } from './growth';
export { observedHeapUsage, writeHeapSnapshot } from './take';
export type { HeapUsage, WrittenSnapshot } from './take';
