import { formatSize } from '../format';
import type { ClassColumns, HeapAnalysis, RetainerColumns } from './analysis';
import type { GrowthColumns } from './growth';

/** Rows of a list, numbered as the tracing lists number theirs. */
function numbered(lines: string[]): string {
  return lines.map((line, index) => `#${index + 1}: ${line}`).join('\n');
}

function external(bytes: number): string {
  return bytes > 0 ? ` (${formatSize(bytes)} external)` : '';
}

/** "#1: 50.0 MiB retained (50.0 MiB external), 151 objects: global.cachePut → closure put (src/cache.ts:7) → …" */
export function formatTopRetainers(analysis: HeapAnalysis, limit = analysis.topRetainers.id.length): string {
  const top: RetainerColumns = analysis.topRetainers;
  const title = `Top retainers of ${analysis.nodeCount} objects, ${formatSize(analysis.totalBytes)} in all${external(analysis.externalBytes)}`;
  const rows = top.id
    .slice(0, limit)
    .map((_, row) => `${formatSize(top.retainedBytes[row]!)} retained${external(top.externalBytes[row]!)}, ${top.objects[row]} objects: ${top.path[row]}`);
  return [title, numbered(rows)].join('\n');
}

/** "#1: Map: 12 objects, self 1.2 KiB, retained 50.0 MiB (50.0 MiB external)" */
export function formatHeapSummary(analysis: HeapAnalysis, limit: number): string {
  const summary: ClassColumns = analysis.summary;
  const title = `Bytes by constructor (${summary.className.length} kinds), by retained size`;
  const rows = summary.className
    .slice(0, limit)
    .map(
      (name, row) =>
        `${name}: ${summary.count[row]} objects, self ${formatSize(summary.selfBytes[row]!)}, retained ${formatSize(summary.retainedBytes[row]!)}${external(summary.externalBytes[row]!)}`,
    );
  return [title, numbered(rows)].join('\n');
}

/** "#1: +12.0 MiB (4.0 MiB → 16.0 MiB over 3 snapshots), 30001 objects: global.growing (Map) → 30000 × Object" */
export function formatRetainerGrowth(growth: GrowthColumns, snapshots: number, limit: number): string {
  if (snapshots < 2) return 'one snapshot so far: growth needs two or more';
  if (growth.id.length === 0) return `no retainer grew from the previous snapshot (${snapshots} kept)`;
  const rows = growth.id
    .slice(0, limit)
    .map(
      (_, row) =>
        `${formatSize(growth.growthBytes[row]!, true)} (${formatSize(growth.firstBytes[row]!)} → ${formatSize(growth.lastBytes[row]!)} over ${growth.snapshots[row]} snapshots), ${growth.objects[row]} objects: ${growth.path[row]}`,
    );
  return [`Retainers grown in each snapshot since they last did not (${snapshots} kept), by growth`, numbered(rows)].join('\n');
}
