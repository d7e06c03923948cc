import { ByteCountdown } from '../../../src/tracing/external/countdown';
import { sampleEstimate, sampleProbability, sampleVariance, uncertaintyOf } from '../../../src/tracing/external/estimator';
import { ExternalSampler } from '../../../src/tracing/external/external-sampler';
import type { ExternalReport } from '../../../src/tracing/external/sample-store';
import { Random } from '../../fuzz/random';
import { exposedGc } from '../../helpers/exposed-gc';

const gc = exposedGc();

/** A seeded generator (mulberry32), so the statistical checks give the same answer on every run. */
function seeded(seed: number): () => number {
  const generator = new Random(seed);
  return () => generator.uniform();
}

/** Every allocation sampled: the first gap is 0 and so is every next one. */
const always = () => 0;

function sampleAll(): ExternalSampler {
  const sampler = new ExternalSampler(always);
  sampler.start({ samplingInterval: 1, keepCollected: false });
  return sampler;
}

/** The function at the top of a site's stack. */
function newestFunction(report: ExternalReport, site: ExternalReport['sites'][number]): string | undefined {
  return report.frames[site.site]?.[0]?.[0];
}

function newestFunctions(report: ExternalReport | null): (string | undefined)[] {
  return report ? report.sites.map((site) => newestFunction(report, site)) : [];
}

describe('the unbiased estimator', () => {
  it('expects exactly the bytes allocated, where max(interval, size) under-counts near the interval', () => {
    const interval = 65536;
    for (const size of [16, 4096, 65536, 200000, 10 * 1024 * 1024]) {
      expect(sampleProbability(size, interval) * sampleEstimate(size, interval)).toBeCloseTo(size, 6);
    }
    // At the interval itself, max(interval, size) counts p × size = 63% of the truth.
    expect(sampleProbability(interval, interval) * Math.max(interval, interval)).toBeLessThan(0.64 * interval);
    // A sample certain to be taken adds no variance.
    expect(sampleVariance(100 * interval, interval)).toBeLessThan(1e-20);
  });

  it('states an uncertainty that covers the truth 19 times in 20 (simulated allocations, seeded)', () => {
    const random = seeded(12);
    const interval = 512 * 1024;
    const trials = 400;
    let covered = 0;
    for (let trial = 0; trial < trials; trial++) {
      // A site of mixed sizes, ~40 MB, as the fixture's: 1 KiB strings, 64 KiB chunks, 300 KiB arrays.
      const countdown = new ByteCountdown(interval, random);
      let truth = 0;
      let estimate = 0;
      let variance = 0;
      for (let i = 0; i < 6000; i++) {
        const size = [1024, 65536, 300 * 1024][i % 3]! + Math.floor(random() * 512);
        truth += size;
        if (!countdown.take(size)) continue;
        estimate += sampleEstimate(size, interval);
        variance += sampleVariance(size, interval);
      }
      if (Math.abs(estimate - truth) <= uncertaintyOf(variance)) covered++;
    }
    // A 95% interval: 19 in 20 on average. 400 trials put the rate within ±2.2% at 95%.
    expect(covered / trials).toBeGreaterThanOrEqual(0.92);
    expect(covered / trials).toBeLessThanOrEqual(0.98);
  });
});

