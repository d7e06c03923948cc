// One of devIocStats' update groups (memory, CPU load, file descriptors, CA, queues): a timer
// that takes the group's figures every period and then wakes the group's "I/O Intr" records
// (devIocStatsAnalog.c scan_time → scanIoRequest). The period is what the group's ao record
// (@memory_scan_rate …) last wrote. Records read the figures taken last, never sample themselves.

import type { Logger } from 'pino';
import { IoScanSource } from '../../database';

export class PeriodicGroup<T> {
  readonly ioScan = new IoScanSource();
  private figures: T | undefined;
  private timer: NodeJS.Timeout | undefined;
  private sampling: Promise<void> | undefined;
  private running = false;
  /** Records bound to the group and not yet released. */
  private records = 0;

  constructor(
    readonly name: string,
    private periodSeconds: number,
    private readonly sample: () => T | Promise<T>,
    private readonly logger: Logger,
  ) {}

  /** The figures taken last; undefined before the first sample. */
  get latest(): T | undefined {
    return this.figures;
  }

  get period(): number {
    return this.periodSeconds;
  }

  /**
   * A new period from the group's ao record. Unlike devIocStats, which keeps the running delay,
   * the next update comes one new period from now, so that a shortened period is seen at once.
   */
  setPeriod(seconds: number): void {
    if (seconds === this.periodSeconds) return;
    this.periodSeconds = seconds;
    if (this.running) this.schedule();
  }

  /** Takes the first figures (before records are bound, as devIocStats' ai_init does). */
  async prime(): Promise<void> {
    await this.takeSample();
  }

  /**
   * A record bound to the group: the timer runs from the first (ai_ioint_info's first "added")
   * until the last is released (its database closed, or its load failed). Returns the release.
   */
  attach(): () => void {
    if (this.records++ === 0) this.start();
    let attached = true;
    return () => {
      if (!attached) return;
      attached = false;
      if (this.records > 0 && --this.records === 0) this.stop();
    };
  }

  /** Stops the timer whatever is bound (the IOC stops). */
  stop(): void {
    this.records = 0;
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule();
  }

  /** One update now: new figures, then the I/O Intr records; settles when they are processed. */
  update(): Promise<void> {
    this.sampling ??= this.takeSample()
      .then(() => {
        if (this.running) this.ioScan.request();
      })
      .catch((error: unknown) => this.logger.error({ err: error, group: this.name }, 'iocStats: update failed'))
      .finally(() => {
        this.sampling = undefined;
      });
    return this.sampling;
  }

  private async takeSample(): Promise<void> {
    this.figures = await this.sample();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      void this.update().finally(() => {
        if (this.running) this.schedule();
      });
    }, this.periodSeconds * 1000).unref();
  }
}
