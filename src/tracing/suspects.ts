import type { Statistic } from './statistics';

/**
 * When a site counts as a leak suspect. Sampled sizes are noisy: a site that allocates and frees
 * at a steady rate still grows in 5 of 6 periods by chance about 1 time in 9, so growing often is
 * not enough. A suspect must also have a least-squares slope whose one-sided 99% confidence
 * interval excludes zero, and have grown, over the kept snapshots, by more than a few sampling
 * intervals (one sample more or less is one interval of bytes) and by more than a few standard
 * deviations of its own sampling noise. That last rule is for sites whose objects outlive a
 * period: their sampled set drifts slowly, so consecutive snapshots are correlated and the
 * slope's interval alone is too narrow. A site holding `s` bytes at interval `i` is about
 * `i × Poisson(s / i)`, whose standard deviation is `√(s × i)`.
 */
export interface SuspectRules {
  /** Snapshots kept (N). */
  snapshots: number;
  /** The last periods looked at (M). */
  periods: number;
  /** Periods of those in which a suspect's bytes grew (K). */
  grewIn: number;
  /** Growth over the kept snapshots, in sampling intervals, below which no site is a suspect. */
  minimumGrowthIntervals: number;
  /** Growth over the kept snapshots, in standard deviations of the site's sampling noise, below which no site is a suspect. */
  minimumGrowthDeviations: number;
}

export const DEFAULT_SUSPECT_RULES: SuspectRules = Object.freeze({
  snapshots: 12,
  periods: 6,
  grewIn: 5,
  minimumGrowthIntervals: 8,
  minimumGrowthDeviations: 4,
});

/** Throws a RangeError unless N, M and K fit together. */
export function checkSuspectWindow({ snapshots, periods, grewIn }: Pick<SuspectRules, 'snapshots' | 'periods' | 'grewIn'>): void {
  const whole = (value: number, low: number, high: number) => Number.isInteger(value) && value >= low && value <= high;
  if (!whole(snapshots, 3, 1000)) throw new RangeError(`snapshots must be an integer from 3 to 1000, not ${snapshots}`);
  if (!whole(periods, 1, snapshots - 1)) throw new RangeError(`periods must be an integer from 1 to snapshots − 1 (${snapshots - 1}), not ${periods}`);
  if (!whole(grewIn, 1, periods)) throw new RangeError(`grewIn must be an integer from 1 to periods (${periods}), not ${grewIn}`);
}

function checkSuspectRules(rules: SuspectRules): SuspectRules {
  checkSuspectWindow(rules);
  const { minimumGrowthIntervals, minimumGrowthDeviations } = rules;
  if (!(minimumGrowthIntervals >= 0)) throw new RangeError(`minimumGrowthIntervals must be 0 or more, not ${minimumGrowthIntervals}`);
  if (!(minimumGrowthDeviations >= 0)) throw new RangeError(`minimumGrowthDeviations must be 0 or more, not ${minimumGrowthDeviations}`);
  return rules;
}

export interface Suspect {
  /** The site as of the newest snapshot. */
  readonly statistic: Statistic;
  /** Least-squares growth, bytes per minute. */
  readonly rate: number;
  /** This site's rate over the summed rates of all suspects and other growing sites, 0…1. */
  readonly share: number;
  /** Periods of the last `periods` in which it grew. */
  readonly grewIn: number;
  readonly periods: number;
  /** Bytes and objects gained since the oldest kept snapshot. */
  readonly sizeDiff: number;
  readonly countDiff: number;
}

interface Point {
  /** Minutes since the first kept snapshot. */
  minute: number;
  total: number;
  statistics: Map<string, Statistic>;
}

/** Student's t, one-sided 99%, by degrees of freedom 1…30; beyond that the normal's 2.33 is near enough. */
const T_99 = [
  31.821, 6.965, 4.541, 3.747, 3.365, 3.143, 2.998, 2.896, 2.821, 2.764, 2.718, 2.681, 2.65, 2.624, 2.602, 2.583, 2.567, 2.552, 2.539, 2.528, 2.518, 2.508, 2.5,
  2.492, 2.485, 2.479, 2.473, 2.467, 2.462, 2.457,
];

export interface Slope {
  /** Per minute. */
  slope: number;
  /** Its standard error; 0 when the points lie on a line, Infinity with fewer than 3 points. */
  standardError: number;
  /** Points it was fitted to. */
  points: number;
}

