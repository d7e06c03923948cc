// What the observed thread (the host's main thread) measures of itself each period: V8 heap,
// garbage collection, event-loop lag and utilisation. Node keeps these per thread, so they are
// measured where the host's code runs and handed as a plain snapshot to the Node stats device support,
// which may run in the CA server's worker thread.

import { monitorEventLoopDelay, performance, PerformanceObserver, type EventLoopUtilization, type IntervalHistogram } from 'node:perf_hooks';
import * as v8 from 'node:v8';

/** One period's figures of the observed thread; structured-cloneable, to be posted over a MessagePort. */
export interface ProcessMetrics {
  /** When the period ended, ms since the POSIX epoch. */
  takenAt: number;
  /** The collector's period, by which a reader judges a snapshot stale. */
  periodSeconds: number;
  /** Bytes, as process.memoryUsage() gives them for this thread's isolate. */
  heapUsed: number;
  heapTotal: number;
  /** Bytes V8 lets the heap grow to (--max-old-space-size and the like). */
  heapLimit: number;
  external: number;
  arrayBuffers: number;
  /** Garbage collections since the collector started. */
  gcCount: number;
  /** Time spent in garbage collection during the period, ms. */
  gcPauseMs: number;
  /** The event-loop lag exceeded during only 1% of the period's wall time, ms. */
  eventLoopLagMs: number;
  /** Share of the period the event loop was busy, %. */
  eventLoopUtilization: number;
}

export interface ProcessMetricsCollectorOptions {
  periodSeconds: number;
  /** Hears each snapshot as it is taken, e.g. to post it to the CA server's thread. */
  onSnapshot?: (metrics: ProcessMetrics) => void;
}

/** The delay histogram's timer period; its samples are whole intervals, so this is taken off them. */
const LOOP_RESOLUTION_MS = 10;
const NS_PER_MS = 1e6;

/** Measures the thread it is created in, every period, until stopped; never keeps the process alive. */
export class ProcessMetricsCollector {
  private readonly loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  private readonly gcObserver: PerformanceObserver;
  private readonly timer: NodeJS.Timeout;
  private utilization: EventLoopUtilization = performance.eventLoopUtilization();
  private periodStart = performance.now();
  private gcCount = 0;
  private gcPauseMs = 0;
  private snapshot: ProcessMetrics;

  constructor(private readonly options: ProcessMetricsCollectorOptions) {
    this.loopDelay.enable();
    this.gcObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        this.gcCount++;
        this.gcPauseMs += entry.duration;
      }
    });
    this.gcObserver.observe({ entryTypes: ['gc'] });
    this.timer = setInterval(() => this.takeSnapshot(), options.periodSeconds * 1000).unref();
    // A first snapshot at once, so that the iocStats PVs have values at start, not UDF: the heap as
    // it is, the event loop's utilisation since the thread started, and no GC or stall seen yet.
    this.snapshot = this.measure({ eventLoopLagMs: 0, eventLoopUtilization: 100 * this.utilization.utilization });
  }

  /** The last period's snapshot; at first, the one taken at start. */
  latest(): ProcessMetrics {
    return this.snapshot;
  }

  stop(): void {
    clearInterval(this.timer);
    this.loopDelay.disable();
    this.gcObserver.disconnect();
  }

  private takeSnapshot(): void {
    const now = performance.now();
    const wallMs = now - this.periodStart;
    const current = performance.eventLoopUtilization();
    this.snapshot = this.measure({
      eventLoopLagMs: this.eventLoopLag(wallMs),
      eventLoopUtilization: 100 * performance.eventLoopUtilization(current, this.utilization).utilization,
    });
    this.utilization = current;
    this.periodStart = now;
    this.gcPauseMs = 0;
    this.loopDelay.reset();
    this.options.onSnapshot?.(this.snapshot);
  }

  private measure(eventLoop: Pick<ProcessMetrics, 'eventLoopLagMs' | 'eventLoopUtilization'>): ProcessMetrics {
    const { heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
    return {
      takenAt: Date.now(),
      periodSeconds: this.options.periodSeconds,
      heapUsed,
      heapTotal,
      heapLimit: v8.getHeapStatistics().heap_size_limit,
      external,
      arrayBuffers,
      gcCount: this.gcCount,
      gcPauseMs: this.gcPauseMs,
      ...eventLoop,
    };
  }

  /**
   * The p99 of the period by time, not by sample: the histogram takes one sample per timer tick,
   * so a stall of seconds is one sample among a hundred and its plain p99 hides it. Weighting the
   * longest stall by the time it covered (HdrHistogram's coordinated-omission correction) gives
   * it back. Our own tick's lateness also counts as a stall: the sample spanning a reset is lost.
   */
  private eventLoopLag(wallMs: number): number {
    const histogram = this.loopDelay;
    const sampled = histogram.count > 0;
    const typicalMs = sampled ? histogram.percentile(99) / NS_PER_MS - LOOP_RESOLUTION_MS : 0;
    const longestSampledMs = sampled ? histogram.max / NS_PER_MS - LOOP_RESOLUTION_MS : 0;
    const longestMs = Math.max(longestSampledMs, wallMs - this.options.periodSeconds * 1000);
    return Math.max(0, typicalMs, longestMs - wallMs / 100);
  }
}
