// The records of one scan (a period, an event, an I/O interrupt source), kept in PHAS order:
// within one scan, lower phases process first, records of equal phase in the order they joined.

import type { DbRecord } from '../record';

export class ScanList {
  private records: DbRecord[] = [];

  constructor(private readonly onError: (record: DbRecord, error: unknown) => void) {}

  get size(): number {
    return this.records.length;
  }

  add(record: DbRecord): void {
    this.delete(record);
    const phase = record.number('PHAS');
    let at = this.records.length;
    while (at > 0 && this.records[at - 1]!.number('PHAS') > phase) at--;
    this.records.splice(at, 0, record);
  }

  delete(record: DbRecord): void {
    const at = this.records.indexOf(record);
    if (at >= 0) this.records.splice(at, 1);
  }

  /** Processes each record in turn; one that throws is reported and the others still process. */
  process(): void {
    for (const record of [...this.records]) {
      try {
        record.process();
      } catch (error) {
        this.onError(record, error);
      }
    }
  }
}
