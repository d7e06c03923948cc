import { Frame, type StackNode, type Trace } from './frames';
import { FrameResolver } from './frame-resolver';
import { filterFromJSON, type FilterDescriptor } from './filters';
import { aggregateProfile } from './profile';
import type { DumpedNodeExtras, DumpedSnapshotExtras, ProfileNode, SamplingHeapProfile } from './protocol';
import type { Snapshot, SnapshotInit } from './snapshot';
import { TracingError } from './errors';

/** Chrome's and the inspector's default interval, assumed for profiles that do not say theirs. */
export const PROTOCOL_DEFAULT_INTERVAL = 32768;

export interface LoadOptions {
  /** For profiles of other tools, which do not record it (node --heap-prof uses 524288). */
  samplingInterval?: number;
  /** For profiles of other tools: newest frames to keep per trace (default: all). */
  tracebackLimit?: number;
  /** For profiles of other tools: when it was taken (default: the file's modification time). */
  takenAt?: Date;
}

/**
 * The snapshot as a sampling heap profile tree: one node per distinct stack prefix, the trace's
 * bytes as the leaf's selfSize, one sample per leaf so tools that sum samples agree. Call frames
 * carry the resolved (source-mapped) locations; counts and packages ride in `memtrace` keys, which
 * DevTools and speedscope ignore.
 */
export function snapshotToHeapProfile(snapshot: Snapshot): SamplingHeapProfile {
  const head: ProfileNode = {
    callFrame: { functionName: '(root)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 },
    selfSize: 0,
    id: 1,
    children: [],
  };
  const nodeOf = new Map<StackNode, ProfileNode>();
  const childrenByKey = new Map<ProfileNode, Map<string, ProfileNode>>();
  let nextId = 2;

  // External memory gets leaves of its own, so it never merges with the V8-heap leaf of its stack.
  const childOf = (parent: ProfileNode, frame: Frame, external = false): ProfileNode => {
    let children = childrenByKey.get(parent);
    if (!children) childrenByKey.set(parent, (children = new Map<string, ProfileNode>()));
    const key = `${frame.location}\n${frame.column}\n${frame.functionName}\n${frame.package}${external ? '\nexternal' : ''}`;
    let child = children.get(key);
    if (!child) {
      child = {
        callFrame: { functionName: frame.functionName, scriptId: '0', url: frame.file, lineNumber: frame.line - 1, columnNumber: frame.column - 1 },
        selfSize: 0,
        id: nextId++,
        children: [],
        memtrace: { count: 0, package: frame.package, ...(external ? { external } : {}) },
      };
      parent.children.push(child);
      children.set(key, child);
    }
    return child;
  };
  // A trace's node is its truncated stack's path from the root; shared prefixes resolve once.
  const nodeFor = (stack: StackNode, depth: number): ProfileNode => {
    if (depth === stack.depth) {
      const known = nodeOf.get(stack);
      if (known) return known;
    }
    const parent = depth > 1 && stack.parent ? nodeFor(stack.parent, depth - 1) : head;
    const node = childOf(parent, stack.frame);
    if (depth === stack.depth) nodeOf.set(stack, node);
    return node;
  };

  const externalLeaf = (trace: Trace): ProfileNode =>
    childOf(trace.depth > 1 && trace.stack.parent ? nodeFor(trace.stack.parent, trace.depth - 1) : head, trace.stack.frame, true);

  const leaves = new Set<ProfileNode>();
  for (const trace of snapshot.traces) {
    const leaf = trace.external ? externalLeaf(trace) : nodeFor(trace.stack, trace.depth);
    leaf.selfSize += trace.size;
    const extras = leaf.memtrace as DumpedNodeExtras;
    extras.count += trace.count;
    extras.samples = (extras.samples ?? 0) + trace.samples;
    extras.uncertainty = Math.hypot(extras.uncertainty ?? 0, trace.uncertainty);
    extras.pooledSamples = (extras.pooledSamples ?? 0) + trace.pooledSamples;
    leaves.add(leaf);
  }
  let ordinal = 0;
  const samples = [...leaves].map((leaf) => ({ size: leaf.selfSize, nodeId: leaf.id, ordinal: ++ordinal }));
  const memtrace: DumpedSnapshotExtras = {
    format: 1,
    samplingInterval: snapshot.samplingInterval,
    tracebackLimit: snapshot.tracebackLimit,
    takenAt: snapshot.takenAt.toISOString(),
    mode: snapshot.mode,
    heap: snapshot.heap,
    filters: snapshot.filters.map((filter) => filter.toJSON()),
    external: snapshot.external,
  };
  return { head, samples, memtrace };
}

export function heapProfileToSnapshot(profile: SamplingHeapProfile, options: LoadOptions & { takenAt: Date }): SnapshotInit {
  // The profile is parsed JSON: its type says what it should be, and this check is what proves it.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- see above
  if (!profile || typeof profile !== 'object' || !profile.head || !Array.isArray(profile.head.children)) {
    throw new TracingError('not a sampling heap profile: expected a JSON object with a "head" node');
  }
  const extras = profile.memtrace;
  if (extras) {
    // Our own dump: locations are already resolved, sizes and counts are per node.
    const { traces } = aggregateProfile(profile, {
      samplingInterval: extras.samplingInterval,
      tracebackLimit: extras.tracebackLimit,
      frameOf: (node) => dumpedFrame(node),
    });
    return {
      traces,
      tracebackLimit: extras.tracebackLimit,
      takenAt: new Date(extras.takenAt),
      heap: extras.heap,
      samplingInterval: extras.samplingInterval,
      mode: extras.mode,
      filters: extras.filters.map((descriptor) => filterFromJSON(descriptor as FilterDescriptor)),
      external: extras.external ?? null,
    };
  }
  const samplingInterval = options.samplingInterval ?? PROTOCOL_DEFAULT_INTERVAL;
  const frames = new FrameResolver();
  const { traces } = aggregateProfile(profile, {
    samplingInterval,
    tracebackLimit: options.tracebackLimit ?? Number.MAX_SAFE_INTEGER,
    frameOf: (node) => frames.resolve(node.callFrame),
  });
  const deepest = traces.reduce((depth, trace) => Math.max(depth, trace.depth), 0);
  return { traces, tracebackLimit: options.tracebackLimit ?? deepest, takenAt: options.takenAt, heap: null, samplingInterval, mode: 'live' };
}

function dumpedFrame(node: ProfileNode): Frame {
  const { functionName, url, lineNumber, columnNumber } = node.callFrame;
  return new Frame(functionName, url, Math.max(0, lineNumber + 1), Math.max(0, columnNumber + 1), node.memtrace?.package ?? '');
}
