import { Session } from 'node:inspector';
import * as v8 from 'node:v8';
import pino from 'pino';
import { resolveIocConfig, type IocOptions } from '../../../src/ioc/config/ioc-config';
import { compactHeap, ordinaryFullCollection } from '../../../src/ioc/heap-compaction';
import { startIocCore } from '../../../src/ioc/ioc-core';
import type { ObservedThread } from '../../../src/tracing';

const MiB = 1024 * 1024;

function youngGenerationBytes(): number {
  const space = v8.getHeapSpaceStatistics().find((statistics) => statistics.space_name === 'new_space');
  if (!space) throw new Error('V8 reports no new_space');
  return space.space_size;
}

describe('compactHeap', () => {
  it('gives back the young generation that a load of surviving objects grew', async () => {
    // As a large .db load does: many small objects that survive scavenge after scavenge.
    const kept: { index: number; name: string }[] = [];
    for (let index = 0; index < 600_000; index++) kept.push({ index, name: `REC:${String(index)}` });
    const grown = youngGenerationBytes();
    expect(grown).toBeGreaterThanOrEqual(8 * MiB);

    const compaction = await compactHeap();

    expect(youngGenerationBytes()).toBeLessThanOrEqual(grown / 4);
    expect(compaction.milliseconds).toBeGreaterThan(0);
    // And then the ordinary collection that lets V8 set its usual old-generation limit.
    expect(compaction.limitRestored).toBe(true);
    expect(kept.at(-1)?.name).toBe('REC:599999');
  });

  it('ordinaryFullCollection is one full collection that is not memory-reducing: a grown young generation stays grown', async () => {
    const kept: { index: number; name: string }[] = [];
    for (let index = 0; index < 600_000; index++) kept.push({ index, name: `REC:${String(index)}` });
    const grown = youngGenerationBytes();
    expect(grown).toBeGreaterThanOrEqual(8 * MiB);
    const profiler = new v8.GCProfiler();
    profiler.start();
    expect(await ordinaryFullCollection()).toBe(true);
    const collections = profiler.stop().statistics;
    expect(collections.filter((gc) => gc.gcType === 'MarkSweepCompact')).toHaveLength(1);
    expect(youngGenerationBytes()).toBe(grown);
    expect(kept.length).toBe(600_000);
  });

  it("leaves a heap sampler that already runs alone (it is one per isolate): the host's profile goes on", async () => {
    const host = new Session();
    host.connect();
    const post = (method: string, params: object = {}) =>
      new Promise<unknown>((resolve, reject) => host.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
    try {
      await post('HeapProfiler.startSampling', { samplingInterval: 1024 });
      expect(await ordinaryFullCollection()).toBe(false);
      await expect(post('HeapProfiler.stopSampling')).resolves.toHaveProperty('profile');
    } finally {
      host.disconnect();
    }
  });
});

describe('compactHeapAfterLoad', () => {
  const COMPACTED = 'heap compacted after the load';

  /** The messages an IOC core logs while it starts with `settings`, in the thread `observedThread` says. */
  async function startupMessages(settings: IocOptions, observedThread: ObservedThread): Promise<string[]> {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const config = resolveIocConfig(
      { ...settings, protocols: { ca: false, pva: false }, groups: { memoryTracing: { enabled: false }, iocStats: { enabled: false } } },
      process.cwd(),
    );
    const core = await startIocCore({ config, logger, observedThread, metrics: () => undefined });
    await core.close();
    return lines.map((line) => (JSON.parse(line) as { msg: string }).msg);
  }

  it("compacts the IOC worker's own heap by default", async () => {
    expect(await startupMessages({}, 'main')).toContain(COMPACTED);
  });

  it("leaves a host's main thread alone unless the host asks", async () => {
    expect(await startupMessages({}, 'current')).not.toContain(COMPACTED);
    expect(await startupMessages({ compactHeapAfterLoad: true }, 'current')).toContain(COMPACTED);
  });

  it('is turned off by false, in the worker as well', async () => {
    expect(await startupMessages({ compactHeapAfterLoad: false }, 'main')).not.toContain(COMPACTED);
  });
});
