// callbackRequestDelayed: record support's timed work (seq's DLYn, calcout's ODLY, bo's HIGH,
// SDLY), held by the database so that closing it cancels what is still pending. An embedded host
// that closes the IOC must not see a record process afterwards.

import type { DbRecord } from '../record';

export class DelayedCallbacks {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly onError: (record: DbRecord, error: unknown) => void) {}

  /** Runs `callback` for `record` after `seconds`; the function returned cancels it. */
  request(record: DbRecord, seconds: number, callback: () => void): () => void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      try {
        callback();
      } catch (error) {
        this.onError(record, error);
      }
    }, seconds * 1000);
    // Like the scan timers: pending record work alone does not keep the process alive.
    timer.unref();
    this.timers.add(timer);
    return () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    };
  }

  /** Cancels every pending callback (the database is closing). */
  clear(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
