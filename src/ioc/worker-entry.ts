// The CA server's thread when an IOC runs in a worker: it keeps answering while the host's event
// loop is blocked, and traces the host's main thread through the inspector.
import { parentPort, workerData } from 'node:worker_threads';
import { createLogger } from '../logger';
import { runDbCommand } from './db-commands';
import { startIocCore, type IocCore } from './ioc-core';
import type { ProcessMetrics } from './stats/metrics';
import { toWorkerError, type FromWorker, type ToWorker, type WorkerStart } from './worker-protocol';

const port = parentPort!;
const { config, metrics, exitOnRequest } = workerData as WorkerStart;
const logger = createLogger(config.logging).child({ thread: 'ca-worker' });
let latestMetrics: ProcessMetrics = metrics;
let core: IocCore | undefined;
const send = (message: FromWorker) => port.postMessage(message);

port.on('message', (message: ToWorker) => {
  if (message.type === 'metrics') {
    latestMetrics = message.metrics;
    return;
  }
  if (message.type === 'reloadAccessSecurity') {
    const { id } = message;
    if (!core) return send({ type: 'accessSecurityReloaded', id, error: { name: 'Error', message: 'the IOC has not started' } });
    core.accessSecurity.reload().then(
      () => send({ type: 'accessSecurityReloaded', id }),
      (error: unknown) => send({ type: 'accessSecurityReloaded', id, error: toWorkerError(error) }),
    );
    return;
  }
  if (message.type === 'dbCommand') {
    const { id } = message;
    if (!core) return send({ type: 'dbCommandDone', id, output: '', error: { name: 'Error', message: 'the IOC has not started' } });
    runDbCommand(core.database, message.command).then(
      (output) => send({ type: 'dbCommandDone', id, output }),
      (error: unknown) => send({ type: 'dbCommandDone', id, output: '', error: toWorkerError(error) }),
    );
    return;
  }
  void (async () => {
    await core?.close();
    send({ type: 'closed' });
    port.close();
  })();
});

const requestExit = exitOnRequest ? (status: number) => send({ type: 'exitRequested', status }) : undefined;
startIocCore({ config, logger, observedThread: 'main', metrics: () => latestMetrics, requestExit }).then(
  (started) => {
    core = started;
    send({
      type: 'ready',
      tcpPort: started.server?.tcpPort ?? 0,
      udpPort: started.server?.udpPort ?? 0,
      pvaTcpPort: started.pvaServer?.tcpPort ?? 0,
    });
  },
  (error: unknown) => {
    send({ type: 'failed', ...toWorkerError(error) });
    port.close();
  },
);
