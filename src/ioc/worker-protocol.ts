import type { IocConfig } from './config/ioc-config';
import type { DbCommand } from './db-commands';
import type { ProcessMetrics } from './stats/metrics';

// Messages between the host's thread and the worker that serves CA.

export interface WorkerStart {
  config: IocConfig;
  /** The host thread's first snapshot, so that the worker's Node stats records have one at start. */
  metrics: ProcessMetrics;
  /** Whether the host stops when the "exit" subroutine asks (the worker then posts exitRequested). */
  exitOnRequest: boolean;
}

export type ToWorker =
  | { type: 'metrics'; metrics: ProcessMetrics }
  | { type: 'reloadAccessSecurity'; id: number }
  | { type: 'dbCommand'; id: number; command: DbCommand }
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
  | { type: 'dbCommandDone'; id: number; output: string; error?: WorkerError }
  | { type: 'exitRequested'; status: number }
  | { type: 'closed' };

export function toWorkerError(error: unknown): WorkerError {
  return error instanceof Error ? { message: error.message, name: error.name } : { message: String(error), name: 'Error' };
}

export function fromWorkerError(error: WorkerError): Error {
  return Object.assign(new Error(error.message), { name: error.name });
}

/** Requests to the worker awaiting its answer, by id; all refused once it has exited. */
export class WorkerRequests {
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private lastId = 0;
  private exited: Error | undefined;

  constructor(private readonly post: (message: ToWorker) => void) {}

  send<T>(message: (id: number) => ToWorker): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.exited) return reject(this.exited);
      const id = ++this.lastId;
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.post(message(id));
    });
  }

  settle(id: number, value: unknown, error: WorkerError | undefined): void {
    const pending = this.pending.get(id);
    this.pending.delete(id);
    if (error) pending?.reject(fromWorkerError(error));
    else pending?.resolve(value);
  }

  failAll(error: Error): void {
    this.exited = error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}
