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
