// The scans of dbScan.c while the database runs: periodic lists ("10 second" … ".1 second"),
// Event lists by EVNT (posted by code), and I/O Intr lists of the sources the records' owners
// attach. Within one list records process in PHAS order. Passive records process only when
// written or linked to.

import { SCAN_PERIOD_SECONDS } from '../menus';
import type { DbRecord } from '../record';
import type { IoScanSource } from './io-scan';
import { ScanList } from './scan-list';

const SCAN_EVENT = 1;
const SCAN_IO_INTERRUPT = 2;
/** Event numbers are 1…255 (dbScan.c); 0 means none. */
const MAX_EVENT_NUMBER = 255;

interface PeriodicList {
  readonly timer: NodeJS.Timeout;
  readonly list: ScanList;
}

type Membership = { kind: 'periodic'; scan: number } | { kind: 'event'; name: string } | { kind: 'io'; source: IoScanSource };

export class Scanner {
  private readonly periodic = new Map<number, PeriodicList>();
  private readonly events = new Map<string, ScanList>();
  private readonly memberships = new Map<DbRecord, Membership>();
  private running = false;

  constructor(private readonly onError: (record: DbRecord, error: unknown) => void) {}

  /** Puts the record on the list its SCAN (and PHAS, EVNT, I/O source) names, and off any other. */
  update(record: DbRecord): void {
    this.remove(record);
    if (!this.running) return;
    const scan = record.number('SCAN');
    if (SCAN_PERIOD_SECONDS[scan]) this.join(record, { kind: 'periodic', scan }, this.periodicList(scan));
    else if (scan === SCAN_EVENT) this.joinEvent(record);
    else if (scan === SCAN_IO_INTERRUPT && record.ioScan) this.join(record, { kind: 'io', source: record.ioScan }, record.ioScan);
  }

  start(records: Iterable<DbRecord>): void {
    this.running = true;
    for (const record of records) this.update(record);
  }

  stop(): void {
    this.running = false;
    for (const record of [...this.memberships.keys()]) this.remove(record);
  }

  /** post_event: processes the records whose EVNT names this event (a name, or a number 1…255). */
  postEvent(event: string | number): void {
    const name = eventName(String(event));
    if (name !== undefined) this.events.get(name)?.process();
  }

  private joinEvent(record: DbRecord): void {
    const name = eventName(record.string('EVNT'));
    if (name === undefined) return;
    let list = this.events.get(name);
    if (!list) this.events.set(name, (list = new ScanList(this.onError)));
    this.join(record, { kind: 'event', name }, list);
  }

  private join(record: DbRecord, membership: Membership, list: { add(record: DbRecord): void }): void {
    list.add(record);
    this.memberships.set(record, membership);
  }

  private remove(record: DbRecord): void {
    const membership = this.memberships.get(record);
    if (!membership) return;
    this.memberships.delete(record);
    if (membership.kind === 'io') {
      membership.source.delete(record);
    } else if (membership.kind === 'event') {
      const list = this.events.get(membership.name);
      list?.delete(record);
      if (list?.size === 0) this.events.delete(membership.name);
    } else {
      const periodic = this.periodic.get(membership.scan);
      periodic?.list.delete(record);
      if (periodic && periodic.list.size === 0) {
        clearInterval(periodic.timer);
        this.periodic.delete(membership.scan);
      }
    }
  }

  private periodicList(scan: number): ScanList {
    const existing = this.periodic.get(scan);
    if (existing) return existing.list;
    const list = new ScanList(this.onError);
    const timer = setInterval(() => list.process(), SCAN_PERIOD_SECONDS[scan]! * 1000);
    timer.unref();
    this.periodic.set(scan, { timer, list });
    return list;
  }
}

/**
 * eventNameToHandle: EVNT text as the event it names. A number 1…255 (however written: "3",
 * "3.0") is that numbered event; other numbers name none; any other text is a named event.
 */
export function eventName(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const number = Number(trimmed);
  if (!Number.isFinite(number)) return trimmed;
  return Number.isInteger(number) && number >= 1 && number <= MAX_EVENT_NUMBER ? String(number) : undefined;
}
