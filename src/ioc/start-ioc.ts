import { SHARE_ENV, Worker } from 'node:worker_threads';
import type { Database } from '../database';
import { createLogger, type Logger } from '../logger';
import { registerExternalSampler } from '../tracing';
import { ConfigError, resolveIocConfig, type IocConfig, type IocOptions } from './config/ioc-config';
import { compiledModule } from './compiled-module';
import { turnInliningOff } from './exact-frames';
import { startIocCore } from './ioc-core';
import { ProcessMetricsCollector } from './stats/metrics';
import { runDbCommand, type DbCommand } from './db-commands';
import type { ExitRequest } from './exit-subroutine';
import { fromWorkerError, WorkerRequests, type FromWorker, type ToWorker, type WorkerStart } from './worker-protocol';

export interface Ioc {
  /** The TCP port CA clients connect to; 0 when `protocols.ca` is off. */
  readonly tcpPort: number;
  /** The TCP port pvAccess clients connect to; 0 when `protocols.pva` is off. */
  readonly pvaTcpPort: number;
  readonly thread: IocConfig['thread'];
  /** In main-thread mode, the database, so the host can drive records of its own .db files. */
  readonly database: Database | undefined;
  /**
   * Re-reads the access security file (in the thread that serves CA) and puts its rules in force,
   * telling connected clients of changed access rights. Rejects, leaving the rules in force, if
   * the file is wrong or none is configured.
   */
  reloadAccessSecurity(): Promise<void>;
  /** iocsh's dbl, dbgf or dbpf on the running database, as a startup script runs them: what it prints. */
  runDbCommand(command: DbCommand): Promise<string>;
  /** Stops sampling, closes every circuit (clients get SERVER_DISCONN) and the sockets. */
  close(): Promise<void>;
}

export type StartIocOptions = IocOptions & {
  /** The host's logger, in main-thread mode; a worker logs through a logger of its own made from `logging`. */
  logger?: Logger;
  /**
   * `tracing.exactFrames`, where a host looks for it first: V8's inlining is turned off as this
   * call starts, so call startIoc before the service's code warms up (see README: Inlining).
   */
  exactFrames?: boolean;
};

/**
 * Serves this process's memory over CA: `await startIoc({ prefix: 'APP:' })` inside any Node
 * service. By default CA is served from a worker thread, which keeps answering while the host's
 * event loop is blocked; `thread: 'main'` serves it from the calling thread.
 */
export async function startIoc(options: StartIocOptions = {}): Promise<Ioc> {
  const { logger, exactFrames, ...settings } = options;
  const config = resolveIocConfig(settings, process.cwd(), 'startIoc options');
  if (exactFrames !== undefined && typeof exactFrames !== 'boolean') throw new ConfigError(`startIoc options: $.exactFrames: must be a boolean`);
  if (exactFrames !== undefined) config.tracing.exactFrames = exactFrames;
  return startConfiguredIoc(config, logger ?? createLogger(config.logging));
}

/**
 * The host's external sampler, reachable by the tracing engine wherever that runs. When tracing is
 * enabled from the start, it samples from here on, before the engine is even up: only code that
 * looks `Buffer.from` (or `Uint8Array`…) up after this is seen, so the earlier the better.
 */
function prepareExternalSampling(config: IocConfig, logger: Logger): () => void {
  const sampler = registerExternalSampler();
  const { enabled, externalSamplingInterval, mode } = config.tracing;
  if (!config.groups.memoryTracing.enabled || !enabled || externalSamplingInterval === 0) return () => undefined;
  try {
    sampler.start({ samplingInterval: externalSamplingInterval, keepCollected: mode === 'allocated' });
  } catch (error) {
    // The engine's start meets the same refusal and shows it in TraceStatus.
    logger.warn({ err: error }, 'external memory sampling cannot start');
  }
  return () => sampler.stop();
}

/**
 * Starts an IOC from a resolved configuration (the CLI's path). `requestExit` is what processing
 * softIoc's exit record does (the command stops); without it, that record refuses to exit.
 */
