import { ROOT, type HeapGraph } from './graph';

const NONE = 0xffffffff;

export interface DominatorTree {
  /** Immediate dominator of each node; the root's is itself. */
  dominator: Uint32Array;
  /** Self size of the node and of everything it dominates. */
  retained: Float64Array;
  /** The part of `retained` that is ArrayBuffer contents (outside the JS heap). */
  retainedExternal: Float64Array;
  /** How many nodes the node retains, itself included. */
  retainedCount: Uint32Array;
  /** Steps from the root in the dominator tree. */
  depth: Uint32Array;
  /** Dominated nodes of node i: dominated[firstDominated[i] … firstDominated[i + 1] − 1]. */
  firstDominated: Uint32Array;
  dominated: Uint32Array;
}

/**
 * Dominators by Cooper, Harvey and Kennedy's iterative algorithm ("A Simple, Fast Dominance
 * Algorithm", 2001), on the graph Chrome DevTools uses: only essential edges (no weak edges,
 * shortcuts only from the root), and nodes the root cannot reach that way (held only by weak
 * edges) hang from the root, as DevTools attaches its orphans. DevTools leaves a cycle held only
 * weakly out of its search; here its first node hangs from the root and the rest from it. Retained
 * size is then the sum of self sizes over the dominator subtree.
 */
export function buildDominatorTree(graph: HeapGraph): DominatorTree {
  const { postOrder, order, entries } = postOrderIndex(graph);
  const dominator = dominatorsInPostOrder(graph, postOrder, order, entries);
  return { dominator, ...retainedSizes(graph, dominator, order), depth: depths(dominator, order), ...dominatedLists(dominator) };
}

interface PostOrder {
  /** Node → its post-order number. */
  postOrder: Uint32Array;
  /** Post-order number → node; the root is last. */
  order: Uint32Array;
  /** Nodes the root does not reach through essential edges, where a search started (treated as the root's children). */
  entries: Uint8Array;
}

function postOrderIndex(graph: HeapGraph): PostOrder {
  const n = graph.nodeCount;
  const { firstEdge, edgeTo } = graph.raw;
  const postOrder = new Uint32Array(n);
  const order = new Uint32Array(n);
  const entries = new Uint8Array(n);
  const visited = new Uint8Array(n);
  const stackNode = new Uint32Array(n);
  const stackEdge = new Uint32Array(n);
  let next = 0;
  const search = (start: number) => {
    let depth = 0;
    stackNode[0] = start;
    stackEdge[0] = firstEdge[start]!;
    visited[start] = 1;
    while (depth >= 0) {
      const node = stackNode[depth]!;
      const edge = stackEdge[depth]!;
      if (edge < firstEdge[node + 1]!) {
        stackEdge[depth] = edge + 1;
        if (!graph.isEssentialEdge(node, edge)) continue;
        const child = edgeTo[edge]!;
        if (visited[child]) continue;
        visited[child] = 1;
        depth++;
        stackNode[depth] = child;
        stackEdge[depth] = firstEdge[child]!;
      } else {
        postOrder[node] = next;
        order[next++] = node;
        depth--;
      }
    }
  };
  // The root is searched last so that it ends last in post order, after the unreachable parts.
  visited[ROOT] = 1;
  const rootSearch = () => {
    visited[ROOT] = 0;
    search(ROOT);
  };
  const reachable = new Uint8Array(n);
  markReachable(graph, reachable);
  for (let node = 0; node < n; node++) {
    if (reachable[node] || visited[node]) continue;
    entries[node] = 1;
    search(node);
  }
  rootSearch();
  return { postOrder, order, entries };
}

/** Marks what the root reaches through essential edges (breadth first, iteratively). */
function markReachable(graph: HeapGraph, reachable: Uint8Array): void {
  const { firstEdge, edgeTo } = graph.raw;
  const queue = new Uint32Array(graph.nodeCount);
  let head = 0;
  let tail = 0;
  queue[tail++] = ROOT;
  reachable[ROOT] = 1;
  while (head < tail) {
    const node = queue[head++]!;
    for (let edge = firstEdge[node]!; edge < firstEdge[node + 1]!; edge++) {
      const child = edgeTo[edge]!;
      if (reachable[child] || !graph.isEssentialEdge(node, edge)) continue;
      reachable[child] = 1;
      queue[tail++] = child;
    }
  }
}

