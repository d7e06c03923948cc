// scanOnce: records to process soon, in the order asked, once the processing under way is done.
// CP/CPP links and puts made while a record was active (RPRO) come through here, as in dbScan.c.

import type { DbRecord } from '../record';

export class ScanOnceQueue {
  private queue: DbRecord[] = [];
  private timer: NodeJS.Immediate | undefined;

  constructor(private readonly onError: (record: DbRecord, error: unknown) => void) {}

  request(record: DbRecord): void {
    this.queue.push(record);
    this.timer ??= setImmediate(() => this.drain());
  }

  /** Forgets what was asked (the database is closing). */
  clear(): void {
    if (this.timer) clearImmediate(this.timer);
    this.timer = undefined;
    this.queue = [];
  }

  /** Requests made while draining wait for the next turn, so that a loop of CP links cannot starve the IOC. */
  private drain(): void {
    this.timer = undefined;
    const batch = this.queue;
    this.queue = [];
    for (const record of batch) {
      try {
        record.process();
      } catch (error) {
        this.onError(record, error);
      }
    }
  }
}
