import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';
import type { Database, RecordHandle } from '../../database';
import { AlarmSeverity, AlarmStatus } from '../../database/pv';
import type { Logger } from '../../logger';
import { formatSize } from '../../tracing/format';
import * as heap from '../../tracing/heap-snapshot';
import type { ObservedThread } from '../../tracing';
import type { HeapSnapshotConfig } from '../config/ioc-config';
import { fitText } from './text-waveform';

export interface HeapSnapshotGroupOptions {
  database: Database;
  prefix: string;
  settings: HeapSnapshotConfig;
  dumpDirectory: string;
  logger: Logger;
}

export interface HeapSnapshotGroup {
  /** Waits for a snapshot under way, and ends its analysis process. */
  close(): Promise<void>;
}

/** Analyses kept for TraceRetainerGrowth, oldest dropped first. */
const GROWTH_HISTORY = 10;

/**
 * TraceHeapSnapshot and its lists: a heap snapshot of the traced isolate on demand, within the
 * configured guard rails, analysed in a child process. The traced isolate is the host's main
 * thread: observed from this worker, or this very thread when the IOC runs on the main thread.
 */
export function createHeapSnapshotGroup(options: HeapSnapshotGroupOptions): HeapSnapshotGroup {
  const { database, prefix, settings, dumpDirectory, logger } = options;
  const log = logger.child({ group: 'heapSnapshot' });
  const thread: ObservedThread = isMainThread ? 'current' : 'main';
  const array = (name: string) => database.record(prefix + name, 'array');
  const records = {
    take: database.record(prefix + 'TraceHeapSnapshot', 'number'),
    file: database.record(prefix + 'TraceHeapSnapshotFile', 'string'),
    status: database.record(prefix + 'TraceHeapSnapshotStatus', 'string'),
    top: array('TraceTopRetainers'),
    topBytes: array('TraceTopRetainersBytes'),
    summary: array('TraceHeapSummary'),
    summaryBytes: array('TraceHeapSummaryBytes'),
    growth: array('TraceRetainerGrowth'),
    growthBytes: array('TraceRetainerGrowthBytes'),
  };
  const capacity = (handle: RecordHandle) => Number(handle.field('NELM'));
  // Defined values with NO_ALARM before the first snapshot, as every other PV of the group has.
  const NONE_YET = 'no heap snapshot taken yet';
  records.status.set(`idle: ${NONE_YET}`);
  records.take.set(0);
  records.file.set('');
  for (const text of [records.top, records.summary, records.growth]) text.set(NONE_YET);
  for (const bytes of [records.topBytes, records.summaryBytes, records.growthBytes]) bytes.set([]);

  const history: heap.RetainerColumns[] = [];
  /** Heap bytes per snapshot node in this process's last snapshot: sharpens the next estimate. */
  let heapBytesPerNode: number | undefined;
  let running: Promise<void> | undefined;
  let analysis: heap.RunningAnalysis | undefined;
  let closed = false;

  const status = (text: string, severity: number = AlarmSeverity.NO_ALARM) => {
    const alarm = severity === AlarmSeverity.NO_ALARM ? {} : { severity, status: AlarmStatus.SOFT, message: text };
    records.status.set(text, alarm);
  };
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

  /** The estimate, and why the snapshot is refused if it is. */
  const check = async (): Promise<{ estimate: heap.SnapshotEstimate; refused?: string }> => {
    const usage = await heap.observedHeapUsage(thread);
    const estimate = heap.estimateSnapshotCost(usage.usedSize, heapBytesPerNode);
    const disk = await fs.promises.statfs(dumpDirectory);
    const reasons = heap.refusals(estimate, settings, { freeDiskBytes: disk.bavail * disk.bsize, freeMemoryBytes: os.freemem() });
    if (reasons.length === 0) return { estimate };
    if (!settings.force) return { estimate, refused: `${reasons.join('; ')} (${heap.describeEstimate(estimate)})` };
    log.warn({ reasons }, 'heap snapshot over its limits, taken as tracing.heapSnapshot.force is set');
    return { estimate };
  };

  const takeAndAnalyse = async () => {
    const began = performance.now();
    await fs.promises.mkdir(dumpDirectory, { recursive: true });
    const { estimate, refused } = await check();
    if (refused) {
      status(`refused: ${refused}`, AlarmSeverity.MINOR);
      log.warn({ refused }, 'heap snapshot refused');
      return;
    }
    status(`writing (${heap.describeEstimate(estimate)})`);
    const file = path.join(dumpDirectory, `heap-${new Date().toISOString().replace(/[:.]/g, '-')}.heapsnapshot`);
    const written = await heap.writeHeapSnapshot(file, thread);
    records.file.set(file);
    log.info({ file, bytes: written.bytes, durationMs: Math.round(written.durationMs), estimate }, 'heap snapshot written');
    const wrote = `written in ${seconds(written.durationMs)} (${heap.describeEstimate(estimate)}; file ${written.bytes} bytes)`;
    const analysisBegan = performance.now();
    analysis = heap.analyseOutOfProcess(file, { maxMemoryBytes: settings.analysisMaxMemoryBytes, count: settings.count, root: process.cwd() });
    status(`analysing in process ${analysis.child.pid}; ${wrote}`);
    let result: heap.HeapAnalysis;
    try {
      result = await analysis.result;
    } catch (error) {
      throw new Error(`${(error as Error).message}; ${wrote}, the file is complete`, { cause: error });
    } finally {
      analysis = undefined;
    }
    heapBytesPerNode = estimate.usedHeapBytes / result.nodeCount;
    publish(result);
    const peak = result.peakMemoryBytes === undefined ? '' : ` (peak ${formatSize(result.peakMemoryBytes)})`;
    status(`done in ${seconds(performance.now() - began)}: ${wrote}, analysed in ${seconds(performance.now() - analysisBegan)}${peak}, ${result.nodeCount} objects`);
    log.info({ file, nodes: result.nodeCount, analysisMs: Math.round(performance.now() - analysisBegan) }, 'heap snapshot analysed');
  };

  const publish = (result: heap.HeapAnalysis) => {
    const count = settings.count;
    records.top.set(fitText(heap.formatTopRetainers(result), capacity(records.top)));
    records.topBytes.set(Float64Array.from(result.topRetainers.retainedBytes.slice(0, capacity(records.topBytes))));
    records.summary.set(fitText(heap.formatHeapSummary(result, count), capacity(records.summary)));
    records.summaryBytes.set(Float64Array.from(result.summary.retainedBytes.slice(0, Math.min(count, capacity(records.summaryBytes)))));
    history.push(result.growthCandidates);
    if (history.length > GROWTH_HISTORY) history.shift();
    const growth = heap.retainerGrowth(history);
    records.growth.set(fitText(heap.formatRetainerGrowth(growth, history.length, count), capacity(records.growth)));
    records.growthBytes.set(Float64Array.from(growth.growthBytes.slice(0, Math.min(count, capacity(records.growthBytes)))));
  };

  records.take.onWrite((value) => {
    if (value !== 1) return undefined;
    if (closed) return 'TraceHeapSnapshot: the IOC is closing';
    if (running) return 'TraceHeapSnapshot: a heap snapshot is already being taken or analysed; one at a time';
    running = new Promise<void>((resolve) => setImmediate(resolve))
      .then(takeAndAnalyse)
      .catch((error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        log.error({ err: error }, 'heap snapshot failed');
        status(`error: ${message}`, AlarmSeverity.MAJOR);
      })
      .finally(() => {
        running = undefined;
        records.take.set(0);
      });
    return undefined;
  });

  return {
    async close() {
      closed = true;
      analysis?.child.kill('SIGKILL');
      await running;
    },
  };
}
