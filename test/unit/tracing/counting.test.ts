import { SampleCounter } from '../../../src/tracing/counting';

/** What V8 reports for one sample of an object of `size` bytes (ScaleSample, rounding half up). */
function reported(size: number, interval: number, samples = 1): number {
  return size * Math.floor(samples / (1 - Math.exp(-size / interval)) + 0.5);
}

describe('SampleCounter', () => {
  it('recovers the count of objects V8 scaled each sample by', () => {
    const counter = new SampleCounter(32768);
    expect(counter.count(reported(32, 32768))).toBe(1025);
    expect(counter.count(reported(16, 32768))).toBe(2049);
    // Whatever it picks is an object size V8's formula maps to the report.
    const count = counter.count(reported(1000, 32768));
    expect(reported(reported(1000, 32768) / count, 32768)).toBe(reported(1000, 32768));
  });

  it('counts an object much larger than the interval once', () => {
    expect(new SampleCounter(32768).count(160016)).toBe(1);
    expect(new SampleCounter(4096).count(1 << 20)).toBe(1);
  });

  it('takes the smallest object size when several fit the report', () => {
    // 16 B × 2049 = 24 B × 1366 = 48 B × 683 = 32784 at 32 KiB.
    expect(reported(24, 32768)).toBe(32784);
    expect(new SampleCounter(32768).count(32784)).toBe(2049);
  });

  it("uses the node's selfSize to tell candidate sizes apart", () => {
    const counter = new SampleCounter(32768);
    const samples = 164;
    const selfSize = reported(40, 32768, samples);
    expect(reported(40, 32768)).toBe(reported(32, 32768));
    expect(counter.countForNode(reported(40, 32768), samples, selfSize)).toBe(selfSize / 40);
    expect(counter.countForNode(reported(32, 32768), samples, reported(32, 32768, samples))).toBe(reported(32, 32768, samples) / 32);
  });

  it('falls back to a continuous estimate for sizes from another interval', () => {
    const count = new SampleCounter(32768).count(32770);
    expect(count).toBeGreaterThanOrEqual(1);
    expect(Number.isInteger(count)).toBe(true);
    expect(new SampleCounter(32768).count(0)).toBe(0);
  });
});