/** Essential retainers of each node, as post-order numbers (compressed rows). */
function retainersInPostOrder(graph: HeapGraph, postOrder: Uint32Array): { first: Uint32Array; list: Uint32Array } {
  const n = graph.nodeCount;
  const { firstEdge, edgeTo } = graph.raw;
  const first = new Uint32Array(n + 2);
  for (let node = 0; node < n; node++) {
    for (let edge = firstEdge[node]!; edge < firstEdge[node + 1]!; edge++) {
      if (graph.isEssentialEdge(node, edge)) first[postOrder[edgeTo[edge]!]! + 2]!++;
    }
  }
  for (let i = 2; i < n + 2; i++) first[i]! += first[i - 1]!;
  const list = new Uint32Array(first[n + 1]!);
  for (let node = 0; node < n; node++) {
    const from = postOrder[node]!;
    for (let edge = firstEdge[node]!; edge < firstEdge[node + 1]!; edge++) {
      if (graph.isEssentialEdge(node, edge)) list[first[postOrder[edgeTo[edge]!]! + 1]!++] = from;
    }
  }
  return { first, list };
}

function dominatorsInPostOrder(graph: HeapGraph, postOrder: Uint32Array, order: Uint32Array, entries: Uint8Array): Uint32Array {
  const n = graph.nodeCount;
  const root = n - 1;
  const { first, list } = retainersInPostOrder(graph, postOrder);
  const dom = new Uint32Array(n).fill(NONE);
  dom[root] = root;
  const intersect = (a: number, b: number) => {
    while (a !== b) {
      while (a < b) a = dom[a]!;
      while (b < a) b = dom[b]!;
    }
    return a;
  };
  let changed = true;
  while (changed) {
    changed = false;
    for (let index = root - 1; index >= 0; index--) {
      let newDom = entries[order[index]!] ? root : NONE;
      for (let at = first[index]!; at < first[index + 1]!; at++) {
        const retainer = list[at]!;
        if (dom[retainer] === NONE) continue;
        newDom = newDom === NONE ? retainer : intersect(retainer, newDom);
      }
      if (newDom !== NONE && dom[index] !== newDom) {
        dom[index] = newDom;
        changed = true;
      }
    }
  }
  // Back from post-order numbers to nodes.
  const dominator = new Uint32Array(n);
  for (let index = 0; index < n; index++) dominator[order[index]!] = order[dom[index] === NONE ? root : dom[index]!]!;
  return dominator;
}

type Retained = Pick<DominatorTree, 'retained' | 'retainedExternal' | 'retainedCount'>;

function retainedSizes(graph: HeapGraph, dominator: Uint32Array, order: Uint32Array): Retained {
  const n = graph.nodeCount;
  const retained = Float64Array.from(graph.raw.selfSize);
  const retainedExternal = new Float64Array(n);
  const retainedCount = new Uint32Array(n).fill(1);
  for (let node = 0; node < n; node++) if (graph.isBackingStore(node)) retainedExternal[node] = retained[node]!;
  // A dominator comes after everything it dominates in post order.
  for (let index = 0; index < n - 1; index++) {
    const node = order[index]!;
    const parent = dominator[node]!;
    retained[parent]! += retained[node]!;
    retainedExternal[parent]! += retainedExternal[node]!;
    retainedCount[parent]! += retainedCount[node]!;
  }
  return { retained, retainedExternal, retainedCount };
}

function depths(dominator: Uint32Array, order: Uint32Array): Uint32Array {
  const depth = new Uint32Array(dominator.length);
  // Reverse post order visits each dominator before what it dominates.
  for (let index = order.length - 2; index >= 0; index--) {
    const node = order[index]!;
    depth[node] = depth[dominator[node]!]! + 1;
  }
  return depth;
}

function dominatedLists(dominator: Uint32Array): { firstDominated: Uint32Array; dominated: Uint32Array } {
  const n = dominator.length;
  const firstDominated = new Uint32Array(n + 2);
  for (let node = 0; node < n; node++) if (node !== ROOT) firstDominated[dominator[node]! + 2]!++;
  for (let i = 2; i < n + 2; i++) firstDominated[i]! += firstDominated[i - 1]!;
  const dominated = new Uint32Array(Math.max(0, n - 1));
  for (let node = 0; node < n; node++) if (node !== ROOT) dominated[firstDominated[dominator[node]! + 1]!++] = node;
  return { firstDominated: firstDominated.subarray(0, n + 1), dominated };
}
