import type { IocConfig } from './config/ioc-config';
import type { ProcessMetrics } from './stats/metrics';

// Messages between the host's thread and the worker that serves CA.

export interface WorkerStart {
  config: IocConfig;
  /** The host thread's first snapshot, so that the worker's Node stats records have one at start. */
  metrics: ProcessMetrics;
}

export type ToWorker =
  | { type: 'metrics'; metrics: ProcessMetrics }
  | { type: 'reloadAccessSecurity'; id: number }
  | { type: 'close' };

/** An error crossing threads: its class is lost, its name and message are kept. */
export interface WorkerError {
  message: string;
  name: string;
}

export type FromWorker =
  | { type: 'ready'; tcpPort: number; udpPort: number; pvaTcpPort: number }
  | ({ type: 'failed' } & WorkerError)
  | { type: 'accessSecurityReloaded'; id: number; error?: WorkerError }
  | { type: 'closed' };

export function toWorkerError(error: unknown): WorkerError {
  return error instanceof Error ? { message: error.message, name: error.name } : { message: String(error), name: 'Error' };
}

export function fromWorkerError(error: WorkerError): Error {
  return Object.assign(new Error(error.message), { name: error.name });
}
