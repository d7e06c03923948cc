import { ROOT, type HeapGraph } from './graph';

/**
 * The edge by which a breadth-first search from the root first reached each node (+1; 0 for none),
 * skipping weak edges as DevTools' distances do: following them back gives a shortest retainer path.
 */
export function shortestRetainers(graph: HeapGraph): Uint32Array {
  const { firstEdge, edgeTo, edgeType } = graph.raw;
  const weak = graph.edgeTypes.weak;
  const parentEdge = new Uint32Array(graph.nodeCount);
  const seen = new Uint8Array(graph.nodeCount);
  const queue = new Uint32Array(graph.nodeCount);
  let head = 0;
  let tail = 0;
  queue[tail++] = ROOT;
  seen[ROOT] = 1;
  while (head < tail) {
    const node = queue[head++]!;
    for (let edge = firstEdge[node]!; edge < firstEdge[node + 1]!; edge++) {
      const child = edgeTo[edge]!;
      if (seen[child] || edgeType[edge] === weak) continue;
      seen[child] = 1;
      parentEdge[child] = edge + 1;
      queue[tail++] = child;
    }
  }
  return parentEdge;
}

/** The edges from the root to `node` (empty if only weak edges reach it). */
export function pathEdges(graph: HeapGraph, parentEdge: Uint32Array, node: number): number[] {
  const edges: number[] = [];
  const { firstEdge } = graph.raw;
  for (let at = node; parentEdge[at] !== 0;) {
    const edge = parentEdge[at]! - 1;
    edges.push(edge);
    at = edgeSource(firstEdge, edge);
  }
  return edges.reverse();
}

/** The node an edge leaves from: the last node whose first edge is at or before it (nodes without edges share the next one's). */
function edgeSource(firstEdge: Uint32Array, edge: number): number {
  let low = 0;
  let high = firstEdge.length - 2;
  while (low < high) {
    const middle = (low + high + 1) >>> 1;
    if (firstEdge[middle]! <= edge) low = middle;
    else high = middle - 1;
  }
  return low;
}