export async function startConfiguredIoc(config: IocConfig, logger: Logger, requestExit?: ExitRequest): Promise<Ioc> {
  // Before anything else runs hot: only code optimised from now on keeps its own frames.
  if (config.tracing.exactFrames) turnInliningOff();
  const stopEarlySampling = prepareExternalSampling(config, logger);
  const collector = new ProcessMetricsCollector({ periodSeconds: config.status.period });
  try {
    return config.thread === 'main'
      ? await startInThisThread(config, logger, collector, requestExit)
      : await startInWorker(config, logger, collector, requestExit);
  } catch (error) {
    stopEarlySampling();
    collector.stop();
    throw error;
  }
}

async function startInThisThread(config: IocConfig, logger: Logger, collector: ProcessMetricsCollector, requestExit: ExitRequest | undefined): Promise<Ioc> {
  const core = await startIocCore({ config, logger, observedThread: 'current', metrics: () => collector.latest(), requestExit });
  return {
    tcpPort: core.server?.tcpPort ?? 0,
    pvaTcpPort: core.pvaServer?.tcpPort ?? 0,
    thread: 'main',
    database: core.database,
    reloadAccessSecurity: () => core.accessSecurity.reload(),
    runDbCommand: (command) => runDbCommand(core.database, command),
    async close() {
      collector.stop();
      await core.close();
    },
  };
}

async function startInWorker(config: IocConfig, logger: Logger, collector: ProcessMetricsCollector, requestExit: ExitRequest | undefined): Promise<Ioc> {
  const workerData: WorkerStart = { config, metrics: collector.latest(), exitOnRequest: requestExit !== undefined };
  // One environment for the process, as EPICS has: a later epicsEnvSet (setenv) or a host's change
  // reaches the worker's getenv readers ("IOC env var"), which a worker's own copy would not.
  const worker = new Worker(compiledModule('ioc/worker-entry.js'), { workerData, env: SHARE_ENV });
  const post = (message: ToWorker) => worker.postMessage(message);
  const stopCollecting = () => collector.stop();
  worker.on('error', (error) => logger.error({ err: error }, 'CA worker failed'));
  worker.on('exit', stopCollecting);
  const started = await new Promise<Extract<FromWorker, { type: 'ready' }>>((resolve, reject) => {
    const onMessage = (message: FromWorker) => {
      if (message.type === 'ready') resolve(message);
      else if (message.type === 'failed') reject(fromWorkerError(message));
    };
    worker.on('message', onMessage);
    worker.once('exit', (code) => reject(new Error(`CA worker exited with code ${code} before it was ready`)));
  });
  // Host-thread figures (heap, GC, event loop) are measured here and handed to the worker's Node stats device support.
  const forward = setInterval(() => {
    post({ type: 'metrics', metrics: collector.latest() });
  }, config.status.period * 1000).unref();
  logger.info({ tcpPort: started.tcpPort, pvaTcpPort: started.pvaTcpPort, thread: 'worker' }, 'IOC started');
  const requests = new WorkerRequests(post);
  worker.on('message', (message: FromWorker) => {
    if (message.type === 'accessSecurityReloaded') requests.settle(message.id, undefined, message.error);
    else if (message.type === 'dbCommandDone') requests.settle(message.id, message.output, message.error);
    else if (message.type === 'exitRequested') requestExit?.(message.status);
  });
  worker.on('exit', () => requests.failAll(new Error('the CA worker has exited')));
  let closing: Promise<void> | undefined;
  return {
    tcpPort: started.tcpPort,
    pvaTcpPort: started.pvaTcpPort,
    thread: 'worker',
    database: undefined,
    reloadAccessSecurity: () => requests.send<void>((id) => ({ type: 'reloadAccessSecurity', id })),
    runDbCommand: (command) => requests.send<string>((id) => ({ type: 'dbCommand', id, command })),
    close() {
      closing ??= new Promise<void>((resolve) => {
        clearInterval(forward);
        collector.stop();
        const terminate = setTimeout(() => void worker.terminate(), 1500);
        worker.once('exit', () => {
          clearTimeout(terminate);
          resolve();
        });
        worker.on('message', (message: FromWorker) => {
          if (message.type === 'closed') void worker.terminate();
        });
        post({ type: 'close' });
      });
      return closing;
    },
  };
}
