import { performance } from 'node:perf_hooks';
import { buildDominatorTree, type DominatorTree } from './dominators';
import { HeapGraph, ROOT } from './graph';
import { NodeLabels } from './labels';
import { pathEdges, shortestRetainers } from './paths';
import type { RawHeapSnapshot } from './reader';
import { formatRetainerPath } from './retainer-path';

/** Retainers as columns (one array per column, same length): what a text list, a waveform or an NTTable serves. */
export interface RetainerColumns {
  /** V8's node id: stable across snapshots of one process. */
  id: number[];
  retainedBytes: number[];
  /** Of which ArrayBuffer contents (outside the JS heap). */
  externalBytes: number[];
  /** Objects retained, the retainer included. */
  objects: number[];
  /** The retainer's own size. */
  selfBytes: number[];
  /** The shortened retainer path, ending with what the retainer holds. */
  path: string[];
  /** The code that keeps it: the source location of the last closure on its path ('' when none has one). */
  location: string[];
}

export interface ClassColumns {
  className: string[];
  count: number[];
  selfBytes: number[];
  /** As DevTools: objects of the class not retained by another of the same class. */
  retainedBytes: number[];
  externalBytes: number[];
}

export interface HeapAnalysis {
  nodeCount: number;
  edgeCount: number;
  /** Sum of self sizes, ArrayBuffer contents included. */
  totalBytes: number;
  externalBytes: number;
  topRetainers: RetainerColumns;
  /** Every class, by retained size. */
  summary: ClassColumns;
  /** A longer list of retainers, matched across snapshots by id for the growth list. */
  growthCandidates: RetainerColumns;
  durationMs: number;
  /** The analysing process's peak resident memory, when it ran in a process of its own. */
  peakMemoryBytes?: number;
}

export interface AnalysisOptions {
  /** Entries in the top list (default 10). */
  count?: number;
  /** Retainers kept for growth across snapshots (default 500). */
  growthCandidates?: number;
  /** Paths under this directory show relative to it (default: the current directory). */
  root?: string;
}

/** A retainer's largest dominated child taking at least this share of it is named in its stead. */
const HOLDER_SHARE = 0.8;
/** Bounds the walk that groups what a holder retains. */
const MAX_GROUP_VISITS = 1_000_000;

/** Dominators, retained sizes, retainer paths and the class summary of one parsed snapshot. */
export function analyseHeapSnapshot(raw: RawHeapSnapshot, options: AnalysisOptions = {}): HeapAnalysis {
  const began = performance.now();
  const graph = new HeapGraph(raw);
  const tree = buildDominatorTree(graph);
  const labels = new NodeLabels(graph, options.root ?? process.cwd());
  const parentEdge = shortestRetainers(graph);
  const count = options.count ?? 10;
  const picked = pickRetainers(graph, labels, tree, Math.max(count, options.growthCandidates ?? 500));
  const growth: RetainerColumns = { id: [], retainedBytes: [], externalBytes: [], objects: [], selfBytes: [], path: [], location: [] };
  for (const node of picked) {
    const holder = holderOf(labels, tree, node);
    const edges = pathEdges(graph, parentEdge, holder);
    const path = formatRetainerPath(graph, labels, edges);
    const held = heldGroups(labels, tree, holder);
    growth.id.push(raw.nodeId[node]!);
    growth.retainedBytes.push(tree.retained[node]!);
    growth.externalBytes.push(tree.retainedExternal[node]!);
    growth.objects.push(tree.retainedCount[node]!);
    growth.selfBytes.push(raw.selfSize[node]!);
    growth.path.push(held === '' ? path : `${path} → ${held}`);
    growth.location.push(keeperLocation(graph, labels, edges));
  }
  const top = firstRows(growth, count);
  return {
    nodeCount: raw.nodeCount,
    edgeCount: raw.edgeCount,
    totalBytes: tree.retained[ROOT]!,
    externalBytes: tree.retainedExternal[ROOT]!,
    topRetainers: top,
    summary: classSummary(graph, tree),
    growthCandidates: growth,
    durationMs: performance.now() - began,
  };
}

/**
 * The largest meaningful retainers that do not retain one another: an object listed is not also
 * listed through its dominator. Ties go to the dominator (nearer the root).
 */
function pickRetainers(graph: HeapGraph, labels: NodeLabels, tree: DominatorTree, limit: number): number[] {
  const candidates: number[] = [];
  for (let node = 0; node < graph.nodeCount; node++) if (labels.isMeaningful(node)) candidates.push(node);
  candidates.sort((a, b) => tree.retained[b]! - tree.retained[a]! || tree.depth[a]! - tree.depth[b]!);
  const picked: number[] = [];
  const isPicked = new Uint8Array(graph.nodeCount);
  for (const node of candidates) {
    if (picked.length >= limit) break;
    let ancestor = tree.dominator[node]!;
    while (ancestor !== ROOT && !isPicked[ancestor]) ancestor = tree.dominator[ancestor]!;
    if (isPicked[ancestor]) continue;
    isPicked[node] = 1;
    picked.push(node);
  }
  return picked;
}

