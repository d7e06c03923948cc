import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';
import { AlarmSeverity, AlarmStatus } from '../../../database/pv';
import type { Logger } from '../../../logger';
import { formatSize } from '../../../tracing/format';
import * as heap from '../../../tracing/heap-snapshot';
import type { ObservedThread } from '../../../tracing';
import type { HeapSnapshotConfig } from '../../config/ioc-config';
import { Reading } from '../reading';
import { GROWTH_TABLE_COLUMNS, RETAINER_TABLE_COLUMNS, SUMMARY_TABLE_COLUMNS } from './heap-snapshot-tables';
import { rankedRows, ResultTables } from './result-tables';
import { DriverSetting } from './setting';

export interface HeapSnapshotDriverOptions {
  settings: HeapSnapshotConfig;
  /** The dump directory resolved at start, where snapshots are written. */
  dumpDirectory: () => string;
  logger: Logger;
}

/** Analyses kept for TraceRetainerGrowth, oldest dropped first. */
const GROWTH_HISTORY = 10;
/** What the results say before the first snapshot: defined values with NO_ALARM, as every result of the group. */
const NONE_YET = 'no heap snapshot taken yet';

/**
 * TraceHeapSnapshot and its results: a heap snapshot of the traced isolate on demand, within the
 * configured guard rails, analysed in a child process. The traced isolate is the host's main
 * thread: observed from this worker, or this very thread when the IOC runs on the main thread.
 */
export class HeapSnapshotDriver {
  readonly take: DriverSetting<number>;
  readonly file = new Reading('');
  readonly status = new Reading(`idle: ${NONE_YET}`);
  readonly topRetainers = new Reading(NONE_YET);
  readonly topRetainersBytes = new Reading([]);
  readonly summary = new Reading(NONE_YET);
  readonly summaryBytes = new Reading([]);
  readonly growth = new Reading(NONE_YET);
  readonly growthBytes = new Reading([]);
  /** The three lists as NTTables, which their text records name with info(Q:table, NAME). */
  readonly topRetainersTables = new ResultTables(RETAINER_TABLE_COLUMNS);
  readonly summaryTables = new ResultTables(SUMMARY_TABLE_COLUMNS);
  readonly growthTables = new ResultTables(GROWTH_TABLE_COLUMNS);

  private readonly settings: HeapSnapshotConfig;
  private readonly dumpDirectory: () => string;
  private readonly log: Logger;
  private readonly thread: ObservedThread = isMainThread ? 'current' : 'main';
  private readonly history: heap.RetainerColumns[] = [];
  /** Heap bytes per snapshot node in this process's last snapshot: sharpens the next estimate. */
  private heapBytesPerNode: number | undefined;
  private running: Promise<void> | undefined;
  private analysis: heap.RunningAnalysis | undefined;
  private closed = false;

  constructor(options: HeapSnapshotDriverOptions) {
    this.settings = options.settings;
    this.dumpDirectory = options.dumpDirectory;
    this.log = options.logger.child({ group: 'heapSnapshot' });
    this.take = new DriverSetting<number>(0, {
      refusal: (value) => {
        if (value !== 1) return undefined;
        if (this.closed) return 'TraceHeapSnapshot: the IOC is closing';
        if (this.running) return 'TraceHeapSnapshot: a heap snapshot is already being taken or analysed; one at a time';
        return undefined;
      },
      apply: (value) => {
        if (value === 1) this.begin();
      },
    });
  }

  /** Waits for a snapshot under way, and ends its analysis process. */
  async close(): Promise<void> {
    this.closed = true;
    this.analysis?.child.kill('SIGKILL');
    await this.running;
  }

