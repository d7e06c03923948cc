import type { RetainerColumns } from './analysis';

export interface GrowthColumns {
  id: number[];
  /** Retained bytes in the last snapshot minus in the first. */
  growthBytes: number[];
  firstBytes: number[];
  lastBytes: number[];
  objects: number[];
  path: string[];
  /** The code that keeps it, as RetainerColumns' location. */
  location: string[];
  /** How many snapshots the retainer grew through. */
  snapshots: number[];
}

/**
 * Retainers whose retained size grew from each snapshot to the next, matched by V8's node ids
 * (stable for the life of a process), ranked by growth: memlab's unbound-object analysis on the
 * retainers each snapshot listed. A retainer counts over the snapshots since it was last seen not
 * growing (or since it appeared), at least two, so that a leak that starts late is not hidden by
 * older snapshots. `history` is oldest first.
 */
export function retainerGrowth(history: readonly RetainerColumns[]): GrowthColumns {
  const growth: GrowthColumns = { id: [], growthBytes: [], firstBytes: [], lastBytes: [], objects: [], path: [], location: [], snapshots: [] };
  const rowsById = history.map((columns) => new Map(columns.id.map((id, row) => [id, row])));
  const last = history.at(-1);
  const rows: { row: number; first: number; run: number }[] = [];
  for (let row = 0; last && row < last.id.length; row++) {
    const id = last.id[row]!;
    let bytes = last.retainedBytes[row]!;
    let run = 1;
    for (let at = history.length - 2; at >= 0; at--) {
      const found = rowsById[at]!.get(id);
      const before = found === undefined ? Infinity : history[at]!.retainedBytes[found]!;
      if (before >= bytes) break;
      bytes = before;
      run++;
    }
    if (run >= 2) rows.push({ row, first: bytes, run });
  }
  const grown = (entry: { row: number; first: number }) => last!.retainedBytes[entry.row]! - entry.first;
  rows.sort((a, b) => grown(b) - grown(a));
  for (const entry of rows) {
    growth.id.push(last!.id[entry.row]!);
    growth.growthBytes.push(grown(entry));
    growth.firstBytes.push(entry.first);
    growth.lastBytes.push(last!.retainedBytes[entry.row]!);
    growth.objects.push(last!.objects[entry.row]!);
    growth.path.push(last!.path[entry.row]!);
    growth.location.push(last!.location[entry.row]!);
    growth.snapshots.push(entry.run);
  }
  return growth;
}
