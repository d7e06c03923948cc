// callbackRequestDelayed: record support's timed work (seq's DLYn, calcout's ODLY, bo's HIGH,
// SDLY), and callbackRequest: the deferred halves of a put with completion (dbNotify.c), held by
// the database so that closing it cancels what is still pending. An embedded host that closes the
// IOC must not see a record process afterwards.

import type { DbRecord } from '../record';

export class DelayedCallbacks {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly immediates = new Set<NodeJS.Immediate>();

  constructor(private readonly onError: (record: DbRecord, error: unknown) => void) {}

  /** Runs `callback` for `record` after `seconds`; the function returned cancels it. */
  request(record: DbRecord, seconds: number, callback: () => void): () => void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.run(record, callback);
    }, seconds * 1000);
    // Like the scan timers: pending record work alone does not keep the process alive.
    timer.unref();
    this.timers.add(timer);
    return () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    };
  }

  /** callbackRequest: runs `callback` for `record` once the processing under way is done. */
  soon(record: DbRecord, callback: () => void): void {
    const immediate = setImmediate(() => {
      this.immediates.delete(immediate);
      this.run(record, callback);
    });
    this.immediates.add(immediate);
  }

  /** Cancels every pending callback (the database is closing). */
  clear(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const immediate of this.immediates) clearImmediate(immediate);
    this.immediates.clear();
  }

  private run(record: DbRecord, callback: () => void): void {
    try {
      callback();
    } catch (error) {
      this.onError(record, error);
    }
  }
}
