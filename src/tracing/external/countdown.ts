/** A uniform random number in [0, 1). */
export type Random = () => number;

/**
 * Poisson sampling over bytes: sample points fall at exponential gaps of mean `interval`, and an
 * allocation is sampled when a point falls inside it, i.e. with probability 1 − e^(−size/interval).
 */
export class ByteCountdown {
  private readonly interval: number;
  private readonly random: Random;
  private remaining: number;

  constructor(interval: number, random: Random = Math.random) {
    this.interval = interval;
    this.random = random;
    this.remaining = this.gap();
  }

  /** Whether an allocation of `size` bytes is sampled. */
  take(size: number): boolean {
    this.remaining -= size;
    if (this.remaining > 0) return false;
    // Memoryless: from this allocation's end, the gap to the next point is exponential again.
    this.remaining = this.gap();
    return true;
  }

  private gap(): number {
    return -Math.log(1 - this.random()) * this.interval;
  }
}
