import { type DescribedStatistic, runFixture } from './run-fixture';

describe('a worker observing the main thread', () => {
  it('attributes the main thread’s memory, aggregating and formatting in the worker', async () => {
    const result = await runFixture<{
      top: DescribedStatistic[];
      text: string;
      mainLoadedEngine: boolean;
      heap: { heapUsed: number };
      kept: number;
      again: boolean;
      error?: string;
    }>('worker.js');
    expect(result.error).toBeUndefined();
    expect(result.kept).toBe(200000);
    expect(result.again).toBe(true);
    expect(result.mainLoadedEngine).toBe(false);
    expect(result.top[0]?.functionName).toBe('retainOnMain');
    expect(result.top[0]?.size).toBeGreaterThan(8 * 1024 * 1024);
    // Heap totals are the observed (main) isolate's, which holds the retained items.
    expect(result.heap.heapUsed).toBeGreaterThan(result.top[0]!.size / 2);
    expect(result.text).toMatch(/#1: worker\.js:\d+: \d+\.\d KiB\n {4}retainOnMain: function retainOnMain\(items\) \{/);
  });
});

describe('allocated mode (includeCollected)', () => {
  let result: {
    mode: string;
    first: DescribedStatistic[];
    period: DescribedStatistic[];
    memory: { current: number; peak: number };
    afterClear: { current: number; peak: number };
    clearedFunctions: string[];
  };

  beforeAll(async () => {
    result = await runFixture('allocated.js');
  }, 60_000);

  it('reports memory the GC already freed', () => {
    expect(result.mode).toBe('allocated');
    expect(result.first[0]?.functionName).toBe('churnC');
    expect(result.first[0]?.size).toBeGreaterThan(15 * 1024 * 1024);
  });

  it('reports only what was allocated after `since`', () => {
    expect(result.period[0]?.functionName).toBe('churnD');
    expect(result.period.map((statistic) => statistic.functionName)).not.toContain('churnC');
  });

  it('tracks traced memory and forgets it on clearTraces', () => {
    expect(result.memory.current).toBeGreaterThan(result.first[0]!.size);
    expect(result.memory.peak).toBeGreaterThanOrEqual(result.memory.current);
    // Only what was allocated between clearTraces and the measurement (a sample or two) remains.
    expect(result.afterClear.current).toBeLessThan(result.memory.current / 100);
    expect(result.afterClear.peak).toBe(result.afterClear.current);
    expect(result.clearedFunctions).not.toContain('churnC');
    expect(result.clearedFunctions).not.toContain('churnD');
  });
});
