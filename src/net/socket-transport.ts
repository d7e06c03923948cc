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

/** What of a TCP socket a transport uses; a server's warm-up gives a sink of this shape. */
export type TransportSocket = Pick<net.Socket, 'remoteAddress' | 'remotePort'> & {
  write(data: Buffer): boolean;
  pause(): unknown;
  resume(): unknown;
  end(): unknown;
  destroy(): unknown;
};

/**
 * A TCP socket as a circuit (CA or pvAccess) uses it. The socket's methods are bound here, once per
 * connection: a circuit's hot path then calls a function rather than a method of whatever kind of
 * socket it holds (a net.Socket, a server warm-up's sink), so that the code V8 compiled while the
 * server warmed up is not thrown away when the first real socket arrives.
 */
export function socketTransport(socket: TransportSocket): CircuitTransport {
  const write = socket.write.bind(socket);
  const pause = socket.pause.bind(socket);
  const resume = socket.resume.bind(socket);
  const end = socket.end.bind(socket);
  const destroy = socket.destroy.bind(socket);
  return {
    remoteAddress: socket.remoteAddress ?? '?',
    remotePort: socket.remotePort ?? 0,
    write: (data) => write(data),
    pause: () => void pause(),
    resume: () => void resume(),
    end: () => void end(),
    destroy: () => void destroy(),
  };
}