/** Ordinary least squares of y on x. */
export function leastSquares(x: readonly number[], y: readonly number[]): Slope {
  const n = x.length;
  let meanX = 0;
  let meanY = 0;
  for (let i = 0; i < n; i++) {
    meanX += x[i]! / n;
    meanY += y[i]! / n;
  }
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (x[i]! - meanX) ** 2;
    sxy += (x[i]! - meanX) * (y[i]! - meanY);
  }
  if (n < 2 || sxx === 0) return { slope: 0, standardError: Infinity, points: n };
  const slope = sxy / sxx;
  if (n < 3) return { slope, standardError: Infinity, points: n };
  let residuals = 0;
  for (let i = 0; i < n; i++) residuals += (y[i]! - meanY - slope * (x[i]! - meanX)) ** 2;
  return { slope, standardError: Math.sqrt(residuals / (n - 2) / sxx), points: n };
}

/** The slope's one-sided 99% lower confidence bound is above zero. */
export function growsSurely({ slope, standardError, points }: Slope): boolean {
  if (points < 3) return false;
  return slope - T_99[Math.min(points - 2, T_99.length) - 1]! * standardError > 0;
}

/**
 * The last N snapshots' statistics, for what grows across them. Feed it every snapshot of one
 * sampler run with one key type; start a new history when either changes.
 */
export class GrowthHistory {
  private readonly rules: SuspectRules;
  private readonly samplingInterval: number;
  private readonly points: Point[] = [];
  private firstAt = 0;

  constructor(samplingInterval: number, rules: SuspectRules = DEFAULT_SUSPECT_RULES) {
    this.rules = checkSuspectRules(rules);
    this.samplingInterval = samplingInterval;
  }

  /** Snapshots kept, and how many the rules need before they judge. */
  get kept(): number {
    return this.points.length;
  }

  get needed(): number {
    return this.rules.periods + 1;
  }

  /** `total`: the bytes the growth rate follows (all traced memory, which may include what the statistics leave out). */
  add(takenAt: Date, statistics: readonly Statistic[], total: number): void {
    if (this.points.length === 0) this.firstAt = takenAt.getTime();
    const byKey = new Map<string, Statistic>();
    for (const statistic of statistics) byKey.set(statistic.key, statistic);
    this.points.push({ minute: (takenAt.getTime() - this.firstAt) / 60000, total, statistics: byKey });
    if (this.points.length > this.rules.snapshots) this.points.shift();
  }

  /** Least-squares bytes per minute of the totals; null until there are two snapshots. */
  growthRate(): number | null {
    if (this.points.length < 2) return null;
    return leastSquares(
      this.points.map((point) => point.minute),
      this.points.map((point) => point.total),
    ).slope;
  }

  /** Sites that pass every rule, fastest first; none until `needed` snapshots are kept. */
  suspects(): Suspect[] {
    if (this.points.length < this.needed) return [];
    const minutes = this.points.map((point) => point.minute);
    const { minimumGrowthIntervals, minimumGrowthDeviations } = this.rules;
    const found: Omit<Suspect, 'share'>[] = [];
    let growing = 0;
    const oldest = this.points[0]!.statistics;
    for (const [key, statistic] of this.points[this.points.length - 1]!.statistics) {
      const sizes = this.points.map((point) => point.statistics.get(key)?.size ?? 0);
      const fit = leastSquares(minutes, sizes);
      if (fit.slope <= 0) continue;
      growing += fit.slope;
      const grewIn = this.periodsGrown(sizes);
      const growth = fit.slope * (minutes[minutes.length - 1]! - minutes[0]!);
      const mean = sizes.reduce((sum, size) => sum + size, 0) / sizes.length;
      const minimumGrowth = Math.max(minimumGrowthIntervals * this.samplingInterval, minimumGrowthDeviations * Math.sqrt(mean * this.samplingInterval));
      if (grewIn >= this.rules.grewIn && growth >= minimumGrowth && growsSurely(fit)) {
        const before = oldest.get(key);
        const sizeDiff = statistic.size - (before?.size ?? 0);
        found.push({ statistic, rate: fit.slope, grewIn, periods: this.rules.periods, sizeDiff, countDiff: statistic.count - (before?.count ?? 0) });
      }
    }
    return found.sort((a, b) => b.rate - a.rate).map((suspect) => ({ ...suspect, share: suspect.rate / growing }));
  }

  private periodsGrown(sizes: readonly number[]): number {
    let grew = 0;
    for (let i = sizes.length - this.rules.periods; i < sizes.length; i++) if (sizes[i]! > sizes[i - 1]!) grew++;
    return grew;
  }
}