  private begin(): void {
    this.running = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.takeAndAnalyse())
      .catch((error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        this.log.error({ err: error }, 'heap snapshot failed');
        this.showStatus(`error: ${message}`, AlarmSeverity.MAJOR);
      })
      .finally(() => {
        this.running = undefined;
        this.take.show(0);
      });
  }

  private showStatus(text: string, severity: number = AlarmSeverity.NO_ALARM): void {
    const alarm = severity === AlarmSeverity.NO_ALARM ? undefined : { severity, status: AlarmStatus.SOFT, message: text };
    this.status.post(text, { timeStamp: new Date(), ...(alarm ? { alarm } : {}) });
  }

  /** The estimate, and why the snapshot is refused if it is. */
  private async check(): Promise<{ estimate: heap.SnapshotEstimate; refused?: string }> {
    const usage = await heap.observedHeapUsage(this.thread);
    const estimate = heap.estimateSnapshotCost(usage.usedSize, this.heapBytesPerNode);
    const disk = await fs.promises.statfs(this.dumpDirectory());
    const reasons = heap.refusals(estimate, this.settings, { freeDiskBytes: disk.bavail * disk.bsize, freeMemoryBytes: os.freemem() });
    if (reasons.length === 0) return { estimate };
    if (!this.settings.force) return { estimate, refused: `${reasons.join('; ')} (${heap.describeEstimate(estimate)})` };
    this.log.warn({ reasons }, 'heap snapshot over its limits, taken as tracing.heapSnapshot.force is set');
    return { estimate };
  }

  private async takeAndAnalyse(): Promise<void> {
    const began = performance.now();
    const directory = this.dumpDirectory();
    await fs.promises.mkdir(directory, { recursive: true });
    const { estimate, refused } = await this.check();
    if (refused) {
      this.showStatus(`refused: ${refused}`, AlarmSeverity.MINOR);
      this.log.warn({ refused }, 'heap snapshot refused');
      return;
    }
    this.showStatus(`writing (${heap.describeEstimate(estimate)})`);
    // Heap snapshot files are named by the IOC, never by a client.
    const file = path.join(directory, `heap-${new Date().toISOString().replace(/[:.]/g, '-')}.heapsnapshot`);
    const written = await heap.writeHeapSnapshot(file, this.thread);
    this.file.post(file, { timeStamp: new Date() });
    this.log.info({ file, bytes: written.bytes, durationMs: Math.round(written.durationMs), estimate }, 'heap snapshot written');
    const wrote = `written in ${seconds(written.durationMs)} (${heap.describeEstimate(estimate)}; file ${written.bytes} bytes)`;
    const analysisBegan = performance.now();
    this.analysis = heap.analyseOutOfProcess(file, { maxMemoryBytes: this.settings.analysisMaxMemoryBytes, count: this.settings.count, root: process.cwd() });
    this.showStatus(`analysing in process ${this.analysis.child.pid}; ${wrote}`);
    let result: heap.HeapAnalysis;
    try {
      result = await this.analysis.result;
    } catch (error) {
      throw new Error(`${(error as Error).message}; ${wrote}, the file is complete`, { cause: error });
    } finally {
      this.analysis = undefined;
    }
    this.heapBytesPerNode = estimate.usedHeapBytes / result.nodeCount;
    this.publish(result);
    const peak = result.peakMemoryBytes === undefined ? '' : ` (peak ${formatSize(result.peakMemoryBytes)})`;
    this.showStatus(
      `done in ${seconds(performance.now() - began)}: ${wrote}, analysed in ${seconds(performance.now() - analysisBegan)}${peak}, ${result.nodeCount} objects`,
    );
    this.log.info({ file, nodes: result.nodeCount, analysisMs: Math.round(performance.now() - analysisBegan) }, 'heap snapshot analysed');
  }

  private publish(result: heap.HeapAnalysis): void {
    const { count } = this.settings;
    const stamp = { timeStamp: new Date() };
    this.topRetainers.post(heap.formatTopRetainers(result), stamp);
    this.topRetainersBytes.post(result.topRetainers.retainedBytes, stamp);
    this.topRetainersTables.post(rankedRows(RETAINER_TABLE_COLUMNS, result.topRetainers, count), stamp.timeStamp);
    this.summary.post(heap.formatHeapSummary(result, count), stamp);
    this.summaryBytes.post(result.summary.retainedBytes.slice(0, count), stamp);
    this.summaryTables.post(rankedRows(SUMMARY_TABLE_COLUMNS, result.summary, count), stamp.timeStamp);
    this.history.push(result.growthCandidates);
    if (this.history.length > GROWTH_HISTORY) this.history.shift();
    const growth = heap.retainerGrowth(this.history);
    this.growth.post(heap.formatRetainerGrowth(growth, this.history.length, count), stamp);
    this.growthBytes.post(growth.growthBytes.slice(0, count), stamp);
    this.growthTables.post(rankedRows(GROWTH_TABLE_COLUMNS, growth, count), stamp.timeStamp);
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
