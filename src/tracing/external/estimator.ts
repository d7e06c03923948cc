/**
 * What one sampled allocation stands for, under Poisson-by-bytes sampling with mean gap `interval`.
 *
 * An allocation of `size` bytes contains at least one sample point with probability
 * p = 1 − e^(−size/interval), so counting it as size/p bytes is unbiased (Horvitz–Thompson).
 * `max(interval, size)` is not: it under-counts by about 27% near the interval.
 */
export function sampleProbability(size: number, interval: number): number {
  return -Math.expm1(-size / interval);
}

/** Unbiased estimate of the bytes a sampled allocation of `size` bytes stands for. */
export function sampleEstimate(size: number, interval: number): number {
  return size / sampleProbability(size, interval);
}

/**
 * Unbiased estimate of the variance a sample adds to its site's estimate: w²(1 − p) for w = size/p.
 * Variances of independent samples add; ±1.96√(Σ) is the 95% interval of the site's bytes.
 */
export function sampleVariance(size: number, interval: number): number {
  const p = sampleProbability(size, interval);
  const weight = size / p;
  return weight * weight * (1 - p);
}

/** The half-width of the 95% normal interval for a total of this variance. */
export function uncertaintyOf(variance: number): number {
  return 1.96 * Math.sqrt(variance);
}
