import { Frame, type StackNode, type Trace } from './frames';

/**
 * What statistics group by. `lineno`: the newest frame's `file:line`, which is where the allocating
 * function starts (V8 records functions, not statements). `filename`: its file. `traceback`: the
 * whole stack (up to the traceback limit). `package`: the npm package owning the newest frame's file.
 */
export type KeyType = 'lineno' | 'filename' | 'traceback' | 'package';

export const KEY_TYPES: readonly KeyType[] = ['lineno', 'filename', 'traceback', 'package'];

export interface Statistic {
  readonly keyType: KeyType;
  /** The group's identity: `file:line`, file, the stack's `file:line`s, or the package name. */
  readonly key: string;
  /** The frames the key stands for, oldest → newest: one for lineno/filename, the stack for traceback, none for package. */
  readonly traceback: readonly Frame[];
  /** Estimated bytes. */
  readonly size: number;
  /** Estimated objects. */
  readonly count: number;
  /**
   * Buffer and ArrayBuffer contents sampled outside V8's heap. An external and a V8-heap group of
   * the same key are separate statistics: they are different memory, sampled differently.
   */
  readonly external: boolean;
  /** Samples behind the estimate. */
  readonly samples: number;
  /** Half-width of the estimate's 95% interval, in bytes: ±1.96σ from the samples. */
  readonly uncertainty: number;
  /** External samples that were small Buffers in a shared pool slab (see pooledSlabBound). */
  readonly pooledSamples: number;
}

export interface StatisticDiff extends Statistic {
  readonly sizeDiff: number;
  readonly countDiff: number;
}

interface Group {
  keyType: KeyType;
  key: string;
  traceback: readonly Frame[];
  size: number;
  count: number;
  external: boolean;
  samples: number;
  /** Σ of the traces' variances, kept squared so that independent traces add. */
  variance: number;
  uncertainty: number;
  pooledSamples: number;
}

/** The map key of a group: external memory never merges with the V8-heap group of the same key. */
function groupId(key: string, trace: Trace): string {
  return trace.external ? `${key}\0external` : key;
}

export interface GroupOptions {
  /**
   * Count every frame of a trace, not only the newest, so callers are charged for what their callees
   * hold (not for `traceback`). Unlike tracemalloc, a trace counts once per key even when several of
   * its frames share it (recursion, or many frames of one file), so no group exceeds the total.
   */
  cumulative?: boolean;
}

export function groupTraces(traces: readonly Trace[], keyType: KeyType, options: GroupOptions = {}): Map<string, Group> {
  if (!KEY_TYPES.includes(keyType)) throw new TypeError(`unknown key type ${JSON.stringify(keyType)}: use one of ${KEY_TYPES.join(', ')}`);
  if (options.cumulative && keyType === 'traceback') throw new TypeError('cumulative statistics cannot group by traceback');
  const groups = new Map<string, Group>();
  const add = (key: string, frame: Frame | null, trace: Trace) => {
    const id = groupId(key, trace);
    const variance = (trace.uncertainty / 1.96) ** 2;
    const group = groups.get(id);
    if (group) {
      group.size += trace.size;
      group.count += trace.count;
      group.samples += trace.samples;
      group.variance += variance;
      group.uncertainty = 1.96 * Math.sqrt(group.variance);
      group.pooledSamples += trace.pooledSamples;
    } else {
      const { size, count, external, samples, uncertainty, pooledSamples } = trace;
      groups.set(id, { keyType, key, traceback: keyFrames(keyType, frame, trace), size, count, external, samples, variance, uncertainty, pooledSamples });
    }
  };
  if (keyType === 'traceback') {
    for (const trace of traces) add(tracebackKey(trace), null, trace);
  } else if (!options.cumulative) {
    for (const trace of traces) add(frameKey(keyType, trace.newestFrame), trace.newestFrame, trace);
  } else {
    const seen = new Set<string>();
    for (const trace of traces) {
      seen.clear();
      let node: StackNode | null = trace.stack;
      for (let i = 0; i < trace.depth && node; i++, node = node.parent) {
        const key = frameKey(keyType, node.frame);
        if (seen.has(key)) continue;
        seen.add(key);
        add(key, node.frame, trace);
      }
    }
  }
  return groups;
}

function frameKey(keyType: KeyType, frame: Frame): string {
  return keyType === 'lineno' ? frame.location : keyType === 'filename' ? frame.file : frame.package;
}

function tracebackKey(trace: Trace): string {
  let key = '';
  let node: StackNode | null = trace.stack;
  for (let i = 0; i < trace.depth && node; i++, node = node.parent) key = i === 0 ? node.frame.location : `${node.frame.location}\n${key}`;
  return key;
}

function keyFrames(keyType: KeyType, frame: Frame | null, trace: Trace): readonly Frame[] {
  switch (keyType) {
    case 'traceback':
      return trace.frames;
    case 'lineno':
      return [frame as Frame];
    case 'filename':
      return [new Frame('', (frame as Frame).file, 0, 0, (frame as Frame).package)];
    case 'package':
      return [];
  }
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * tracemalloc's Traceback order: frame by frame from the oldest, each as its (filename, lineno)
 * tuple, the line a number (`a.js:10` after `a.js:9`); a stack after those it starts with.
 */
function compareTracebacks(a: readonly Frame[], b: readonly Frame[]): number {
  for (let i = 0; i < a.length && i < b.length; i++) {
    const order = compareText(a[i]!.file, b[i]!.file) || a[i]!.line - b[i]!.line;
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

/** Descending by key, as tracemalloc's `sort(reverse=True)` orders ties; package keys (no frames) by name. */
function byKeyDescending(a: Statistic, b: Statistic): number {
  return compareTracebacks(b.traceback, a.traceback) || compareText(b.key, a.key);
}

/** tracemalloc's order: size, then count, then key, all descending. */
export function sortStatistics<T extends Statistic>(statistics: T[]): T[] {
  return statistics.sort((a, b) => b.size - a.size || b.count - a.count || byKeyDescending(a, b));
}

/** tracemalloc's order: |sizeDiff|, size, |countDiff|, count, key, all descending. */
export function sortDiffs<T extends StatisticDiff>(diffs: T[]): T[] {
  return diffs.sort(
    (a, b) =>
      Math.abs(b.sizeDiff) - Math.abs(a.sizeDiff) ||
      b.size - a.size ||
      Math.abs(b.countDiff) - Math.abs(a.countDiff) ||
      b.count - a.count ||
      byKeyDescending(a, b),
  );
}

/** Groups present in only one side count as zero on the other, as in tracemalloc. */
export function diffGroups(newer: Map<string, Group>, older: Map<string, Group>): StatisticDiff[] {
  const diffs: StatisticDiff[] = [];
  for (const [key, group] of newer) {
    const old = older.get(key);
    diffs.push({ ...group, sizeDiff: group.size - (old?.size ?? 0), countDiff: group.count - (old?.count ?? 0) });
  }
  for (const [key, old] of older) {
    if (newer.has(key)) continue;
    const gone = { size: 0, count: 0, samples: 0, variance: 0, uncertainty: 0, pooledSamples: 0 };
    diffs.push({ ...old, ...gone, sizeDiff: -old.size, countDiff: -old.count });
  }
  return sortDiffs(diffs);
}
