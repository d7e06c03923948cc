import type { WorkerError } from '../worker-protocol';
import type { DumpTarget, ReportOptions, SamplingSettings, TraceReport } from './trace-reporter';

// Messages between a WorkerTraceReporter and its worker: one request, one answer, matched by id.

export type TraceCall =
  { call: 'start'; settings: SamplingSettings } | { call: 'stop' } | { call: 'report'; options: ReportOptions } | { call: 'dump'; target: DumpTarget };

export type TraceRequest = TraceCall & { id: number };

export type TraceResult = TraceReport | Date | void;

export type TraceAnswer = { id: number } & ({ result: TraceResult } | { error: WorkerError });