/** The source location of the last closure (with one) that a retainer path passes through. */
function keeperLocation(graph: HeapGraph, labels: NodeLabels, edges: readonly number[]): string {
  for (let at = edges.length - 1; at >= 0; at--) {
    const node = graph.raw.edgeTo[edges[at]!]!;
    const location = graph.type(node) === graph.types.closure ? labels.location(node) : undefined;
    if (location !== undefined) return location;
  }
  return '';
}

/** The deepest meaningful node down the chain of largest dominated children that keep most of `node`'s size. */
function holderOf(labels: NodeLabels, tree: DominatorTree, node: number): number {
  const floor = tree.retained[node]! * HOLDER_SHARE;
  let holder = node;
  for (let at = node; ;) {
    let largest = -1;
    for (let index = tree.firstDominated[at]!; index < tree.firstDominated[at + 1]!; index++) {
      const child = tree.dominated[index]!;
      if (largest < 0 || tree.retained[child]! > tree.retained[largest]!) largest = child;
    }
    if (largest < 0 || tree.retained[largest]! < floor) return holder;
    at = largest;
    if (labels.isMeaningful(at)) holder = at;
  }
}

/** What a holder retains, by kind: "10000 × Uint8Array" (the two largest kinds). */
function heldGroups(labels: NodeLabels, tree: DominatorTree, holder: number): string {
  const groups = new Map<string, { count: number; bytes: number }>();
  const stack: number[] = [];
  const pushChildren = (node: number) => {
    for (let index = tree.firstDominated[node]!; index < tree.firstDominated[node + 1]!; index++) stack.push(tree.dominated[index]!);
  };
  pushChildren(holder);
  for (let visits = 0; stack.length > 0 && visits < MAX_GROUP_VISITS; visits++) {
    const node = stack.pop()!;
    if (labels.isInternal(node)) {
      pushChildren(node);
      continue;
    }
    const key = labels.describe(node);
    const group = groups.get(key) ?? { count: 0, bytes: 0 };
    group.count++;
    group.bytes += tree.retained[node]!;
    groups.set(key, group);
  }
  return [...groups]
    .sort((a, b) => b[1].bytes - a[1].bytes)
    .slice(0, 2)
    .map(([key, group]) => `${group.count} × ${key}`)
    .join(', ');
}

/**
 * Bytes by class. Retained size per class follows DevTools: an object's retained size counts for
 * its class unless a dominator of it already belongs to that class (no double counting).
 */
function classSummary(graph: HeapGraph, tree: DominatorTree): ClassColumns {
  const classIndex = new Map<string, number>();
  const classOf = new Uint32Array(graph.nodeCount);
  const summary: ClassColumns = { className: [], count: [], selfBytes: [], retainedBytes: [], externalBytes: [] };
  for (let node = 0; node < graph.nodeCount; node++) {
    const name = graph.className(node);
    let index = classIndex.get(name);
    if (index === undefined) {
      index = summary.className.length;
      classIndex.set(name, index);
      summary.className.push(name);
      summary.count.push(0);
      summary.selfBytes.push(0);
      summary.retainedBytes.push(0);
      summary.externalBytes.push(0);
    }
    classOf[node] = index;
    summary.count[index]!++;
    summary.selfBytes[index]! += graph.raw.selfSize[node]!;
  }
  // Depth-first over the dominator tree; ~node marks leaving a node.
  const inside = new Uint32Array(summary.className.length);
  const stack: number[] = [ROOT];
  while (stack.length > 0) {
    const entry = stack.pop()!;
    if (entry < 0) {
      inside[classOf[~entry]!]!--;
      continue;
    }
    const index = classOf[entry]!;
    if (inside[index] === 0 && entry !== ROOT) {
      summary.retainedBytes[index]! += tree.retained[entry]!;
      summary.externalBytes[index]! += tree.retainedExternal[entry]!;
    }
    inside[index]!++;
    stack.push(~entry);
    for (let at = tree.firstDominated[entry]!; at < tree.firstDominated[entry + 1]!; at++) stack.push(tree.dominated[at]!);
  }
  return sortColumns(summary, summary.retainedBytes);
}

/** The same columns, their first `count` rows. */
function firstRows<T extends object>(columns: T, count: number): T {
  return Object.fromEntries(Object.entries(columns).map(([name, column]: [string, unknown[]]) => [name, column.slice(0, count)])) as T;
}

/** The same columns, rows ordered by `key` descending. */
function sortColumns<T extends object>(columns: T, key: number[]): T {
  const order = key.map((_, row) => row).sort((a, b) => key[b]! - key[a]!);
  const sorted: Record<string, unknown[]> = {};
  for (const [name, column] of Object.entries(columns) as [string, unknown[]][]) sorted[name] = order.map((row) => column[row]);
  return sorted as T;
}
