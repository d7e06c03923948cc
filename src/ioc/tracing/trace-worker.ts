// The tracing engine's thread when the IOC serves CA from the host's main thread: it observes the
// main thread, which then pays only for V8's part of each snapshot.
import { parentPort } from 'node:worker_threads';
import { toWorkerError } from '../worker-protocol';
import { EngineTraceReporter } from './engine-reporter';
import type { TraceAnswer, TraceRequest, TraceResult } from './trace-worker-protocol';

const port = parentPort!;
const reporter = new EngineTraceReporter('main');

function answer(request: TraceRequest): Promise<TraceResult> {
  switch (request.call) {
    case 'start':
      return reporter.start(request.settings);
    case 'stop':
      return reporter.stop();
    case 'report':
      return reporter.report(request.options);
    case 'dump':
      return reporter.dump(request.target);
  }
}

// One at a time, in order, as the group asks.
let queue: Promise<void> = Promise.resolve();
port.on('message', (request: TraceRequest) => {
  queue = queue.then(() =>
    answer(request).then(
      (result) => port.postMessage({ id: request.id, result } satisfies TraceAnswer),
      (error: unknown) => port.postMessage({ id: request.id, error: toWorkerError(error) } satisfies TraceAnswer),
    ),
  );
});
