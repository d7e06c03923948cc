import { SampleCounter } from './counting';
import { sampleProbability, uncertaintyOf } from './external/estimator';
import { type Frame, type StackNode, stackNode, Trace, type TraceSampling } from './frames';
import type { DumpedNodeExtras, ProfileNode, SamplingHeapProfile } from './protocol';

export interface AggregateOptions {
  /** The sampling interval the profile was taken with (needed to count objects). */
  samplingInterval: number;
  /** Newest frames kept per trace. */
  tracebackLimit: number;
  /** Keep only samples taken after this ordinal (sizes then come from the samples, not the nodes). */
  afterOrdinal?: number;
  frameOf: (node: ProfileNode) => Frame;
}

export interface Aggregation {
  traces: Trace[];
  /** The highest sample ordinal in the profile, -1 if it has none. */
  lastOrdinal: number;
}

/**
 * Turns a sampling heap profile into traces, one per profile node that holds sampled memory.
 *
 * Bytes are the node's `selfSize` (V8's own estimate, which rounds after summing the samples and so
 * is the least biased) unless samples are selected by ordinal, when they are the kept samples'
 * sizes. Counts come from the samples (see counting.ts); profiles without samples count 0.
 * This runs on every snapshot over up to ~10^5 nodes: typed arrays indexed by node, no per-sample
 * objects.
 */
export function aggregateProfile(profile: SamplingHeapProfile, options: AggregateOptions): Aggregation {
  const { nodes, stacks, maxId } = walkTree(profile.head, options.frameOf);
  const indexById = new Int32Array(maxId + 1).fill(-1);
  for (let i = 0; i < nodes.length; i++) indexById[nodes[i]!.id] = i;

  const samples = profile.samples ?? [];
  const selecting = options.afterOrdinal !== undefined;
  const afterOrdinal = options.afterOrdinal ?? -1;
  const counter = new SampleCounter(options.samplingInterval);
  const sampleSize = new Float64Array(nodes.length);
  const sampleCount = new Float64Array(nodes.length);
  const samplesAt = new Float64Array(nodes.length);
  const sampleVariances = new Float64Array(nodes.length);
  // The one size all of a node's samples reported, or NaN once they differ.
  const uniformSize = new Float64Array(nodes.length);
  let lastOrdinal = -1;
  for (const sample of samples) {
    if (sample.ordinal > lastOrdinal) lastOrdinal = sample.ordinal;
    if (sample.ordinal <= afterOrdinal) continue;
    const index = sample.nodeId <= maxId ? indexById[sample.nodeId]! : -1;
    if (index < 0) continue;
    sampleSize[index]! += sample.size;
    const objects = counter.count(sample.size);
    sampleCount[index]! += objects;
    // V8's sample size is already w = s × round(1/p): its variance is w²(1 − p), p for the object size s.
    if (objects > 0) sampleVariances[index]! += sample.size ** 2 * (1 - sampleProbability(sample.size / objects, options.samplingInterval));
    uniformSize[index] = samplesAt[index] === 0 || uniformSize[index] === sample.size ? sample.size : NaN;
    samplesAt[index]! += 1;
  }

  const traces: Trace[] = [];
  for (let i = 0; i < nodes.length; i++) {
    const stack = stacks[i];
    if (!stack) continue;
    const node = nodes[i]!;
    let size: number;
    let count: number;
    let sampling: TraceSampling = { external: false, samples: samplesAt[i]!, uncertainty: uncertaintyOf(sampleVariances[i]!), pooledSamples: 0 };
    if (node.memtrace) {
      size = node.selfSize;
      count = node.memtrace.count;
      sampling = dumpedSampling(node.memtrace, size, options.samplingInterval);
    } else if (selecting) {
      size = sampleSize[i]!;
      count = sampleCount[i]!;
    } else {
      size = node.selfSize;
      count = Number.isNaN(uniformSize[i]) || samplesAt[i] === 0 ? sampleCount[i]! : counter.countForNode(uniformSize[i]!, samplesAt[i]!, node.selfSize);
    }
    if (size > 0) traces.push(new Trace(size, count, stack, Math.min(stack.depth, options.tracebackLimit), sampling));
  }
  return { traces, lastOrdinal };
}

/**
 * A dumped node's sampling, as the dump recorded it. Dumps from before these fields existed get the
 * uncertainty of small objects at this interval (σ² ≈ bytes × interval), which is the largest.
 */
function dumpedSampling(extras: DumpedNodeExtras, size: number, interval: number): TraceSampling {
  return {
    external: extras.external ?? false,
    samples: extras.samples ?? 0,
    uncertainty: extras.uncertainty ?? uncertaintyOf(size * interval),
    pooledSamples: extras.pooledSamples ?? 0,
  };
}

/** Depth-first over the tree without recursion (V8 stacks go 128 deep, bundles deeper in nodes). */
function walkTree(head: ProfileNode, frameOf: (node: ProfileNode) => Frame) {
  const nodes: ProfileNode[] = [];
  const stacks: (StackNode | null)[] = [];
  const pendingNodes: ProfileNode[] = [head];
  const pendingParents: (StackNode | null)[] = [null];
  let maxId = 0;
  while (pendingNodes.length > 0) {
    const node = pendingNodes.pop() as ProfileNode;
    const parent = pendingParents.pop() as StackNode | null;
    // The head is V8's "(root)": it stands for no function, so it adds no frame.
    const stack = node === head ? null : stackNode(frameOf(node), parent);
    nodes.push(node);
    stacks.push(stack);
    if (node.id > maxId) maxId = node.id;
    for (const child of node.children) {
      pendingNodes.push(child);
      pendingParents.push(stack);
    }
  }
  return { nodes, stacks, maxId };
}

/** Estimated bytes of the whole profile: the sum of every node's selfSize. */
export function totalSize(profile: SamplingHeapProfile): number {
  let total = 0;
  const pending = [profile.head];
  while (pending.length > 0) {
    const node = pending.pop() as ProfileNode;
    total += node.selfSize;
    for (const child of node.children) pending.push(child);
  }
  return total;
}
