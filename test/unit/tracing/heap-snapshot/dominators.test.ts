import * as path from 'node:path';
import { analyseHeapSnapshot, buildDominatorTree, HeapGraph, parseHeapSnapshot } from '../../../../src/tracing/heap-snapshot';
import { syntheticSnapshot, type SyntheticEdge, type SyntheticNode } from './synthetic-snapshot';

// A graph whose dominators and retained sizes are worked out by hand with the rules of Chrome
// DevTools' heap model (front_end/entrypoints/heap_snapshot_worker/HeapSnapshot.ts:
// isEssentialEdge, buildDominatorTree, calculateRetainedSizes, calculateClassesRetainedSize):
// weak edges never retain, shortcuts only from the root, nodes reached by no essential edge hang
// from the root.
//
//   root ─element→ global ─a→ A(Holder,100) ─y→ D(Holder,50) ─z→ F(backing store, 4000)
//                         └─b→ B(200) ─x→ C(1000) ←x─ A        A ─shortcut→ B   B ─weak→ E(7)
const nodes: SyntheticNode[] = [
  { key: 'root', type: 'synthetic', name: '', selfSize: 0 },
  { key: 'global', type: 'object', name: 'global', selfSize: 10 },
  { key: 'A', type: 'object', name: 'Holder', selfSize: 100 },
  { key: 'B', type: 'object', name: 'Other', selfSize: 200 },
  { key: 'C', type: 'object', name: 'Shared', selfSize: 1000 },
  { key: 'D', type: 'object', name: 'Holder', selfSize: 50 },
  { key: 'E', type: 'object', name: 'WeakOnly', selfSize: 7 },
  { key: 'F', type: 'native', name: 'system / JSArrayBufferData', selfSize: 4000 },
];
const edges: SyntheticEdge[] = [
  { from: 'root', to: 'global', type: 'element', name: 1 },
  { from: 'global', to: 'A', type: 'property', name: 'a' },
  { from: 'global', to: 'B', type: 'property', name: 'b' },
  { from: 'A', to: 'C', type: 'property', name: 'x' },
  { from: 'A', to: 'D', type: 'property', name: 'y' },
  { from: 'A', to: 'B', type: 'shortcut', name: 's' },
  { from: 'B', to: 'C', type: 'property', name: 'x' },
  { from: 'B', to: 'E', type: 'weak', name: 'w' },
  { from: 'D', to: 'F', type: 'internal', name: 'backing_store' },
];

describe('dominators and retained sizes on a hand-computed graph', () => {
  const raw = parseHeapSnapshot(syntheticSnapshot(nodes, edges));
  const graph = new HeapGraph(raw);
  const tree = buildDominatorTree(graph);
  const index = (key: string) => nodes.findIndex((node) => node.key === key);
  const dominatorOf = (key: string) => nodes[tree.dominator[index(key)]!]!.key;
  const retainedOf = (key: string) => tree.retained[index(key)];

  it('finds each immediate dominator', () => {
    expect(['global', 'A', 'B', 'C', 'D', 'E', 'F'].map(dominatorOf)).toEqual(['root', 'global', 'global', 'global', 'A', 'root', 'D']);
  });

  it('sums self sizes over dominator subtrees', () => {
    expect(['F', 'D', 'A', 'C', 'B', 'E', 'global', 'root'].map(retainedOf)).toEqual([4000, 4050, 4150, 1000, 200, 7, 5360, 5367]);
    expect(tree.retainedExternal[index('A')]).toBe(4000);
    expect(tree.retainedCount[index('A')]).toBe(3);
  });

  it('counts a class once where one of its objects retains another (DevTools calculateClassesRetainedSize)', () => {
    const { summary } = analyseHeapSnapshot(raw);
    const row = summary.className.indexOf('Holder');
    expect(summary.count[row]).toBe(2);
    expect(summary.selfBytes[row]).toBe(150);
    expect(summary.retainedBytes[row]).toBe(4150);
    expect(summary.externalBytes[row]).toBe(4000);
  });

  it('lists retainers that do not retain one another, with their paths from the global object', () => {
    const { topRetainers } = analyseHeapSnapshot(raw, { count: 10 });
    expect(topRetainers.path[0]).toBe('global.a (Holder) → y (Holder) → 1 × system / JSArrayBufferData');
    // No closure on the way: no code to name.
    expect(topRetainers.location[0]).toBe('');
    expect(topRetainers.retainedBytes.slice(0, 4)).toEqual([4150, 1000, 200, 7]);
    // D is inside A's row, not a row of its own.
    expect(topRetainers.id).not.toContain(raw.nodeId[index('D')]);
  });
});

