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
}

export interface DumpedSnapshotExtras {
  format: 1;
  samplingInterval: number;
  tracebackLimit: number;
  takenAt: string;
  mode: 'live' | 'allocated';
  heap: { heapUsed: number; heapTotal: number; rss: number } | null;
  filters: unknown[];
}
