import { estimateSnapshotCost, refusals, retainerGrowth, SNAPSHOT_COST, type RetainerColumns } from '../../../../src/tracing/heap-snapshot';

const MiB = 1024 * 1024;

function retainers(rows: [id: number, bytes: number][]): RetainerColumns {
  return {
    id: rows.map(([id]) => id),
    retainedBytes: rows.map(([, bytes]) => bytes),
    externalBytes: rows.map(() => 0),
    objects: rows.map(() => 1),
    selfBytes: rows.map(() => 16),
    path: rows.map(([id]) => `retainer ${id}`),
    location: rows.map(([id]) => `src/retainer.ts:${id}`),
  };
}

describe('retainer growth across snapshots, matched by node id', () => {
  it('lists retainers grown in each snapshot since they last did not, by growth, and leaves out those that shrank or stayed', () => {
    const growth = retainerGrowth([
      retainers([
        [1, 100],
        [2, 100],
        [3, 100],
        [4, 500],
      ]),
      retainers([
        [1, 200],
        [2, 150],
        [3, 100],
        [4, 400],
      ]),
      retainers([
        [1, 300],
        [2, 900],
        [3, 100],
        [4, 450],
      ]),
    ]);
    // 4 shrank, then grew: it counts from the snapshot where it was smallest.
    expect(growth.id).toEqual([2, 1, 4]);
    expect(growth.growthBytes).toEqual([800, 200, 50]);
    expect(growth.snapshots).toEqual([3, 3, 2]);
    expect(growth.path[0]).toBe('retainer 2');
    expect(growth.location[0]).toBe('src/retainer.ts:2');
  });

  it('counts a retainer from the snapshot it appeared in, or since it last did not grow', () => {
    const growth = retainerGrowth([
      retainers([[1, 500]]),
      retainers([
        [1, 100],
        [5, 10],
      ]),
      retainers([
        [1, 200],
        [5, 20],
      ]),
    ]);
    expect(growth.id).toEqual([1, 5]);
    expect(growth.firstBytes).toEqual([100, 10]);
    expect(growth.snapshots).toEqual([2, 2]);
  });

  it('needs two snapshots', () => {
    expect(retainerGrowth([retainers([[1, 100]])]).id).toEqual([]);
    expect(retainerGrowth([]).id).toEqual([]);
  });
});

describe('the snapshot cost estimate and the guard rails', () => {
  const limits = { maxPauseSeconds: 2, maxExtraMemoryBytes: 512 * MiB, minFreeDiskBytes: 1024 * MiB };
  const plenty = { freeDiskBytes: 100 * 1024 * MiB, freeMemoryBytes: 100 * 1024 * MiB };

  it('grows with the object count the used heap implies', () => {
    const estimate = estimateSnapshotCost(40 * MiB);
    expect(estimate.nodes).toBe(Math.ceil((40 * MiB) / SNAPSHOT_COST.heapBytesPerNode));
    expect(estimate.pauseSeconds).toBeCloseTo(SNAPSHOT_COST.pauseSeconds + estimate.nodes * SNAPSHOT_COST.pauseSecondsPerNode);
    // A process whose last snapshot showed larger objects is estimated with fewer of them.
    expect(estimateSnapshotCost(40 * MiB, 400).nodes).toBe(Math.ceil((40 * MiB) / 400));
  });

  it('lets a small heap through and refuses a large one for each limit it passes', () => {
    expect(refusals(estimateSnapshotCost(4 * MiB), limits, plenty)).toEqual([]);
    const reasons = refusals(estimateSnapshotCost(400 * MiB), limits, plenty);
    expect(reasons).toEqual([
      expect.stringMatching(/^pause ~\d+\.\d s > maxPauseSeconds 2 s$/),
      expect.stringMatching(/^extra memory ~[\d.]+ (MiB|GiB) > maxExtraMemoryBytes 512 MiB$/),
    ]);
  });

  it('refuses when the file would leave too little disk, or the memory is not free', () => {
    const reasons = refusals(estimateSnapshotCost(4 * MiB), limits, { freeDiskBytes: 1024 * MiB, freeMemoryBytes: 10 * MiB });
    expect(reasons).toEqual([expect.stringMatching(/> free memory 10\.0 MiB$/), expect.stringMatching(/< minFreeDiskBytes 1024 MiB$/)]);
  });
});
