// The arithmetic of a paired benchmark: configurations measured in blocks within one process pair,
// each "on" block set against the "off" blocks on either side of it, so that a drift of the
// machine's speed, slow beside the blocks, hits both sides of every ratio alike. And of a twins
// benchmark: two identical processes measured over the same window, one on and one off, so that a
// drift hits both sides at the same moment.

import { median } from './figures';

/** One block of a paired run: the configuration it ran, and what it measured (e.g. requests/s). */
export interface Block<C extends string> {
  config: C;
  value: number;
}

/**
 * The order of the blocks: an "off" block, then each cycle's other configurations in a random order,
 * each followed by "off" again. So every other block is "off", and each "on" block has one on each
 * side; the random order keeps any configuration from always following the same one.
 */
export function pairedSchedule<C extends string>(off: C, others: readonly C[], cycles: number, random: () => number): C[] {
  const blocks: C[] = [off];
  for (let cycle = 0; cycle < cycles; cycle++) for (const config of shuffled(others, random)) blocks.push(config, off);
  return blocks;
}

/** A copy of `list` in a random order (Fisher–Yates). */
function shuffled<T>(list: readonly T[], random: () => number): T[] {
  const order = [...list];
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** One block of a twins run: twin `on` (0 or 1) runs `config` while the other runs off, both at once. */
export interface TwinBlock<C extends string> {
  config: C;
  on: 0 | 1;
}

/**
 * The order of a twins run: each cycle holds every configuration (the "off" null control among
 * them) in a random order, each as two blocks, twin 0 on then twin 1 on, so that any difference
 * between the two processes appears as often in the numerator as in the denominator.
 */
export function twinSchedule<C extends string>(configs: readonly C[], cycles: number, random: () => number): TwinBlock<C>[] {
  const blocks: TwinBlock<C>[] = [];
  for (let cycle = 0; cycle < cycles; cycle++) for (const config of shuffled(configs, random)) blocks.push({ config, on: 0 }, { config, on: 1 });
  return blocks;
}

/**
 * Each block's figure of the twin that ran the configuration over the other's, measured over the
 * same window: per configuration, in the order the blocks ran.
 */
export function twinRatios<C extends string>(blocks: readonly (TwinBlock<C> & { values: readonly [number, number] })[]): Map<C, number[]> {
  const ratios = new Map<C, number[]>();
  for (const { config, on, values } of blocks) {
    const list = ratios.get(config) ?? [];
    list.push(values[on] / values[1 - on]!);
    ratios.set(config, list);
  }
  return ratios;
}

/**
 * Each block that is not `off`, as a ratio to the mean of the nearest `off` block before it and the
 * nearest after it (one side alone where the other is missing; skipped where neither exists):
 * per configuration, in the order the blocks ran.
 */
export function pairedRatios<C extends string>(blocks: readonly Block<C>[], off: C): Map<C, number[]> {
  const ratios = new Map<C, number[]>();
  blocks.forEach((block, index) => {
    if (block.config === off) return;
    const before = blocks
      .slice(0, index)
      .reverse()
      .find((other) => other.config === off);
    const after = blocks.slice(index + 1).find((other) => other.config === off);
    const neighbours = [before, after].filter((other) => other !== undefined).map((other) => other.value);
    if (neighbours.length === 0) return;
    const base = neighbours.reduce((sum, value) => sum + value, 0) / neighbours.length;
    const list = ratios.get(block.config) ?? [];
    list.push(block.value / base);
    ratios.set(block.config, list);
  });
  return ratios;
}

/** The ratios of `over` to `under` taken pairwise, in order: e.g. V8 + external against V8 alone, cycle by cycle. */
export function ratioOfRatios(over: readonly number[], under: readonly number[]): number[] {
  return over.slice(0, under.length).map((value, index) => value / under[index]!);
}

/** A median with a distribution-free confidence interval: the order statistics a sign test gives. */
export interface MedianInterval {
  median: number;
  low: number;
  high: number;
  /** The interval's exact coverage, ≥ the confidence asked where the sample allows it, else below. */
  coverage: number;
  n: number;
}

/**
 * The median of `values` and the interval [x₍k₎, x₍n+1−k₎] of the sorted values with the largest k
 * whose coverage, 1 − 2·P(Binomial(n, ½) < k), is at least `confidence`. With too few values for
 * that (fewer than 6 for 95%), the whole range, with the lower coverage it has.
 */
export function medianInterval(values: readonly number[], confidence = 0.95): MedianInterval {
  const n = values.length;
  if (n === 0) return { median: NaN, low: NaN, high: NaN, coverage: NaN, n };
  const sorted = [...values].sort((a, b) => a - b);
  // coverage(k) = 1 − 2·P(B ≤ k − 1); P(B = j) kept as C(n, j)/2ⁿ.
  const coverage = (k: number) => {
    let probability = 0.5 ** n;
    let tail = 0;
    for (let j = 0; j < k; j++) {
      tail += probability;
      probability *= (n - j) / (j + 1);
    }
    return 1 - 2 * tail;
  };
  let k = 1;
  while (k < n >> 1 && coverage(k + 1) >= confidence) k++;
  return { median: median(sorted), low: sorted[k - 1]!, high: sorted[n - k]!, coverage: coverage(k), n };
}

/** A ratio's interval as a change: "−3.1% (95% interval −5.0% to −1.2%, n 10)". */
export function formatChange({ median: mid, low, high, coverage, n }: MedianInterval): string {
  const percent = (ratio: number) => `${ratio >= 1 ? '+' : '−'}${(Math.abs(ratio - 1) * 100).toFixed(1)}%`;
  return `${percent(mid)} (${(coverage * 100).toFixed(0)}% interval ${percent(low)} to ${percent(high)}, n ${n})`;
}
