// The periodic scan tasks: records whose SCAN is "10 second" … ".1 second" are processed at that
// period while the scanner runs. Passive, Event and I/O Intr records process only when written
// (by clients or by code).

import { SCAN_PERIOD_SECONDS } from './menus';
import type { DbRecord } from './record';

interface ScanList {
  readonly timer: NodeJS.Timeout;
  readonly records: Set<DbRecord>;
}

export class Scanner {
  private readonly lists = new Map<number, ScanList>();
  private readonly scanOf = new Map<DbRecord, number>();
  private running = false;

  constructor(private readonly onError: (record: DbRecord, error: unknown) => void) {}

  /** Puts the record on the list its SCAN names (and off any other). */
  update(record: DbRecord): void {
    this.remove(record);
    const scan = record.number('SCAN');
    if (!this.running || !(SCAN_PERIOD_SECONDS[scan] ?? 0)) return;
    this.listFor(scan).records.add(record);
    this.scanOf.set(record, scan);
  }

  start(records: Iterable<DbRecord>): void {
    this.running = true;
    for (const record of records) this.update(record);
  }

  stop(): void {
    this.running = false;
    for (const list of this.lists.values()) clearInterval(list.timer);
    this.lists.clear();
    this.scanOf.clear();
  }

  private remove(record: DbRecord): void {
    const scan = this.scanOf.get(record);
    if (scan === undefined) return;
    this.scanOf.delete(record);
    const list = this.lists.get(scan);
    if (!list) return;
    list.records.delete(record);
    if (list.records.size > 0) return;
    clearInterval(list.timer);
    this.lists.delete(scan);
  }

  private listFor(scan: number): ScanList {
    const existing = this.lists.get(scan);
    if (existing) return existing;
    const records = new Set<DbRecord>();
    const timer = setInterval(() => {
      for (const record of [...records]) {
        try {
          record.process();
        } catch (error) {
          this.onError(record, error);
        }
      }
    }, SCAN_PERIOD_SECONDS[scan]! * 1000);
    timer.unref();
    const list = { timer, records };
    this.lists.set(scan, list);
    return list;
  }
}
