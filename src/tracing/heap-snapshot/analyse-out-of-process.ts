import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TracingError } from '../errors';
import type { AnalysisOptions, HeapAnalysis } from './analysis';
import type { AnalysisReply, AnalysisRequest } from './analysis-child';

export interface OutOfProcessOptions extends AnalysisOptions {
  /** The child's memory: its V8 heap limit is half of it, the rest is for the typed arrays. */
  maxMemoryBytes: number;
}

export interface RunningAnalysis {
  /** The analysis process, e.g. for its pid. */
  readonly child: ChildProcess;
  readonly result: Promise<HeapAnalysis>;
}

/** The compiled child module: beside this file when compiled, else in dist/ (tests run the sources). */
function childModule(): string {
  const beside = path.join(__dirname, 'analysis-child.js');
  if (fs.existsSync(beside)) return beside;
  const built = path.resolve(__dirname, '..', '..', '..', 'dist', 'tracing', 'heap-snapshot', 'analysis-child.js');
  if (fs.existsSync(built)) return built;
  throw new TracingError('the compiled package has no tracing/heap-snapshot/analysis-child.js: run `npm run build`');
}

const STDERR_KEPT = 4096;

/**
 * Analyses a snapshot file in a child process of low priority with a memory limit of its own: the
 * caller's process is unaffected if the child runs out of memory or is killed, and learns why.
 */
export function analyseOutOfProcess(file: string, options: OutOfProcessOptions): RunningAnalysis {
  const { maxMemoryBytes, ...analysisOptions } = options;
  const heapMegabytes = Math.max(64, Math.floor(maxMemoryBytes / 2 / 2 ** 20));
  const child = fork(childModule(), [], { execArgv: [`--max-old-space-size=${heapMegabytes}`], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  try {
    os.setPriority(child.pid!, 19);
  } catch {
    // Not allowed here (or the child already ended): it still runs, at normal priority.
  }
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-STDERR_KEPT)));
  const result = new Promise<HeapAnalysis>((resolve, reject) => {
    let reply: AnalysisReply | undefined;
    child.on('message', (message: AnalysisReply) => (reply = message));
    child.on('error', (error) => reject(new TracingError(`the analysis process failed: ${error.message}`, { cause: error })));
    child.on('close', (code, signal) => {
      if (reply?.type === 'done') return resolve(reply.analysis);
      if (reply?.type === 'failed') return reject(new TracingError(`analysis failed: ${reply.message}`));
      if (/heap out of memory|Reached heap limit/.test(stderr))
        return reject(new TracingError(`the analysis process ran out of memory (heap limit ${heapMegabytes} MB)`));
      reject(new TracingError(signal ? `the analysis process was killed by ${signal}` : `the analysis process exited with code ${code}`));
    });
  });
  const request: AnalysisRequest = { file, options: analysisOptions, maxMemoryBytes };
  child.send(request);
  return { child, result };
}
