import { AlarmSeverity, AlarmStatus } from '../../../database/pv';
import { MAX_DBR_STRING_BYTES } from '../../../database/text';
import type { TableColumn } from '../../../pva/server';
import type { ResultRow } from '../../../tracing';
import type { TraceList, TraceReport } from '../../tracing/trace-reporter';
import { Reading } from '../reading';
import { ResultTables } from './result-tables';

/** The NTTable columns of a list, in ResultRow's terms. */
const TABLE_COLUMNS: readonly (TableColumn & { name: keyof ResultRow })[] = [
  { name: 'rank', label: 'rank', type: 'int' },
  { name: 'location', label: 'location', type: 'string' },
  { name: 'functionName', label: 'function', type: 'string' },
  { name: 'package', label: 'package', type: 'string' },
  { name: 'bytes', label: 'bytes', type: 'double' },
  { name: 'count', label: 'count', type: 'double' },
  { name: 'deltaBytes', label: 'delta bytes', type: 'double' },
  { name: 'deltaCount', label: 'delta count', type: 'double' },
  { name: 'external', label: 'external', type: 'boolean' },
];

/** The results of one list: its caproto-shaped text, its entries as arrays in rank order, its NTTables. */
class ListReadings {
  readonly text: Reading;
  readonly bytes = new Reading([]);
  readonly counts = new Reading([]);
  readonly locations = new Reading([]);
  /** The NTTables that the views' text records name with info(Q:table, NAME). */
  readonly tables = new ResultTables(TABLE_COLUMNS);

  constructor(initial: string) {
    this.text = new Reading(initial);
  }
}

function tableRows(rows: readonly ResultRow[]): Record<string, unknown[]> {
  return Object.fromEntries(TABLE_COLUMNS.map((column) => [column.name, rows.map((row) => row[column.name])]));
}

type Stamp = { timeStamp: Date };

const ELLIPSIS = '...';
const NO_DIFF: TraceList = { text: 'no previous snapshot: the next one is compared with this one', rows: [] };
const NO_GROWTH_RATE = 'no growth rate: it needs two snapshots in live mode';

/**
 * A location in a DBR_STRING element (39 bytes and its NUL): the end of a long path is the part
 * a person tells sites apart by, so the start gives way.
 */
export function fitLocation(location: string): string {
  if (Buffer.byteLength(location, 'utf8') <= MAX_DBR_STRING_BYTES) return location;
  let tail = location.slice(-(MAX_DBR_STRING_BYTES - ELLIPSIS.length));
  while (Buffer.byteLength(ELLIPSIS + tail, 'utf8') > MAX_DBR_STRING_BYTES) tail = tail.slice(1);
  return ELLIPSIS + tail;
}

/** The list results by the name their parameters start with (@top, @top_bytes…). */
export const LIST_NAMES = ['top', 'diff', 'peak', 'suspects'] as const;
export type ListName = (typeof LIST_NAMES)[number];

/**
 * The tracing results: the lists (top, diff, peak, leak suspects) as text, as numeric and string
 * waveforms and as NTTables over pvAccess, the summary, and the figures an alarm server or an
 * archiver follows (own memory, growth rate, fastest suspect). Until the first snapshot they hold
 * defined values with NO_ALARM (nothing traced yet), not UDF, so that displays open without alarm
 * borders and an archiver's first sample is real.
 */
export class TraceResults {
  readonly lists: Record<ListName, ListReadings>;
  readonly summary: Reading;
  readonly suspectRates = new Reading([]);
  readonly selfMemory = new Reading(0);
  readonly growthRate = new Reading(0);
  readonly topSuspectRate = new Reading(0);

  constructor(noSnapshot: string) {
    this.lists = {
      top: new ListReadings(noSnapshot),
      diff: new ListReadings(noSnapshot),
      peak: new ListReadings(noSnapshot),
      suspects: new ListReadings(noSnapshot),
    };
    this.summary = new Reading(noSnapshot);
  }

  /** Posts a report; `peak` when it is the highest traced memory so far, which the peak list keeps. */
  publish(report: TraceReport, peak: boolean, note: string): void {
    const stamp = { timeStamp: report.takenAt };
    this.postList(this.lists.top, report.top, stamp);
    // The diff list's numbers are its changes, the figures it is ranked by.
    this.postList(this.lists.diff, report.diff ?? NO_DIFF, stamp, (row) => [row.deltaBytes, row.deltaCount]);
    if (peak) this.postList(this.lists.peak, report.top, stamp);
    this.postList(this.lists.suspects, report.suspects, stamp);
    this.suspectRates.post(report.suspects.rates, stamp);
    this.summary.post(`${report.summary}\n${note}`, stamp);
    this.selfMemory.post(report.ownCode, stamp);
    if (report.growthRate !== null) this.growthRate.post(report.growthRate, stamp);
    else this.growthRate.post(0, { ...stamp, alarm: { severity: AlarmSeverity.INVALID, status: AlarmStatus.UDF, message: NO_GROWTH_RATE } });
    this.topSuspectRate.post(report.topSuspectRate, stamp);
  }

  private postList(readings: ListReadings, list: TraceList, stamp: Stamp, figures = (row: ResultRow) => [row.bytes, row.count]): void {
    readings.text.post(list.text, stamp);
    readings.bytes.post(
      list.rows.map((row) => figures(row)[0]!),
      stamp,
    );
    readings.counts.post(
      list.rows.map((row) => figures(row)[1]!),
      stamp,
    );
    readings.locations.post(
      list.rows.map((row) => fitLocation(row.location)),
      stamp,
    );
    readings.tables.post(tableRows(list.rows), stamp.timeStamp);
  }
}
