import type { Worker } from 'node:worker_threads';
import type { ReportOptions } from '../../src/ioc/tracing/trace-reporter';
import { WorkerTraceReporter } from '../../src/ioc/tracing/worker-reporter';
import { DEFAULT_SUSPECT_RULES } from '../../src/tracing/suspects';

// The engine in a worker of its own that observes this (the main) thread, as an IOC serving CA
// from the main thread runs it. Its worker is the compiled one in dist/.

const OPTIONS: ReportOptions = { count: 5, keyType: 'lineno', cumulative: false };
const kept: unknown[] = [];

function keepArrays(count: number): void {
  for (let i = 0; i < count; i++) kept.push(new Array(4096).fill(i));
}

describe('WorkerTraceReporter', () => {
  let reporter: WorkerTraceReporter;
  beforeEach(() => {
    reporter = new WorkerTraceReporter();
  });
  afterEach(async () => {
    await reporter.close();
    kept.length = 0;
  });

  it('reports the main thread\'s allocations from its worker, then the difference since the last report', async () => {
    await reporter.start({ samplingInterval: 32768, externalSamplingInterval: 0, mode: 'live', suspects: DEFAULT_SUSPECT_RULES });
    expect(reporter.tracing).toBe(true);
    const first = await reporter.report(OPTIONS);
    expect(first.diff).toBeNull();
    keepArrays(1000);
    const second = await reporter.report(OPTIONS);
    expect(second.top.text).toMatch(/keepArrays/);
    expect(second.top.rows[0]).toMatchObject({ rank: 1, functionName: 'keepArrays' });
    expect(second.diff!.text.split('\n')[0]).toMatch(/trace-worker\.test\.ts:\d+: size=[\d.]+ [KM]iB \(\+[\d.]+ [KM]iB\)/);
    expect(second.traced).toBeGreaterThan(first.traced);
    expect(second.takenAt.getTime()).toBeGreaterThanOrEqual(first.takenAt.getTime());
  });

  it('fails reports with the reason once its worker has died while sampling, and starts afresh', async () => {
    await reporter.start({ samplingInterval: 32768, externalSamplingInterval: 0, mode: 'live', suspects: DEFAULT_SUSPECT_RULES });
    await (reporter as unknown as { worker: Worker }).worker.terminate();
    await new Promise((resolve) => setImmediate(resolve));
    expect(reporter.tracing).toBe(true);
    await expect(reporter.report(OPTIONS)).rejects.toThrow(/the tracing worker exited/);
    await expect(reporter.dump(-1)).rejects.toThrow(/the tracing worker exited/);

    await reporter.stop();
    expect(reporter.tracing).toBe(false);
    await reporter.start({ samplingInterval: 32768, externalSamplingInterval: 0, mode: 'live', suspects: DEFAULT_SUSPECT_RULES });
    keepArrays(500);
    expect((await reporter.report(OPTIONS)).top.text).toMatch(/^#1: /m);
  });
});
