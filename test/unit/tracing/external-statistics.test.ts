import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Trace } from '../../../src/tracing/frames';
import { pooledSlabBound, Snapshot } from '../../../src/tracing/snapshot';
import { frame, trace } from './synthetic';

const main = frame('main', '/app/main.js', 1);
const cache = frame('cache', '/app/cache.js', 10);

/** The same stack as external memory, with its sampling. */
function external(size: number, samples: number, uncertainty: number, pooledSamples = 0): Trace {
  const heap = trace(size, samples, [main, cache]);
  return new Trace(size, samples, heap.stack, heap.depth, { external: true, samples, uncertainty, pooledSamples });
}

const totals = { samplingInterval: 65536, attributed: 0, arrayBuffers: 0, residual: 0, poolSize: 8192 };
/** One literal for both snapshots: a Snapshot is a class, so it is not spread. */
const fields: ConstructorParameters<typeof Snapshot>[0] = {
  traces: [trace(4000, 40, [main, cache]), external(3_000_000, 40, 300_000, 10), external(1_000_000, 10, 400_000)],
  tracebackLimit: 64,
  takenAt: new Date('2026-12-04T12:00:00.000Z'),
  heap: null,
  samplingInterval: 32768,
  mode: 'live',
  external: { ...totals, attributed: 4_000_000, arrayBuffers: 4_050_000, residual: 50_000 },
};
const snapshot = new Snapshot(fields);

describe('external statistics', () => {
  it('stay apart from the V8-heap entry of the same key, and add uncertainties as independent estimates', () => {
    const [first, second] = snapshot.statistics('lineno');
    expect([first?.key, first?.external, first?.size, first?.samples, first?.pooledSamples]).toEqual(['/app/cache.js:10', true, 4_000_000, 50, 10]);
    expect(first?.uncertainty).toBeCloseTo(500_000, 6);
    expect([second?.key, second?.external, second?.size]).toEqual(['/app/cache.js:10', false, 4000]);
    const diff = snapshot.compareTo(new Snapshot({ ...fields, traces: [trace(4000, 40, [main, cache])] }), 'lineno');
    expect(diff.map((d) => [d.external, d.sizeDiff])).toEqual([
      [true, 4_000_000],
      [false, 0],
    ]);
  });

  it('bound what pool slabs can add by the pooled samples, and by the memory no site explains', () => {
    const first = snapshot.statistics('lineno')[0]!;
    // 10 pooled samples could pin 10 slabs of 8 KiB, but only 50 000 bytes are unexplained.
    expect(pooledSlabBound(first, snapshot.external)).toBe(50_000);
    expect(pooledSlabBound(first, { ...totals, residual: 1_000_000 })).toBe(81_920);
    expect(pooledSlabBound(first, { ...totals, residual: -20_000 })).toBe(0);
    expect(pooledSlabBound(first, null)).toBe(0);
  });

  it('survive a dump and a load: external leaves of their own, samples and uncertainty kept', async () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'memtrace-external-'));
    try {
      const file = path.join(directory, 'x.heapprofile');
      await snapshot.dump(file);
      const loaded = await Snapshot.load(file);
      const describe = (s: Snapshot) =>
        s.statistics('traceback').map((t) => [t.key, t.external, t.size, t.samples, Math.round(t.uncertainty), t.pooledSamples]);
      expect(describe(loaded)).toEqual(describe(snapshot));
      expect(loaded.external).toEqual(snapshot.external);
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });
});
