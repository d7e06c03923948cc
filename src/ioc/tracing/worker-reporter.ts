import { Worker } from 'node:worker_threads';
import { compiledModule } from '../compiled-module';
import { fromWorkerError } from '../worker-protocol';
import type { DumpTarget, ReportOptions, SamplingSettings, TraceReport, TraceReporter } from './trace-reporter';
import type { TraceAnswer, TraceCall, TraceRequest, TraceResult } from './trace-worker-protocol';

interface Pending {
  resolve(result: TraceResult): void;
  reject(error: Error): void;
}

/**
 * The engine in a worker of its own that observes this thread. The worker starts with the first
 * start() and lives until close(): a worker's inspector session on the main thread is never
 * disconnected while the process runs (see the tracing engine's sampler.ts).
 */
export class WorkerTraceReporter implements TraceReporter {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private lastId = 0;
  private sampling = false;
  /**
   * Why the worker ended while sampling. Until the next start or stop, reports fail with it, so
   * the group shows the failure (and its alarm) instead of falling silent.
   */
  private lostWith: Error | undefined;

  get tracing(): boolean {
    return this.sampling;
  }

  async start(settings: SamplingSettings): Promise<void> {
    this.lostWith = undefined;
    await this.call({ call: 'start', settings });
    this.sampling = true;
  }

  async stop(): Promise<void> {
    this.sampling = false;
    this.lostWith = undefined;
    if (!this.worker) return;
    await this.call({ call: 'stop' });
  }

  report(options: ReportOptions): Promise<TraceReport> {
    return this.lostWith ? Promise.reject(this.lostWith) : (this.call({ call: 'report', options }) as Promise<TraceReport>);
  }

  dump(target: DumpTarget): Promise<Date> {
    return this.lostWith ? Promise.reject(this.lostWith) : (this.call({ call: 'dump', target }) as Promise<Date>);
  }

  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    await this.stop().catch(() => undefined);
    this.worker = undefined;
    await worker.terminate();
  }

  private call(call: TraceCall): Promise<TraceResult> {
    const worker = (this.worker ??= this.spawn());
    const id = ++this.lastId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...call, id } satisfies TraceRequest);
    });
  }

  private spawn(): Worker {
    const worker = new Worker(compiledModule('ioc/tracing/trace-worker.js'));
    worker.on('message', (answer: TraceAnswer) => {
      const pending = this.pending.get(answer.id);
      this.pending.delete(answer.id);
      if ('error' in answer) pending?.reject(fromWorkerError(answer.error));
      else pending?.resolve(answer.result);
    });
    const lost = (error: Error) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      if (this.sampling) this.lostWith = error;
      for (const pending of this.pending.values()) pending.reject(error);
      this.pending.clear();
    };
    worker.on('error', (error) => lost(new Error(`the tracing worker failed: ${error.message}`, { cause: error })));
    worker.on('exit', (code) => lost(new Error(`the tracing worker exited with code ${code}`)));
    return worker;
  }
}
