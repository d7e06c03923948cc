import type * as net from 'node:net';

/** The socket as a circuit needs it; the TCP adapter provides it, tests may too. */
export interface CircuitTransport {
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** false when the kernel buffer is full: wait for `drained()` before writing more updates. */
  write(data: Buffer): boolean;
  pause(): void;
  resume(): void;
  /** Closes after what was written has gone out. */
  end(): void;
  destroy(): void;
}

/** A TCP socket as a circuit (CA or pvAccess) uses it. */
export function socketTransport(socket: net.Socket): CircuitTransport {
  return {
    remoteAddress: socket.remoteAddress ?? '?',
    remotePort: socket.remotePort ?? 0,
    write: (data) => socket.write(data),
    pause: () => socket.pause(),
    resume: () => socket.resume(),
    end: () => socket.end(),
    destroy: () => socket.destroy(),
  };
}
