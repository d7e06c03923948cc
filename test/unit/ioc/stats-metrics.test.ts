import { silentLogger } from '../../../src/logger';
import { formatUptime } from '../../../src/ioc/stats/format';
import { ProcessMetricsCollector, type ProcessMetrics } from '../../../src/ioc/stats/metrics';
import { SystemSampler } from '../../../src/ioc/stats/system';

function busy(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end);
}

/** A collector whose snapshots are awaited one at a time. */
function collect(periodSeconds: number) {
  const waiting: ((metrics: ProcessMetrics) => void)[] = [];
  const collector = new ProcessMetricsCollector({ periodSeconds, onSnapshot: (metrics) => waiting.shift()?.(metrics) });
  const next = () => new Promise<ProcessMetrics>((resolve) => waiting.push(resolve));
  return { collector, next };
}

describe('the process metrics collector', () => {
  let stop: (() => void) | undefined;
  afterEach(() => stop?.());

  it('takes a structured-cloneable snapshot of plausible figures each period', async () => {
    const { collector, next } = collect(0.1);
    stop = () => collector.stop();
    // The first snapshot is taken at start: the heap now, the event loop since the thread started, no GC yet.
    const first = collector.latest();
    expect(first).toMatchObject({ periodSeconds: 0.1, gcCount: 0, gcPauseMs: 0, eventLoopLagMs: 0 });
    expect(first.heapUsed).toBeGreaterThan(0);
    expect(first.eventLoopUtilization).toBeGreaterThan(0);
    // Held across the next snapshot, so that ARRAY_BUFFERS has at least these bytes to count.
    const held = Buffer.alloc(4 << 20);
    const metrics = await next();
    expect(held.length).toBe(4 << 20);
    expect(metrics).not.toBe(first);
    expect(collector.latest()).toBe(metrics);
    expect(structuredClone(metrics)).toEqual(metrics);
    expect(metrics.periodSeconds).toBe(0.1);
    expect(Math.abs(Date.now() - metrics.takenAt)).toBeLessThan(1000);
    expect(metrics.heapUsed).toBeGreaterThan(0);
    expect(metrics.heapTotal).toBeGreaterThanOrEqual(metrics.heapUsed);
    expect(metrics.heapLimit).toBeGreaterThan(metrics.heapTotal);
    expect(metrics.external).toBeGreaterThan(0);
    expect(metrics.arrayBuffers).toBeGreaterThanOrEqual(4 << 20);
    expect(metrics.external).toBeGreaterThanOrEqual(metrics.arrayBuffers);
    // The loop ran at least the collector's own timer in the period, and was never stalled for a whole period.
    expect(metrics.eventLoopLagMs).toBeLessThan(1000 * metrics.periodSeconds * 10);
    expect(metrics.eventLoopUtilization).toBeGreaterThan(0);
    expect(metrics.eventLoopUtilization).toBeLessThanOrEqual(100);
  });

  it('shows a 300 ms stall of the event loop as lag, and as utilisation, in the period after it', async () => {
    const { collector, next } = collect(1);
    stop = () => collector.stop();
    // Not an ordering sleep: it places the stall inside the period, away from the collector's own reset
    // (the delay monitor's sample spanning a reset is lost).
    await new Promise((resolve) => setTimeout(resolve, 300));
    busy(300);
    const metrics = await next();
    expect(metrics.eventLoopLagMs).toBeGreaterThan(150);
    expect(metrics.eventLoopUtilization).toBeGreaterThan(15);
    const calm = await next();
    expect(calm.eventLoopLagMs).toBeLessThan(metrics.eventLoopLagMs);
  });

  it('counts garbage collections and their pauses', async () => {
    const { collector, next } = collect(0.1);
    stop = () => collector.stop();
    const gc = (globalThis as { gc?: () => void }).gc;
    const churn = () => Array.from({ length: 100_000 }, (_, n) => ({ n }));
    let metrics = await next();
    const before = metrics.gcCount;
    while (metrics.gcCount === before) {
      if (gc) gc();
      else churn();
      metrics = await next();
    }
    expect(metrics.gcCount).toBeGreaterThan(before);
    // A collection always takes some time; the period that saw one cannot report no pause.
    expect(metrics.gcPauseMs).toBeGreaterThan(0);
  });
});

describe('the system sampler', () => {
  it('reads memory and, on Linux, file descriptors; CPU loads from the first sample on (since start, then per sample)', async () => {
    const sampler = new SystemSampler(1, silentLogger());
    const first = await sampler.load();
    // This process has run (Jest has loaded it), so its CPU time since start is not zero.
    expect(first.iocCpuLoad).toBeGreaterThan(0);
    expect(first.sysCpuLoad).toBeGreaterThan(0);
    expect(first.sysCpuLoad).toBeLessThanOrEqual(100);
    const memory = await sampler.memory();
    expect(memory.used).toBeGreaterThan(0);
    expect(memory.total).toBeGreaterThan(memory.free);
    if (process.platform === 'linux') {
      const fds = await sampler.fds();
      expect(fds.used).toBeGreaterThan(0);
      expect(fds.max).toBeGreaterThan(fds.used!);
    }
    busy(50);
    const second = await sampler.load();
    expect(second.iocCpuLoad).toBeGreaterThan(0);
    // This process kept a CPU busy between the samples, so the system as a whole was not idle.
    expect(second.sysCpuLoad).toBeGreaterThan(0);
    expect(second.sysCpuLoad).toBeLessThanOrEqual(100);
  });
});

describe('devIocStats uptime text', () => {
  it.each([
    [0, '00:00:00'],
    [59.9, '00:00:59'],
    [3661, '01:01:01'],
    [86399, '23:59:59'],
    [86400, '1 day, 00:00:00'],
    [2 * 86400 + 5 * 3600 + 7, '2 days, 05:00:07'],
  ])('formats an uptime of %d s as "%s"', (seconds, text) => {
    expect(formatUptime(seconds)).toBe(text);
  });
});
