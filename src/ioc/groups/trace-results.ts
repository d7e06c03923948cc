import type { Database, RecordHandle } from '../../database';
import { AlarmSeverity, AlarmStatus } from '../../database/pv';
import { MAX_DBR_STRING_BYTES } from '../../database/text';
import { TablePv, type TableColumn, type TableProvider } from '../../pva/server';
import type { ResultRow } from '../../tracing';
import type { TraceList, TraceReport } from '../tracing/trace-reporter';
import { fitText } from './text-waveform';

/** A result list's records: its caproto-shaped text and its entries as arrays in rank order. */
interface ListRecords {
  text: RecordHandle<'array'>;
  bytes: RecordHandle<'array'>;
  counts: RecordHandle<'array'>;
  locations: RecordHandle<'array'>;
  /** The NTTable the text record names with info(Q:table, NAME), if it names one. */
  table: TablePv | undefined;
}

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

/**
 * The records of memoryTracing.db that carry results: the lists (top, diff, peak, leak suspects)
 * as text, as numeric and string waveforms and as NTTables over pvAccess, the summary, and the figures an alarm server or an
 * archiver follows (own memory, growth rate, fastest suspect).
 */
export class TraceResults {
  private readonly lists: Record<'top' | 'diff' | 'peak' | 'suspects', ListRecords>;
  private readonly summary: RecordHandle<'array'>;
  private readonly suspectRates: RecordHandle<'array'>;
  private readonly selfMemory: RecordHandle<'number'>;
  private readonly growthRate: RecordHandle<'number'>;
  private readonly topSuspectRate: RecordHandle<'number'>;

  constructor(database: Database, prefix: string, tables: TableProvider) {
    const array = (name: string) => database.record(prefix + name, 'array');
    const number = (name: string) => database.record(prefix + name, 'number');
    const tableBeside = (record: RecordHandle) => {
      const name = record.info('Q:table');
      if (!name) return undefined;
      const table = new TablePv(name, TABLE_COLUMNS);
      tables.add(table);
      return table;
    };
    const list = (text: string, data: string): ListRecords => ({
      text: array(text),
      bytes: array(`Trace${data}Bytes`),
      counts: array(`Trace${data}Counts`),
      locations: array(`Trace${data}Locations`),
      table: tableBeside(array(text)),
    });
    this.lists = {
      top: list('TraceTopAllocations', 'Top'),
      diff: list('TraceDiffResults', 'Diff'),
      peak: list('TracePeakAllocations', 'Peak'),
      suspects: list('TraceLeakSuspects', 'Suspect'),
    };
    this.summary = array('TraceSummary');
    this.suspectRates = array('TraceSuspectRates');
    this.selfMemory = number('TraceSelfMemory');
    this.growthRate = number('TraceGrowthRate');
    this.topSuspectRate = number('TraceTopSuspectRate');
  }

  /**
   * Before the first snapshot: defined values with NO_ALARM (nothing traced yet), not UDF, so that
   * displays open without alarm borders and an archiver's first sample is real.
   */
  showNoSnapshot(text: string): void {
    for (const list of Object.values(this.lists)) {
      list.text.set(text);
      for (const figures of [list.bytes, list.counts, list.locations]) figures.set([]);
    }
    this.summary.set(text);
    this.suspectRates.set([]);
    for (const figure of [this.selfMemory, this.growthRate, this.topSuspectRate]) figure.set(0);
  }

  /** Posts a report; `peak` when it is the highest traced memory so far, which the peak list keeps. */
  publish(report: TraceReport, peak: boolean, note: string): void {
    const stamp = { timeStamp: report.takenAt };
    this.postList(this.lists.top, report.top, stamp);
    // The diff list's numbers are its changes, the figures it is ranked by.
    this.postList(this.lists.diff, report.diff ?? NO_DIFF, stamp, (row) => [row.deltaBytes, row.deltaCount]);
    if (peak) this.postList(this.lists.peak, report.top, stamp);
    this.postList(this.lists.suspects, report.suspects, stamp);
    this.suspectRates.set(report.suspects.rates.slice(0, capacity(this.suspectRates)), stamp);
    this.summary.set(fitText(`${report.summary}\n${note}`, capacity(this.summary)), stamp);
    this.selfMemory.set(report.ownCode, stamp);
    if (report.growthRate !== null) this.growthRate.set(report.growthRate, stamp);
    else this.growthRate.set(0, { ...stamp, severity: AlarmSeverity.INVALID, status: AlarmStatus.UDF, message: NO_GROWTH_RATE });
    this.topSuspectRate.set(report.topSuspectRate, stamp);
  }

  private postList(records: ListRecords, list: TraceList, stamp: Stamp, figures = (row: ResultRow) => [row.bytes, row.count]): void {
    records.text.set(fitText(list.text, capacity(records.text)), stamp);
    const rows = list.rows.slice(0, capacity(records.bytes));
    records.bytes.set(rows.map((row) => figures(row)[0]), stamp);
    records.counts.set(rows.map((row) => figures(row)[1]), stamp);
    records.locations.set(rows.map((row) => fitLocation(row.location)), stamp);
    records.table?.update(tableRows(list.rows), stamp.timeStamp);
  }
}

function capacity(handle: RecordHandle): number {
  return Number(handle.field('NELM'));
}