describe('the external sampler', () => {
  let sampler: ExternalSampler | undefined;
  afterEach(() => {
    sampler?.stop();
    sampler = undefined;
  });

  it('puts back the very functions it replaced, and keeps instanceof and subclassing while installed', () => {
    // Buffer's allocators compared by identity, read as property values (they are statics that never use `this`).
    const allocator = (name: 'alloc' | 'from' | 'concat'): unknown => Object.getOwnPropertyDescriptor(Buffer, name)?.value;
    const originals = { alloc: allocator('alloc'), from: allocator('from'), concat: allocator('concat'), Uint8Array, ArrayBuffer, Float64Array };
    sampler = sampleAll();
    expect(allocator('alloc')).not.toBe(originals.alloc);
    expect(globalThis.Uint8Array).not.toBe(originals.Uint8Array);
    expect(Buffer.alloc.name).toBe('alloc');
    const array = new Uint8Array(100);
    expect(array instanceof Uint8Array).toBe(true);
    expect(array instanceof originals.Uint8Array).toBe(true);
    expect(Buffer.alloc(10) instanceof Uint8Array).toBe(true);
    class Samples extends Float64Array {}
    expect(new Samples(20)).toBeInstanceOf(originals.Float64Array);
    expect(Uint8Array.from([1, 2, 3])).toEqual(originals.Uint8Array.from([1, 2, 3]));
    sampler.stop();
    expect(allocator('alloc')).toBe(originals.alloc);
    expect(allocator('from')).toBe(originals.from);
    expect(allocator('concat')).toBe(originals.concat);
    expect(globalThis.Uint8Array).toBe(originals.Uint8Array);
    expect(globalThis.ArrayBuffer).toBe(originals.ArrayBuffer);
    expect(sampler.report()).toBeNull();
  });

  it('counts a Buffer.concat once, though it calls allocUnsafe inside', () => {
    const parts = [Buffer.alloc(1000, 1), Buffer.alloc(1000, 2)];
    sampler = sampleAll();
    const joined = (function concatSite() {
      return Buffer.concat(parts);
    })();
    const report = sampler.report();
    expect(newestFunctions(report)).toEqual(['concatSite']);
    expect(report?.sites[0]?.samples).toBe(1);
    expect(joined.length).toBe(2000);
  });

  it('counts new memory only: not views of an ArrayBuffer, nor typed arrays small enough to live in V8 heap', () => {
    const memory = new ArrayBuffer(4096);
    sampler = sampleAll();
    const kept = (function views() {
      return [Buffer.from(memory, 0, 100), new Uint8Array(memory), new DataView(memory), new Uint8Array(16)];
    })();
    const copies = (function copies() {
      return [
        new Uint8Array(1000),
        new ArrayBuffer(500),
        Buffer.from('x'.repeat(300)),
        new Float32Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]),
      ];
    })();
    const report = sampler.report();
    expect(newestFunctions(report)).toEqual(['copies']);
    expect(report?.sites[0]?.samples).toBe(4);
    // The small Buffer.from came from a shared pool slab.
    expect(report?.sites[0]?.pooledSamples).toBe(1);
    expect(kept.length + copies.length).toBe(8);
  });

  // A WeakRef holds its target until the job that made it ends (ECMAScript's KeepDuringJob), as a
  // snapshot's GC always comes in a later job: so the test lets the job end before each GC.
  const nextJob = () => new Promise((resolve) => setImmediate(resolve));

  it('keeps a sample while a subarray holds its memory, and drops it once the memory is collected', async () => {
    sampler = sampleAll();
    let view: Buffer | null = (function allocateLarge() {
      return Buffer.alloc(1 << 20).subarray(0, 10);
    })();
    (function allocateDropped() {
      Buffer.alloc(1 << 20);
    })();
    // The sampler sees the whole process: while the test awaits, what another test file left running
    // in this Jest worker (epics-tca's sockets) may allocate a small pooled Buffer. Only this
    // test's functions count.
    const ours = () => {
      const report = sampler!.report()!;
      return report.sites.filter((site) => newestFunction(report, site)?.startsWith('allocate'));
    };
    await nextJob();
    gc();
    expect(ours().map((site) => newestFunction(sampler!.report()!, site))).toEqual(['allocateLarge']);
    expect(ours()[0]?.bytes).toBe(1 << 20);
    view = null;
    await nextJob();
    gc();
    expect(view).toBeNull();
    expect(ours()).toEqual([]);
  });

  it('locates a site at its enclosing function, as V8 locates a heap sample, through inlining', () => {
    sampler = sampleAll();
    function outer() {
      const first = 1;
      return first + inner().length;
    }
    function inner() {
      return Buffer.alloc(100);
    }
    outer();
    const report = sampler.report()!;
    const [newest, caller] = report.frames[report.sites[0]!.site]!;
    expect(newest?.[0]).toBe('inner');
    expect(newest?.[1]).toBe(__filename);
    expect(caller?.[0]).toBe('outer');
    // The lines where `function outer()` and `function inner()` start, not the lines of the calls.
    expect(newest?.[2]).toBe(caller![2] + 4);
  });

  it('keeps its samples when started again with the same settings, and forgets them on clear', () => {
    sampler = sampleAll();
    const kept = (function early() {
      return Buffer.alloc(5000);
    })();
    sampler.start({ samplingInterval: 1, keepCollected: false });
    expect(newestFunctions(sampler.report())).toEqual(['early']);
    sampler.clear();
    expect(sampler.report()!.sites).toEqual([]);
    expect(kept.length).toBe(5000);
  });

  it('takes no samples when its interval is far above what is allocated', () => {
    sampler = new ExternalSampler(seeded(3));
    sampler.start({ samplingInterval: 2 ** 40, keepCollected: false });
    const kept = Array.from({ length: 100 }, () => Buffer.alloc(10000));
    expect(sampler.report()!.sites).toEqual([]);
    expect(kept.length).toBe(100);
  });
});
