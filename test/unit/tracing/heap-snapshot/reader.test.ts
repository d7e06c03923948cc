import { HeapSnapshotReader, parseHeapSnapshot } from '../../../../src/tracing/heap-snapshot';
import { syntheticSnapshot, type SyntheticNode } from './synthetic-snapshot';

const nodes: SyntheticNode[] = [
  { key: 'root', type: 'synthetic', name: '', selfSize: 0 },
  { key: 'a', type: 'string', name: 'quote " back \\ slash, é 漢 \u2028 \n', selfSize: 4294967296 * 3, id: 4294967295 },
  { key: 'f', type: 'closure', name: 'put', selfSize: 64, location: [81, 6, 21] },
];
const text = syntheticSnapshot(nodes, [
  { from: 'root', to: 'a', type: 'element', name: 1 },
  { from: 'root', to: 'f', type: 'property', name: 'x' },
]);

describe('the streaming heap snapshot reader', () => {
  it('reads nodes, edges, escaped and multi-byte strings and locations into typed arrays', () => {
    const raw = parseHeapSnapshot(text);
    expect(raw.nodeCount).toBe(3);
    expect(raw.strings[raw.nodeName[1]!]).toBe(nodes[1]!.name);
    expect(raw.selfSize[1]).toBe(4294967296 * 3);
    expect(raw.nodeId[1]).toBe(4294967295);
    expect(Array.from(raw.firstEdge)).toEqual([0, 2, 2, 2]);
    expect(Array.from(raw.edgeTo)).toEqual([1, 2]);
    // The location's object index is an offset into nodes, not a node number.
    expect(raw.locations.get(2)).toEqual([81, 6, 21]);
  });

  it('gives the same result whichever byte a chunk ends on', () => {
    const whole = parseHeapSnapshot(text);
    const bytes = Buffer.from(text);
    for (let size = 1; size <= 7; size++) {
      const reader = new HeapSnapshotReader();
      for (let at = 0; at < bytes.length; at += size) reader.push(bytes.subarray(at, at + size));
      expect(reader.end()).toEqual(whole);
    }
  });

  it('refuses a file cut off before its end, and a file that is not a snapshot', () => {
    expect(() => parseHeapSnapshot(text.slice(0, text.indexOf('"strings"')))).toThrow(/incomplete/);
    expect(() => parseHeapSnapshot(text.replace('"edge_count":2', '"edge_count":3'))).toThrow(/edges/);
    expect(() => parseHeapSnapshot('{"hello":1,"nodes":[]}')).toThrow(/not a V8 heap snapshot/);
  });
});
