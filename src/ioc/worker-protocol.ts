import type { IocConfig } from './config/ioc-config';
import type { ProcessMetrics } from './stats/metrics';

// Messages between the host's thread and the worker that serves CA.

export interface WorkerStart {
  config: IocConfig;
}

export type ToWorker = { type: 'metrics'; metrics: ProcessMetrics } | { type: 'close' };

export type FromWorker =
  | { type: 'ready'; tcpPort: number; udpPort: number }
  | { type: 'failed'; message: string; name: string }
  | { type: 'closed' };
