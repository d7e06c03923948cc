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
    const group = groups.get(key);
    if (group) {
      group.size += trace.size;
      group.count += trace.count;
    } else {
      groups.set(key, { keyType, key, traceback: keyFrames(keyType, frame, trace), size: trace.size, count: trace.count });
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

/** Descending by key, as tracemalloc's `sort(reverse=True)` orders ties. */
function byKeyDescending(a: { key: string }, b: { key: string }): number {
  return a.key < b.key ? 1 : a.key > b.key ? -1 : 0;
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
    if (!newer.has(key)) diffs.push({ ...old, size: 0, count: 0, sizeDiff: -old.size, countDiff: -old.count });
  }
  return sortDiffs(diffs);
}
