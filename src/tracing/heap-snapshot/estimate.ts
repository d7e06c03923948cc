import { formatSize } from '../format';

/**
 * What a heap snapshot will cost, fitted to measurements on Node 20 (BENCHMARKS.md, "Heap
 * snapshots"): cost grows with the number of objects, not with their bytes. These are upper
 * figures, taken on a loaded 2-core machine; a quiet one pauses about half as long.
 */
export const SNAPSHOT_COST = {
  /** Fixed part of the pause, s. */
  pauseSeconds: 0.1,
  /** Pause per node, s. */
  pauseSecondsPerNode: 10e-6,
  /** Extra RSS of the snapshotted process at its peak: fixed part and per node, bytes. */
  extraMemoryBytes: 32 * 1024 * 1024,
  extraMemoryBytesPerNode: 900,
  /** File size per node, bytes. */
  fileBytesPerNode: 80,
  /**
   * Heap bytes per node when no snapshot of this process has been seen: heaps of small objects
   * measured 39.6–43 B per node, the densest case and so the costliest per heap byte.
   */
  heapBytesPerNode: 40,
} as const;

export interface SnapshotEstimate {
  usedHeapBytes: number;
  nodes: number;
  pauseSeconds: number;
  extraMemoryBytes: number;
  fileBytes: number;
}

/**
 * Estimates a snapshot's cost from the observed isolate's used heap. The object count is the used
 * heap over `heapBytesPerNode`: pass the figure of this process's last snapshot when there is one.
 */
export function estimateSnapshotCost(usedHeapBytes: number, heapBytesPerNode: number = SNAPSHOT_COST.heapBytesPerNode): SnapshotEstimate {
  const nodes = Math.ceil(usedHeapBytes / heapBytesPerNode);
  return {
    usedHeapBytes,
    nodes,
    pauseSeconds: SNAPSHOT_COST.pauseSeconds + nodes * SNAPSHOT_COST.pauseSecondsPerNode,
    extraMemoryBytes: SNAPSHOT_COST.extraMemoryBytes + nodes * SNAPSHOT_COST.extraMemoryBytesPerNode,
    fileBytes: nodes * SNAPSHOT_COST.fileBytesPerNode,
  };
}

export interface SnapshotLimits {
  maxPauseSeconds: number;
  maxExtraMemoryBytes: number;
  /** Free disk to leave in the dump directory once the file is written. */
  minFreeDiskBytes: number;
}

export interface Resources {
  freeDiskBytes: number;
  freeMemoryBytes: number;
}

/** The reasons to refuse a snapshot, empty when it may go ahead. */
export function refusals(estimate: SnapshotEstimate, limits: SnapshotLimits, resources: Resources): string[] {
  const reasons: string[] = [];
  if (estimate.pauseSeconds > limits.maxPauseSeconds)
    reasons.push(`pause ~${estimate.pauseSeconds.toFixed(1)} s > maxPauseSeconds ${limits.maxPauseSeconds} s`);
  if (estimate.extraMemoryBytes > limits.maxExtraMemoryBytes) {
    reasons.push(`extra memory ~${formatSize(estimate.extraMemoryBytes)} > maxExtraMemoryBytes ${formatSize(limits.maxExtraMemoryBytes)}`);
  }
  if (estimate.extraMemoryBytes > resources.freeMemoryBytes)
    reasons.push(`extra memory ~${formatSize(estimate.extraMemoryBytes)} > free memory ${formatSize(resources.freeMemoryBytes)}`);
  if (resources.freeDiskBytes - estimate.fileBytes < limits.minFreeDiskBytes) {
    reasons.push(
      `file ~${formatSize(estimate.fileBytes)} would leave ${formatSize(Math.max(0, resources.freeDiskBytes - estimate.fileBytes))} free < minFreeDiskBytes ${formatSize(limits.minFreeDiskBytes)}`,
    );
  }
  return reasons;
}

/** "used heap 25.0 MiB ≈ 640000 objects" */
export function describeEstimate(estimate: SnapshotEstimate): string {
  return `used heap ${formatSize(estimate.usedHeapBytes)} ≈ ${estimate.nodes} objects: pause ~${estimate.pauseSeconds.toFixed(1)} s, extra memory ~${formatSize(estimate.extraMemoryBytes)}, file ~${formatSize(estimate.fileBytes)}`;
}
