import * as v8 from 'node:v8';
import pino from 'pino';
import { resolveIocConfig, type IocOptions } from '../../../src/ioc/config/ioc-config';
import { compactHeap } from '../../../src/ioc/heap-compaction';
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
    expect(kept.at(-1)?.name).toBe('REC:599999');
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
