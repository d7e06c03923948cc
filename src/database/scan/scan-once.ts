// scanOnce: records to process soon, in the order asked, once the processing under way is done.
// CP/CPP links and puts made while a record was active (RPRO) come through here, as in dbScan.c.

import type { DbRecord } from '../record';

/** scanOnceQueueStatus: requests waiting now, and the most that ever waited at once. */
export interface ScanOnceQueueStatus {
  readonly used: number;
  readonly maxUsed: number;
}

export class ScanOnceQueue {
  private queue: DbRecord[] = [];
  private timer: NodeJS.Immediate | undefined;
  private maxUsed = 0;

  constructor(private readonly onError: (record: DbRecord, error: unknown) => void) {}

  request(record: DbRecord): void {
    this.queue.push(record);
    if (this.queue.length > this.maxUsed) this.maxUsed = this.queue.length;
    this.timer ??= setImmediate(() => this.drain());
  }

  /** The queue has no bound, so it never overruns: requests are never refused. */
  status(): ScanOnceQueueStatus {
    return { used: this.queue.length, maxUsed: this.maxUsed };
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
