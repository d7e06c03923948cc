import type * as net from 'node:net';
import type { ClientIdentity } from '../database/pv';
import type { Logger } from '../logger';
import type { ServerLimits } from './limits';
import { LogLimiter } from './log-limiter';
import { socketTransport, type CircuitTransport } from './socket-transport';
import { closeServer, listenOnInterfaces } from './tcp-listener';

/** What the host needs of a circuit, CA's or pvAccess's. */
export interface HostedCircuit {
  readonly logger: Logger;
  readonly identity: ClientIdentity;
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
  /** Probes a silent client, and closes the circuit of one that has gone. */
  checkLiveness(now: number): void;
}

export interface CircuitHostOptions<C extends HostedCircuit> {
  /** A circuit on a new connection; it must call `onClose` once, when it has closed. */
  open(transport: CircuitTransport, onClose: () => void): C;
  /** Where access rights come from: it says when they may have changed. */
  provider: { subscribeAccessChanges?(listener: () => void): () => void };
  /** For refused connections, and the summary of clients. */
  logger: Logger;
  /** The number of circuits, and when a silent client is probed and closed. */
  limits: Pick<ServerLimits, 'maxCircuits' | 'inactivity' | 'echoTimeout'>;
}

export interface CircuitHostStatistics {
  clients: number;
  channels: number;
  subscriptions: number;
  /** Bytes written to client sockets that the kernel has not taken yet. */
  queuedBytes: number;
}

/** How often the summary of clients is logged, when anything changed. */
const SUMMARY_PERIOD_MS = 60_000;

/** What the last summary said, to tell whether anything changed since. */
interface Summary {
  clients: number;
  channels: number;
  bytesReceived: number;
  bytesSent: number;
  arrivals: number;
  departures: number;
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
  private readonly timers: NodeJS.Timeout[] = [];
  /** Bytes of sockets that have closed, so that the totals survive them. */
  private closedBytes = { received: 0, sent: 0 };
  private arrivals = 0;
  private departures = 0;
  private lastSummary: Summary = { clients: 0, channels: 0, bytesReceived: 0, bytesSent: 0, arrivals: 0, departures: 0 };

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
    const { inactivity, echoTimeout } = this.options.limits;
    this.every(Math.min(inactivity, echoTimeout) * 250, () => {
      const now = Date.now();
      for (const circuit of this.connected) circuit.checkLiveness(now);
    });
    this.every(SUMMARY_PERIOD_MS, () => this.logSummary());
    return { fellBack: listening.fellBack };
  }

  private every(periodMs: number, task: () => void): void {
    const timer = setInterval(task, periodMs);
    timer.unref();
    this.timers.push(timer);
  }

  /** Bytes received from and sent to clients since the server started. */
  traffic(): { bytesReceived: number; bytesSent: number } {
    let { received, sent } = this.closedBytes;
    for (const socket of this.sockets) {
      received += socket.bytesRead;
      sent += socket.bytesWritten;
    }
    return { bytesReceived: received, bytesSent: sent };
  }

  /**
   * One INFO line a period when anything changed, instead of one per arrival and departure: a
   * site's log server must not be flooded at archiver rates, yet still sees who is served.
   */
  logSummary(): void {
    const { clients, channels } = this.statistics();
    const summary: Summary = { clients, channels, ...this.traffic(), arrivals: this.arrivals, departures: this.departures };
    const last = this.lastSummary;
    if (Object.keys(summary).every((key) => summary[key as keyof Summary] === last[key as keyof Summary])) return;
    this.lastSummary = summary;
    this.options.logger.info(
      {
        clients,
        channels,
        connected: summary.arrivals - last.arrivals,
        disconnected: summary.departures - last.departures,
        bytesReceived: summary.bytesReceived - last.bytesReceived,
        bytesSent: summary.bytesSent - last.bytesSent,
      },
      'clients',
    );
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
    for (const timer of this.timers) clearInterval(timer);
    const serversClosed = Promise.all(this.servers.map(closeServer));
    for (const circuit of [...this.connected]) circuit.shutdown();
    // A client that never reads its socket must not hold shutdown up.
    const forced = setTimeout(() => this.sockets.forEach((socket) => socket.destroy()), 1000);
    await serversClosed;
    clearTimeout(forced);
  }

  private accept(socket: net.Socket): void {
    const { maxCircuits, inactivity } = this.options.limits;
    if (this.connected.size >= maxCircuits) {
      // Nothing can be said to a client before its circuit exists: it sees the connection close, as from a full rsrv.
      this.refusals.warn({ client: `${socket.remoteAddress}:${socket.remotePort}`, maxCircuits }, 'too many circuits; connection closed');
      socket.destroy();
      return;
    }
    // As rsrv: the kernel finds peers that vanished without closing while nothing is being sent.
    socket.setKeepAlive(true, inactivity * 1000);
    this.sockets.add(socket);
    this.arrivals++;
    const circuit = this.options.open(socketTransport(socket), () => {
      this.connected.delete(circuit);
      this.departures++;
      const { user, host } = circuit.identity;
      circuit.logger.debug({ user, host, clients: this.connected.size }, 'client disconnected');
    });
    this.connected.add(circuit);
    circuit.logger.debug({ clients: this.connected.size }, 'client connected');
    socket.on('data', (chunk) => circuit.receive(chunk));
    socket.on('drain', () => circuit.drained());
    socket.on('error', (error) => circuit.logger.debug({ err: error }, 'socket error'));
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.closedBytes.received += socket.bytesRead;
      this.closedBytes.sent += socket.bytesWritten;
      circuit.transportClosed();
    });
  }
}
