import type { Session } from 'node:inspector';
import { isMainThread } from 'node:worker_threads';
import { TracingConflictError, TracingError } from './errors';
import type { SamplingHeapProfile } from './protocol';

/**
 * Which isolate to sample: the calling thread's own, or (from a worker) the main thread's, so a
 * worker does the aggregation and formatting while the main thread only pays for V8's part.
 */
export type ObservedThread = 'current' | 'main';

export interface SamplerSettings {
  samplingInterval: number;
  /** Keep samples of objects the GC freed: "what was allocated", not "what is live". */
  includeCollected: boolean;
}

type Post = (method: string, params: object | undefined, callback: (error: Error | null, result: unknown) => void) => void;

const NOT_STARTED = 'V8 sampling heap profiler was not started';

/**
 * A worker's session on the main thread is opened once and never disconnected: on Node 20,
 * disconnecting a `connectToMainThread` session aborts the process now and then (several runs in
 * a hundred here) as the worker or process exits. Left connected it costs nothing: it holds no
 * handle open and ends with the worker.
 */
let mainThreadSession: Session | null = null;
let mainThreadSessionConnected = false;

/**
 * V8's sampling heap profiler, driven through an inspector session. It is stopped with
 * `HeapProfiler.disable`, which stops this session's sampler without `stopSampling`'s forced GC
 * and profile building.
 *
 * Facts it designs around: one sampler per isolate, shared by every inspector client, and the
 * protocol does not refuse a second `startSampling` (it silently reconfigures the first client's
 * sampler, whose next `stopSampling` then stops both); `getSamplingProfile` forces a full GC and
 * answers from the observed thread, interrupting it if it is busy in JavaScript.
 */
export class HeapSampler {
  private readonly session: Session;
  /** Answers from another thread arrive asynchronously and hold nothing open by themselves. */
  private readonly remote: boolean;
  private settings: SamplerSettings | null = null;
  private pending = 0;
  private keepAlive: NodeJS.Timeout | null = null;

  private constructor(session: Session, remote: boolean) {
    this.session = session;
    this.remote = remote;
  }

  static async connect(thread: ObservedThread): Promise<HeapSampler> {
    let inspector: typeof import('node:inspector');
    try {
      inspector = await import('node:inspector');
    } catch (error) {
      throw new TracingError('heap tracing needs node:inspector, which this Node build does not have', { cause: error });
    }
    const remote = thread === 'main' && !isMainThread;
    try {
      if (remote) {
        mainThreadSession ??= new inspector.Session();
        if (!mainThreadSessionConnected) mainThreadSession.connectToMainThread();
        mainThreadSessionConnected = true;
        return new HeapSampler(mainThreadSession, true);
      }
      const session = new inspector.Session();
      session.connect();
      return new HeapSampler(session, false);
    } catch (error) {
      throw new TracingError(`cannot open an inspector session: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Starts sampling, refusing to take over a sampler another client runs. */
  async start(settings: SamplerSettings): Promise<void> {
    if (await this.samplerRunning()) {
      throw new TracingConflictError(
        "cannot start heap tracing: V8's sampling heap profiler is already running in this isolate " +
          '(node --heap-prof, an attached debugger or DevTools recording allocations, or another tracer). ' +
          'Only one can run per isolate: stop the other one first.',
      );
    }
    try {
      await this.post('HeapProfiler.startSampling', {
        samplingInterval: settings.samplingInterval,
        includeObjectsCollectedByMajorGC: settings.includeCollected,
        includeObjectsCollectedByMinorGC: settings.includeCollected,
      });
    } catch (error) {
      throw new TracingError(`cannot start heap tracing: ${(error as Error).message}`, { cause: error });
    }
    this.settings = settings;
  }

  /** Drops every sample by restarting V8's sampler with the same settings. */
  async restart(): Promise<void> {
    const settings = this.requireSettings();
    await this.post('HeapProfiler.disable');
    await this.post('HeapProfiler.startSampling', {
      samplingInterval: settings.samplingInterval,
      includeObjectsCollectedByMajorGC: settings.includeCollected,
      includeObjectsCollectedByMinorGC: settings.includeCollected,
    });
  }

  /** The current profile (after V8's forced full GC). */
  async profile(): Promise<SamplingHeapProfile> {
    this.requireSettings();
    try {
      const { profile } = (await this.post('HeapProfiler.getSamplingProfile')) as { profile: SamplingHeapProfile };
      return profile;
    } catch (error) {
      return this.rethrowLost(error as Error);
    }
  }

  /** The observed isolate's heap, in bytes. */
  async heapUsage(): Promise<{ usedSize: number; totalSize: number }> {
    return (await this.post('Runtime.getHeapUsage')) as { usedSize: number; totalSize: number };
  }

  /**
   * Evaluates `expression` in the observed isolate and returns its value. From a worker it runs on
   * the main thread by interrupt, as getSamplingProfile does, even while that thread is busy.
   */
  async evaluate(expression: string): Promise<unknown> {
    const { result, exceptionDetails } = (await this.post('Runtime.evaluate', { expression, returnByValue: true, silent: true })) as {
      result: { value?: unknown };
      exceptionDetails?: { text: string; exception?: { description?: string } };
    };
    if (exceptionDetails) throw new TracingError(`cannot reach the observed thread: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
    return result.value;
  }

  /** Stops sampling if it still runs and closes the session (not the shared one of a worker); never throws. */
  async close(): Promise<void> {
    if (this.settings) {
      this.settings = null;
      await this.post('HeapProfiler.disable').catch(() => undefined);
    }
    if (!this.remote) this.session.disconnect();
    this.releaseKeepAlive();
  }

  private async samplerRunning(): Promise<boolean> {
    try {
      // Succeeds only while some client's sampler runs; otherwise fails at once, without a GC.
      await this.post('HeapProfiler.getSamplingProfile');
      return true;
    } catch {
      return false;
    }
  }

  private requireSettings(): SamplerSettings {
    if (!this.settings) throw new TracingError('heap tracing is not started');
    return this.settings;
  }

  private rethrowLost(error: Error): never {
    if (error.message.includes(NOT_STARTED)) {
      throw new TracingError(
        'the heap sampler is no longer running: another inspector client (a debugger, DevTools) stopped it. ' + 'Call stop() and start() again.',
        { cause: error },
      );
    }
    throw new TracingError(`heap tracing failed: ${error.message}`, { cause: error });
  }

  private post(method: string, params?: object): Promise<unknown> {
    return new Promise((resolve, reject) => {
      // A worker waiting only for the main thread's answer would otherwise exit before it arrives.
      if (this.remote && this.pending++ === 0) this.keepAlive = setInterval(() => undefined, 1 << 30);
      const settle = (error: Error | null, result?: unknown) => {
        if (this.remote && --this.pending === 0) this.releaseKeepAlive();
        if (error) reject(error);
        else resolve(result);
      };
      try {
        (this.session.post as Post).call(this.session, method, params, settle);
      } catch (error) {
        settle(error as Error);
      }
    });
  }

  private releaseKeepAlive(): void {
    if (this.keepAlive) clearInterval(this.keepAlive);
    this.keepAlive = null;
  }
}
