/**
 * The shapes of V8's inspector protocol for the sampling heap profiler (HeapProfiler domain), as
 * `getSamplingProfile` returns them and as `.heapprofile` files store them, plus the keys this engine
 * adds to its own dumps. Chrome DevTools and speedscope ignore keys they do not know.
 */

export interface ProtocolCallFrame {
  functionName: string;
  scriptId: string;
  url: string;
  /** 0-based; -1 when V8 knows no script (pseudo-frames such as `(V8 API)`). */
  lineNumber: number;
  columnNumber: number;
}

export interface ProfileNode {
  callFrame: ProtocolCallFrame;
  /** Already scaled by V8 to an estimate of the bytes this node's allocations stand for. */
  selfSize: number;
  id: number;
  children: ProfileNode[];
  /** Only in this engine's dumps. */
  memtrace?: DumpedNodeExtras;
}

export interface ProfileSample {
  /**
   * Already scaled by V8: object size × round(1 / (1 − e^(−size/interval))), i.e. the bytes this one
   * sampled object stands for. Not the object's own size.
   */
  size: number;
  nodeId: number;
  /** Increases with every sample V8 takes; restarts when the sampler restarts. */
  ordinal: number;
}

export interface SamplingHeapProfile {
  head: ProfileNode;
  samples?: ProfileSample[];
  /** Only in this engine's dumps. */
  memtrace?: DumpedSnapshotExtras;
}

export interface DumpedNodeExtras {
  /** Estimated number of objects behind `selfSize`. */
  count: number;
  package: string;
  /** Buffer and ArrayBuffer contents, sampled outside V8's heap (a leaf of its own). */
  external?: boolean;
  samples?: number;
  /** ±1.96σ bytes. */
  uncertainty?: number;
  pooledSamples?: number;
}

export interface DumpedSnapshotExtras {
  format: 1;
  samplingInterval: number;
  tracebackLimit: number;
  takenAt: string;
  mode: 'live' | 'allocated';
  heap: { heapUsed: number; heapTotal: number; rss: number } | null;
  filters: unknown[];
  external?: ExternalTotals | null;
}

/** The observed isolate's ArrayBuffer memory beside what the external sampler attributes to sites. */
export interface ExternalTotals {
  /** Mean bytes between external samples. */
  samplingInterval: number;
  /** Estimated bytes of every sampled site (before filters). */
  attributed: number;
  /** `process.memoryUsage().arrayBuffers` of the observed isolate, read with the samples. */
  arrayBuffers: number;
  /**
   * `arrayBuffers − attributed`: memory no sampled site explains (Node's own socket chunks, crypto,
   * TextEncoder, typed-array slice/map, addons, WebAssembly, pool slabs beyond the sampled bytes).
   * Exact up to the attributed estimate's own uncertainty (so it can be slightly negative), and up
   * to V8's concurrent sweeper: backing stores the snapshot's GC freed are released in the
   * background, and on a busy machine some may still count here; a later snapshot shows them gone.
   */
  residual: number;
  /** `Buffer.poolSize` when read: the slab a small pooled Buffer can pin. */
  poolSize: number;
}
