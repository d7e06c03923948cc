// The analysis process: parses a .heapsnapshot and analyses it with its own heap and memory limit,
// away from the process that was snapshotted, and reports over IPC.
import { analyseHeapSnapshot, type AnalysisOptions } from './analysis';
import { readHeapSnapshot } from './reader';

export interface AnalysisRequest {
  file: string;
  options: AnalysisOptions;
  /** Resident memory above which the analysis gives up (typed arrays live outside the V8 heap limit). */
  maxMemoryBytes: number;
}

export type AnalysisReply = { type: 'done'; analysis: import('./analysis').HeapAnalysis } | { type: 'failed'; message: string };

function checkMemory(maxMemoryBytes: number, phase: string): void {
  const rss = process.memoryUsage.rss();
  if (rss > maxMemoryBytes) throw new Error(`the analysis needs more than its limit of ${maxMemoryBytes} bytes (${rss} after ${phase})`);
}

async function analyse(request: AnalysisRequest): Promise<AnalysisReply> {
  const raw = await readHeapSnapshot(request.file);
  checkMemory(request.maxMemoryBytes, 'reading');
  const analysis = analyseHeapSnapshot(raw, request.options);
  checkMemory(request.maxMemoryBytes, 'analysing');
  return { type: 'done', analysis: { ...analysis, peakMemoryBytes: process.resourceUsage().maxRSS * 1024 } };
}

process.once('message', (request: AnalysisRequest) => {
  analyse(request)
    .catch((error: unknown): AnalysisReply => ({ type: 'failed', message: error instanceof Error ? error.message : String(error) }))
    .then((reply) => process.send!(reply, () => process.disconnect()))
    // Without an IPC channel there is no one to answer: stderr is what the parent keeps of a dead child.
    .catch((error: unknown) => {
      process.stderr.write(`the analysis could not be sent: ${String(error)}\n`);
      process.exitCode = 1;
    });
});
