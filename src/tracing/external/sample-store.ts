import { sampleEstimate, sampleVariance } from './estimator';

/** One allocation site as the host reports it: frames newest first, as `[function, url, line, column]`, 1-based enclosing-function positions. */
export type SiteFrame = [functionName: string, url: string, line: number, column: number];

/** What the sampled allocations of one site still hold (or, keeping collected ones, allocated). */
export interface SiteSamples {
  site: number;
  /** Estimated bytes. */
  bytes: number;
  samples: number;
  /** Σ of the samples' variances (see estimator.ts). */
  variance: number;
  /** Samples that were small Buffers carved from a shared pool slab. */
  pooledSamples: number;
}

export interface ExternalReport {
  samplingInterval: number;
  /** Frames of each site that has samples in `sites`, indexed by SiteSamples.site. */
  frames: SiteFrame[][];
  sites: SiteSamples[];
  /** The newest sample's ordinal, -1 before any. */
  lastOrdinal: number;
  /** `process.memoryUsage().arrayBuffers` of the observed isolate, read with the samples. */
  arrayBuffers: number;
  /** `Buffer.poolSize` as it is now (a host may change it). */
  poolSize: number;
}

const FIELD = '\u0001';
const FRAME = '\u0002';

/** A captured stack as one string, so equal stacks intern to one site without building frame objects. */
export function siteKey(frames: readonly SiteFrame[]): string {
  return frames.map((frame) => frame.join(FIELD)).join(FRAME);
}

function framesOf(key: string): SiteFrame[] {
  if (key === '') return [];
  return key.split(FRAME).map((text) => {
    const [functionName, url, line, column] = text.split(FIELD);
    return [functionName ?? '', url ?? '', Number(line), Number(column)];
  });
}

/**
 * The live samples, in parallel arrays (no object per sample). Liveness is a WeakRef to the sampled
 * ArrayBuffer, read only when asked: right after the full GC of a snapshot, a dead buffer's WeakRef
 * is empty, where a FinalizationRegistry's callbacks would still be queued as tasks (and each would
 * be a task on the observed thread). Like a registered object, a WeakRef's target survives minor
 * GCs until the next major one (measured on Node 20; bench/external-sampler.ts), so sampled
 * buffers outlive their use a little: that cost is the same either way.
 */
export class SampleStore {
  private readonly interval: number;
  /** Keep samples of collected buffers ("what was allocated", not "what is live"). */
  private readonly keepCollected: boolean;
  private refs: (WeakRef<ArrayBuffer> | null)[] = [];
  private sizes: number[] = [];
  private siteIds: number[] = [];
  private pooled: boolean[] = [];
  private ordinals: number[] = [];
  private readonly siteByKey = new Map<string, number>();
  private readonly keyBySite: string[] = [];
  private nextOrdinal = 0;
  /** Sweep dead entries when the arrays pass this, so a churning site between snapshots stays bounded. */
  private sweepAt = 4096;

  constructor(interval: number, keepCollected: boolean) {
    this.interval = interval;
    this.keepCollected = keepCollected;
  }

  get length(): number {
    return this.sizes.length;
  }

  add(size: number, buffer: ArrayBuffer, pooled: boolean, key: string): void {
    let site = this.siteByKey.get(key);
    if (site === undefined) {
      site = this.keyBySite.length;
      this.siteByKey.set(key, site);
      this.keyBySite.push(key);
    }
    this.refs.push(this.keepCollected ? null : new WeakRef(buffer));
    this.sizes.push(size);
    this.siteIds.push(site);
    this.pooled.push(pooled);
    this.ordinals.push(this.nextOrdinal++);
    if (this.sizes.length >= this.sweepAt) {
      this.sweep();
      this.sweepAt = Math.max(4096, 2 * this.sizes.length);
    }
  }

  /** Samples after `afterOrdinal`, per site, with the sites' frames. Sweeps dead samples first. */
  report(afterOrdinal: number, arrayBuffers: number, poolSize: number): ExternalReport {
    this.sweep();
    const bySite = new Map<number, SiteSamples>();
    const frames: SiteFrame[][] = [];
    for (let i = 0; i < this.sizes.length; i++) {
      if (this.ordinals[i]! <= afterOrdinal) continue;
      let entry = bySite.get(this.siteIds[i]!);
      if (!entry) {
        entry = { site: frames.length, bytes: 0, samples: 0, variance: 0, pooledSamples: 0 };
        frames.push(framesOf(this.keyBySite[this.siteIds[i]!]!));
        bySite.set(this.siteIds[i]!, entry);
      }
      entry.bytes += sampleEstimate(this.sizes[i]!, this.interval);
      entry.variance += sampleVariance(this.sizes[i]!, this.interval);
      entry.samples += 1;
      if (this.pooled[i]) entry.pooledSamples += 1;
    }
    return {
      samplingInterval: this.interval,
      frames,
      sites: [...bySite.values()],
      lastOrdinal: this.nextOrdinal - 1,
      arrayBuffers,
      poolSize,
    };
  }

  private sweep(): void {
    if (this.keepCollected) return;
    let kept = 0;
    for (let i = 0; i < this.refs.length; i++) {
      if (this.refs[i]!.deref() === undefined) continue;
      this.refs[kept] = this.refs[i]!;
      this.sizes[kept] = this.sizes[i]!;
      this.siteIds[kept] = this.siteIds[i]!;
      this.pooled[kept] = this.pooled[i]!;
      this.ordinals[kept] = this.ordinals[i]!;
      kept++;
    }
    this.refs.length = this.sizes.length = this.siteIds.length = this.pooled.length = this.ordinals.length = kept;
  }
}
