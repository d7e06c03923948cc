/**
 * One function on an allocation stack.
 *
 * V8's sampling heap profiler records functions, not statements: `line` and `column` (1-based) are
 * where the allocating *function* starts, after source-map mapping when a map was found. Line 0 means
 * V8 knew no script for the frame (its pseudo-frames such as `(V8 API)`, or a `filename` statistic).
 */
export class Frame {
  readonly functionName: string;
  /** Absolute path, `node:…` for Node's own code, or `(…)` for V8's pseudo-frames. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** The npm package that owns `file`, `node:internal`, or the app's own package name. */
  readonly package: string;
  /** `file:line`, the `lineno` statistics key; kept to group without building strings. */
  readonly location: string;

  constructor(functionName: string, file: string, line: number, column: number, pkg: string) {
    this.functionName = functionName;
    this.file = file;
    this.line = line;
    this.column = column;
    this.package = pkg;
    this.location = `${file}:${line}`;
  }

  toString(): string {
    return this.location;
  }
}

/**
 * Stacks are shared prefix trees, as V8 builds them: a trace points at its newest frame's node and
 * walks `parent` for older frames, so 100 000 traces do not copy 100 000 frame arrays.
 */
export interface StackNode {
  readonly frame: Frame;
  readonly parent: StackNode | null;
  /** Frames from the root to this node, this one included. */
  readonly depth: number;
}

export function stackNode(frame: Frame, parent: StackNode | null): StackNode {
  return { frame, parent, depth: parent ? parent.depth + 1 : 1 };
}

/** How an estimate was sampled, and so how far it can be trusted. */
export interface TraceSampling {
  /** Buffer and ArrayBuffer contents (outside V8's heap), sampled by the external sampler. */
  external: boolean;
  /** Samples behind the estimate (0 where unknown, as in other tools' profiles). */
  samples: number;
  /** Half-width of the estimate's 95% interval, in bytes (±1.96σ from the samples). */
  uncertainty: number;
  /** External samples that were small Buffers in a shared pool slab (see pooledSlabBound). */
  pooledSamples: number;
}

const UNKNOWN_SAMPLING: TraceSampling = Object.freeze({ external: false, samples: 0, uncertainty: 0, pooledSamples: 0 });

/** Live (or, in allocated mode, allocated) sampled memory attributed to one stack. */
export class Trace implements TraceSampling {
  /** Estimated bytes. */
  readonly size: number;
  /** Estimated number of objects (see counting.ts for how). */
  readonly count: number;
  /** The newest frame's node. */
  readonly stack: StackNode;
  /** How many of the stack's newest frames belong to this trace (the traceback limit applied). */
  readonly depth: number;
  readonly external: boolean;
  readonly samples: number;
  readonly uncertainty: number;
  readonly pooledSamples: number;
  /**
   * The stack as sampled, before any frame filter hid frames, and its depth: later filter steps
   * start again from it, since whether a pass-through frame passes through depends on the frames
   * newer than it, which an earlier step may have hidden (see FrameFilter).
   */
  readonly recordedStack: StackNode;
  readonly recordedDepth: number;

  constructor(size: number, count: number, stack: StackNode, depth: number, sampling: TraceSampling = UNKNOWN_SAMPLING, recorded?: Trace) {
    this.size = size;
    this.count = count;
    this.stack = stack;
    this.depth = depth;
    this.external = sampling.external;
    this.samples = sampling.samples;
    this.uncertainty = sampling.uncertainty;
    this.pooledSamples = sampling.pooledSamples;
    this.recordedStack = recorded?.recordedStack ?? stack;
    this.recordedDepth = recorded?.recordedDepth ?? depth;
  }

  /** The same estimate on another stack (a filter hid some frames). */
  withStack(stack: StackNode, depth: number): Trace {
    return new Trace(this.size, this.count, stack, depth, this, this);
  }

  get newestFrame(): Frame {
    return this.stack.frame;
  }

  /** Oldest → newest, as tracemalloc's Traceback since Python 3.7. */
  get frames(): Frame[] {
    const frames = new Array<Frame>(this.depth);
    let node: StackNode | null = this.stack;
    for (let i = this.depth - 1; i >= 0 && node; i--, node = node.parent) frames[i] = node.frame;
    return frames;
  }
}
