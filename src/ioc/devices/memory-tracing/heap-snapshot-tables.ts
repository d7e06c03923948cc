// The heap snapshot lists as NTTables over pvAccess: one column per figure the text rows give,
// named after the analysis's columns (README: Heap snapshots).

import type { TableColumn } from '../../../pva/server';
import type { ClassColumns, GrowthColumns, RetainerColumns } from '../../../tracing/heap-snapshot';
import type { ColumnsOf } from './result-tables';

const RANK: TableColumn & { name: 'rank' } = { name: 'rank', label: 'rank', type: 'int' };

/** What a retainer's row and a grown retainer's row both give: where it is, what it holds, and who it is. */
const RETAINER = {
  path: { name: 'path', label: 'retainer path', type: 'string' },
  location: { name: 'location', label: 'location', type: 'string' },
  objects: { name: 'objects', label: 'objects', type: 'int' },
  id: { name: 'id', label: 'node id', type: 'uint' },
} as const satisfies Record<string, TableColumn>;

/** TraceTopRetainers. */
export const RETAINER_TABLE_COLUMNS: ColumnsOf<RetainerColumns> = [
  RANK,
  RETAINER.path,
  RETAINER.location,
  { name: 'retainedBytes', label: 'retained bytes', type: 'double' },
  { name: 'selfBytes', label: 'self bytes', type: 'double' },
  RETAINER.objects,
  { name: 'externalBytes', label: 'external bytes', type: 'double' },
  RETAINER.id,
];

/** TraceHeapSummary. */
export const SUMMARY_TABLE_COLUMNS: ColumnsOf<ClassColumns> = [
  RANK,
  { name: 'className', label: 'constructor', type: 'string' },
  { name: 'count', label: 'objects', type: 'int' },
  { name: 'selfBytes', label: 'self bytes', type: 'double' },
  { name: 'retainedBytes', label: 'retained bytes', type: 'double' },
  { name: 'externalBytes', label: 'external bytes', type: 'double' },
];

/** TraceRetainerGrowth. */
export const GROWTH_TABLE_COLUMNS: ColumnsOf<GrowthColumns> = [
  RANK,
  RETAINER.path,
  RETAINER.location,
  { name: 'growthBytes', label: 'growth bytes', type: 'double' },
  { name: 'firstBytes', label: 'first bytes', type: 'double' },
  { name: 'lastBytes', label: 'retained bytes', type: 'double' },
  { name: 'snapshots', label: 'snapshots', type: 'int' },
  RETAINER.objects,
  RETAINER.id,
];
