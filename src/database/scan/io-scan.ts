// IOSCANPVT: a source of I/O interrupts. Its owner (device support, or code that drives records)
// attaches it to the records it feeds; those whose SCAN is "I/O Intr" process, in PHAS order,
// each time the owner calls request() (scanIoRequest), while the database runs.

import type { DbRecord } from '../record';
import { ScanList } from './scan-list';

export class IoScanSource {
  private failures: unknown[] = [];
  private readonly list = new ScanList((_record, error) => this.failures.push(error));
  private active = false;

  /** For the scanner: the record joins (or leaves) the source's I/O Intr list. */
  add(record: DbRecord): void {
    this.list.add(record);
  }

  delete(record: DbRecord): void {
    this.list.delete(record);
  }

  /**
   * scanIoRequest: processes the I/O Intr records attached; false when there were none. Every
   * record processes even if one throws; the first error is then thrown to the owner.
   */
  request(): boolean {
    if (this.list.size === 0 || this.active) return false;
    this.active = true;
    this.failures = [];
    try {
      this.list.process();
    } finally {
      this.active = false;
    }
    if (this.failures.length > 0) throw this.failures[0];
    return true;
  }
}
