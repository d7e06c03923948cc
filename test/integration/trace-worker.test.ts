import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { gunzipSync } from 'node:zlib';
import { Profile } from 'pprof-format';
import type { ReportOptions } from '../../src/ioc/tracing/trace-reporter';
import { WorkerTraceReporter } from '../../src/ioc/tracing/worker-reporter';
import { Snapshot } from '../../src/tracing/snapshot';
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

  it("reports the main thread's allocations from its worker, then the difference since the last report", async () => {
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

  it('dumps one snapshot of the main thread to both descriptors it is given: a .heapprofile and a gzipped pprof', async () => {
    await reporter.start({ samplingInterval: 32768, externalSamplingInterval: 0, mode: 'live', suspects: DEFAULT_SUSPECT_RULES });
    keepArrays(500);
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'memtrace-worker-dump-'));
    const heapprofile = fs.openSync(path.join(directory, 'x.heapprofile'), 'w');
    const pprof = fs.openSync(path.join(directory, 'x.pb.gz'), 'w');
    try {
      const takenAt = await reporter.dump({ format: 'both', heapprofile, pprof });
      const snapshot = await Snapshot.load(path.join(directory, 'x.heapprofile'));
      const profile = Profile.decode(gunzipSync(fs.readFileSync(path.join(directory, 'x.pb.gz'))));
      expect(snapshot.takenAt).toEqual(takenAt);
      expect(Number(profile.timeNanos)).toBe(takenAt.getTime() * 1e6);
      const bytes = profile.sample.reduce((sum, sample) => sum + Number(sample.value[1]), 0);
      expect(Math.abs(bytes - snapshot.size)).toBeLessThanOrEqual(snapshot.traces.length / 2);
      expect(snapshot.filterTraces().statistics('lineno')[0]?.traceback.at(-1)?.functionName).toBe('keepArrays');
    } finally {
      [heapprofile, pprof].forEach((fd) => fs.closeSync(fd));
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });

  it('fails reports with the reason once its worker has died while sampling, and starts afresh', async () => {
    await reporter.start({ samplingInterval: 32768, externalSamplingInterval: 0, mode: 'live', suspects: DEFAULT_SUSPECT_RULES });
    await (reporter as unknown as { worker: Worker }).worker.terminate();
    await new Promise((resolve) => setImmediate(resolve));
    expect(reporter.tracing).toBe(true);
    await expect(reporter.report(OPTIONS)).rejects.toThrow(/the tracing worker exited/);
    await expect(reporter.dump({ format: 'heapprofile', heapprofile: -1 })).rejects.toThrow(/the tracing worker exited/);

    await reporter.stop();
    expect(reporter.tracing).toBe(false);
    await reporter.start({ samplingInterval: 32768, externalSamplingInterval: 0, mode: 'live', suspects: DEFAULT_SUSPECT_RULES });
    keepArrays(500);
    expect((await reporter.report(OPTIONS)).top.text).toMatch(/^#1: /m);
  });
});