describe('closures in retainer paths', () => {
  it('names a closure with its script and 1-based line, and groups what it holds', () => {
    const closureNodes: SyntheticNode[] = [
      { key: 'root', type: 'synthetic', name: '', selfSize: 0 },
      { key: 'global', type: 'object', name: 'global', selfSize: 10 },
      { key: 'put', type: 'closure', name: 'put', selfSize: 64, location: [81, 6, 21] },
      { key: 'shared', type: 'code', name: 'put', selfSize: 40 },
      { key: 'script', type: 'code', name: '/app/src/cache.js', selfSize: 80 },
      { key: 'context', type: 'object', name: 'system / Context', selfSize: 32 },
      { key: 'map', type: 'object', name: 'Map', selfSize: 24 },
      { key: 'table', type: 'array', name: '(object elements)', selfSize: 100 },
      { key: 'b1', type: 'object', name: 'Buffer', selfSize: 100 },
      { key: 'b2', type: 'object', name: 'Buffer', selfSize: 100 },
      { key: 's1', type: 'native', name: 'system / JSArrayBufferData', selfSize: 1 << 20 },
      { key: 's2', type: 'native', name: 'system / JSArrayBufferData', selfSize: 1 << 20 },
    ];
    const closureEdges: SyntheticEdge[] = [
      { from: 'root', to: 'global', type: 'element', name: 1 },
      { from: 'root', to: 'script', type: 'element', name: 2 },
      { from: 'global', to: 'put', type: 'property', name: 'cachePut' },
      { from: 'put', to: 'shared', type: 'internal', name: 'shared' },
      { from: 'put', to: 'context', type: 'internal', name: 'context' },
      { from: 'shared', to: 'script', type: 'internal', name: 'script_or_debug_info' },
      { from: 'context', to: 'map', type: 'context', name: 'store' },
      { from: 'map', to: 'table', type: 'internal', name: 'table' },
      { from: 'table', to: 'b1', type: 'element', name: 0 },
      { from: 'table', to: 'b2', type: 'element', name: 1 },
      { from: 'b1', to: 's1', type: 'internal', name: 'backing_store' },
      { from: 'b2', to: 's2', type: 'internal', name: 'backing_store' },
    ];
    const { topRetainers } = analyseHeapSnapshot(parseHeapSnapshot(syntheticSnapshot(closureNodes, closureEdges)), { root: '/app' });
    expect(topRetainers.path[0]).toBe('global.cachePut → closure put (src/cache.js:7) → context.store (Map) → 2 × Buffer');
    expect(topRetainers.externalBytes[0]).toBe(2 << 20);
    expect(topRetainers.retainedBytes[0]).toBe(64 + 40 + 32 + 24 + 100 + 200 + (2 << 20));
    // The row is the closure's (the largest retainer); its own size is the closure's, and the code that keeps the Map is its.
    expect(topRetainers.selfBytes[0]).toBe(64);
    expect(topRetainers.location[0]).toBe('src/cache.js:7');
  });

  it('maps a compiled closure to its TypeScript line through the source map of its file', () => {
    const repository = path.resolve(__dirname, '..', '..', '..', '..');
    const compiled = path.join(repository, 'test', 'fixtures', 'tracing', 'sourcemapped', 'retain.js');
    const mappedNodes: SyntheticNode[] = [
      { key: 'root', type: 'synthetic', name: '', selfSize: 0 },
      { key: 'global', type: 'object', name: 'global', selfSize: 10 },
      // retain.js line 8 (0-based 7), column 0: "function retainReadings(count) {".
      { key: 'fn', type: 'closure', name: 'retainReadings', selfSize: 64, location: [90, 7, 0] },
      { key: 'shared', type: 'code', name: 'retainReadings', selfSize: 40 },
      { key: 'script', type: 'code', name: compiled, selfSize: 80 },
    ];
    const mappedEdges: SyntheticEdge[] = [
      { from: 'root', to: 'global', type: 'element', name: 1 },
      { from: 'root', to: 'script', type: 'element', name: 2 },
      { from: 'global', to: 'fn', type: 'property', name: 'retainReadings' },
      { from: 'fn', to: 'shared', type: 'internal', name: 'shared' },
      { from: 'shared', to: 'script', type: 'internal', name: 'script_or_debug_info' },
    ];
    const { topRetainers } = analyseHeapSnapshot(parseHeapSnapshot(syntheticSnapshot(mappedNodes, mappedEdges)), { root: repository });
    expect(topRetainers.path[0]).toBe('global.retainReadings → closure retainReadings (test/fixtures/tracing/sourcemapped/retain.ts:16)');
    expect(topRetainers.location[0]).toBe('test/fixtures/tracing/sourcemapped/retain.ts:16');
  });
});
