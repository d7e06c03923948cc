/**
 * How many objects a sample stands for.
 *
 * V8 samples allocations as a Poisson process over bytes with mean gap `interval`, so an object of
 * `s` bytes is sampled with probability p = 1 − e^(−s/interval) and stands for 1/p such objects.
 * The inspector protocol never gives `s`: each sample's `size` is already the scaled estimate
 * `s × round(1/p)` (V8's ScaleSample, rounding half up), and a node's `selfSize` is
 * `Σ s × round(n_s/p)` over the n_s samples of each size s at that node. So bytes need no further
 * scaling (scaling again would inflate small objects ~interval/s times); the object count is
 * `size / s` for the `s` that V8's formula maps to the reported size.
 *
 * Several sizes can map to one reported value (16 B × 2049 = 24 B × 1366 = 48 B × 683 = 32 784 at
 * 32 KiB). Where a node's samples all report the same value (the common case: one allocation site,
 * one object shape) the node's `selfSize` tells the candidates apart, because V8 rounds there
 * after multiplying by the sample count. Otherwise we take the smallest object size consistent with
 * the report, i.e. the largest count: small objects dominate JS heaps by number. Objects larger than
 * ~2.2 × interval are always counted exactly (one sample, one object). Byte estimates do not
 * depend on this choice.
 */

const pointerCompression = Boolean((process.config.variables as unknown as Record<string, unknown>).v8_enable_pointer_compression);
/** V8 aligns objects to its tagged size; the smallest heap object is two tagged words. */
const OBJECT_ALIGNMENT = pointerCompression ? 4 : 8;
const MIN_OBJECT_SIZE = 2 * OBJECT_ALIGNMENT;

/** V8's rounding of n/p, with the same IEEE operations. */
function scaledCount(objectSize: number, samples: number, interval: number): number {
  return Math.floor(samples / (1 - Math.exp(-objectSize / interval)) + 0.5);
}

/** Count for a reported size V8's formula cannot have produced at this interval (another tool's profile). */
function continuousCount(reported: number, interval: number): number {
  // s / (1 − e^(−s/interval)) rises from `interval` (s → 0) towards s: solve it for s by bisection.
  let low = 0;
  let high = reported;
  for (let i = 0; i < 60; i++) {
    const mid = (low + high) / 2;
    if (mid / (1 - Math.exp(-mid / interval)) < reported) low = mid;
    else high = mid;
  }
  return high > 0 ? Math.max(1, Math.round(reported / high)) : 1;
}

/** Every count c with reported = s × c and V8's round(1/p(s)) = c, largest first. */
function candidateCounts(reported: number, interval: number): number[] {
  const candidates: number[] = [];
  if (!(reported > 0)) return candidates;
  // From c − ½ ≤ 1/p ≤ interval/s + 1 and s × c = reported: c × (1 − interval/reported) ≤ 1.5.
  const bySize = Math.floor(reported / MIN_OBJECT_SIZE);
  const upper = reported > interval ? Math.min(bySize, Math.floor((1.5 * reported) / (reported - interval)) + 1) : bySize;
  for (let count = upper; count >= 1; count--) {
    if (reported % count !== 0) continue;
    const objectSize = reported / count;
    if (objectSize % OBJECT_ALIGNMENT === 0 && scaledCount(objectSize, 1, interval) === count) candidates.push(count);
  }
  return candidates;
}

/** Counts the samples of one profile; reported sizes repeat a lot, so each distinct one is solved once. */
export class SampleCounter {
  private readonly interval: number;
  private readonly candidates = new Map<number, number[]>();

  constructor(interval: number) {
    this.interval = interval;
  }

  /** Objects one sample of this reported size stands for. */
  count(reportedSize: number): number {
    if (!(reportedSize > 0)) return 0;
    const candidates = this.candidatesFor(reportedSize);
    return candidates.length > 0 ? candidates[0]! : continuousCount(reportedSize, this.interval);
  }

  /**
   * Objects behind `samples` samples that all reported `reportedSize` and make up a node of
   * `selfSize` bytes: the candidate that reproduces V8's node total wins.
   */
  countForNode(reportedSize: number, samples: number, selfSize: number): number {
    for (const count of this.candidatesFor(reportedSize)) {
      const objectSize = reportedSize / count;
      const nodeCount = scaledCount(objectSize, samples, this.interval);
      if (objectSize * nodeCount === selfSize) return nodeCount;
    }
    return samples * this.count(reportedSize);
  }

  private candidatesFor(reportedSize: number): number[] {
    let candidates = this.candidates.get(reportedSize);
    if (!candidates) {
      candidates = candidateCounts(reportedSize, this.interval);
      this.candidates.set(reportedSize, candidates);
    }
    return candidates;
  }
}
