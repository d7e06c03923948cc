import * as v8 from 'node:v8';
import { compactHeap } from '../../../src/ioc/heap-compaction';

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
