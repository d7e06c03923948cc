import type * as net from 'node:net';
import type { Logger } from '../logger';
import { LogLimiter } from './log-limiter';
import { socketTransport, type CircuitTransport } from './socket-transport';
import { closeServer, listenOnInterfaces } from './tcp-listener';

/** What the host needs of a circuit, CA's or pvAccess's. */
export interface HostedCircuit {
  readonly logger: Logger;
  readonly channelCount: number;
  readonly subscriptionCount: number;
  receive(chunk: Buffer): void;
  /** The socket can take more. */
  drained(): void;
  /** The socket closed, whoever closed it. */
  transportClosed(): void;
  /** Access rights may have changed: the circuit re-checks its channels'. */
  refreshAccessRights(): void;
  /** Server shutdown: tell the client, then close. */
  shutdown(): void;
}

export interface CircuitHostOptions<C extends HostedCircuit> {
  /** A circuit on a new connection; it must call `onClose` once, when it has closed. */
  open(transport: CircuitTransport, onClose: (circuit: C) => void): C;
  /** Where access rights come from: it says when they may have changed. */
  provider: { subscribeAccessChanges?(listener: () => void): () => void };
  /** For refused connections. */
  logger: Logger;
  /** The log lines of a client's arrival and departure; both carry the number of clients. */
  messages: { connected: string; disconnected: string };
  /** What the departure line says of the circuit besides. */
  disconnectFields?(circuit: C): Record<string, unknown>;
  /** Connections beyond this many circuits are closed at once. */
  maxCircuits?: number;
  /** When set, the kernel probes a connection idle this long. */
  keepAliveMs?: number;
}

export interface CircuitHostStatistics {
  clients: number;
  channels: number;
  subscriptions: number;
  /** Bytes written to client sockets that the kernel has not taken yet. */
  queuedBytes: number;
}

/**
 * The TCP side of a server, whatever its protocol: listens on every interface, opens a circuit on
 * each connection and keeps it until it closes, passes access changes on, and shuts all down.
 */
export class CircuitHost<C extends HostedCircuit> {
  private readonly connected = new Set<C>();
  private readonly sockets = new Set<net.Socket>();
  private readonly refusals: LogLimiter;
  private servers: net.Server[] = [];
  private listeningPort = 0;
  private stopWatchingAccess: (() => void) | undefined;

  constructor(private readonly options: CircuitHostOptions<C>) {
    this.refusals = new LogLimiter(options.logger);
  }

  /** The TCP port clients connect to; 0 until `listen` has returned. */
  get port(): number {
    return this.listeningPort;
  }

  get circuits(): ReadonlySet<C> {
    return this.connected;
  }

  /** Listens on `preferredPort`, or on an ephemeral port when another server holds it (`fellBack`). */
  async listen(interfaces: string[], preferredPort: number): Promise<{ fellBack: boolean }> {
    const listening = await listenOnInterfaces(interfaces, preferredPort, (socket) => this.accept(socket));
    this.servers = listening.servers;
    this.listeningPort = listening.port;
    this.stopWatchingAccess = this.options.provider.subscribeAccessChanges?.(() => {
      for (const circuit of this.connected) circuit.refreshAccessRights();
    });
    return { fellBack: listening.fellBack };
  }

  statistics(): CircuitHostStatistics {
    let channels = 0;
    let subscriptions = 0;
    for (const circuit of this.connected) {
      channels += circuit.channelCount;
      subscriptions += circuit.subscriptionCount;
    }
    let queuedBytes = 0;
    for (const socket of this.sockets) queuedBytes += socket.writableLength;
    return { clients: this.connected.size, channels, subscriptions, queuedBytes };
  }

  /** Stops listening and shuts every circuit down; resolves when every connection has closed. */
  async close(): Promise<void> {
    this.stopWatchingAccess?.();
    const serversClosed = Promise.all(this.servers.map(closeServer));
    for (const circuit of [...this.connected]) circuit.shutdown();
    // A client that never reads its socket must not hold shutdown up.
    const forced = setTimeout(() => this.sockets.forEach((socket) => socket.destroy()), 1000);
    await serversClosed;
    clearTimeout(forced);
  }

  private accept(socket: net.Socket): void {
    const { maxCircuits, keepAliveMs, messages } = this.options;
    if (maxCircuits !== undefined && this.connected.size >= maxCircuits) {
      // Nothing can be said to a client before its circuit exists: it sees the connection close, as from a full rsrv.
      this.refusals.warn({ client: `${socket.remoteAddress}:${socket.remotePort}`, maxCircuits }, 'too many circuits; connection closed');
      socket.destroy();
      return;
    }
    if (keepAliveMs !== undefined) socket.setKeepAlive(true, keepAliveMs);
    this.sockets.add(socket);
    const circuit = this.options.open(socketTransport(socket), (closed) => {
      this.connected.delete(closed);
      closed.logger.info({ ...this.options.disconnectFields?.(closed), clients: this.connected.size }, messages.disconnected);
    });
    this.connected.add(circuit);
    circuit.logger.info({ clients: this.connected.size }, messages.connected);
    socket.on('data', (chunk) => circuit.receive(chunk));
    socket.on('drain', () => circuit.drained());
    socket.on('error', (error) => circuit.logger.debug({ err: error }, 'socket error'));
    socket.on('close', () => {
      this.sockets.delete(socket);
      circuit.transportClosed();
    });
  }
}
