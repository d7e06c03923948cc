import type * as net from 'node:net';
import type { PvProvider } from '../../database/pv';
import { silentLogger, type Logger } from '../../logger';
import { BeaconEmitter } from './beacons';
import { Circuit, type CircuitTransport } from './circuit';
import { readServerEnvironment, type CaServerEnvironment } from './environment';
import { DEFAULT_CA_LIMITS, type CaLimits } from './limits';
import { LogLimiter } from './log-limiter';
import { SearchResponder } from './search-responder';
import { closeServer, listenOnInterfaces } from './tcp-listener';

export interface CaServerOptions {
  /** The PVs this server serves. */
  provider: PvProvider;
  logger?: Logger;
  /** The EPICS environment to read (`process.env` by default). */
  env?: Record<string, string | undefined>;
  /** Overrides of what the environment says. */
  config?: Partial<CaServerEnvironment>;
  /** What clients may make the server hold; DEFAULT_CA_LIMITS where left out. */
  limits?: Partial<CaLimits>;
}

export interface CaServerStatistics {
  /** Connected clients (circuits): devIocStats' CA_CLNT_CNT. */
  clients: number;
  /** Channels over all circuits: devIocStats' CA_CONN_CNT. */
  channels: number;
  subscriptions: number;
  /** Bytes written to client sockets that the kernel has not taken yet. */
  queuedBytes: number;
}

export interface CaServer {
  /** The TCP port clients connect to (the configured one, or an ephemeral one if that was taken). */
  readonly tcpPort: number;
  /** The UDP port searches are answered on. */
  readonly udpPort: number;
  readonly config: CaServerEnvironment;
  statistics(): CaServerStatistics;
  /** Sends SERVER_DISCONN to every client, closes every circuit and socket. */
  close(): Promise<void>;
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

/** Starts a Channel Access server: TCP circuits, UDP name search and beacons. */
export async function createCaServer(options: CaServerOptions): Promise<CaServer> {
  const logger = options.logger ?? silentLogger();
  const { config: fromEnv, warnings } = readServerEnvironment(options.env ?? process.env);
  const config: CaServerEnvironment = { ...fromEnv, ...options.config };
  for (const warning of warnings) logger.warn(warning);
  const limits: CaLimits = { ...DEFAULT_CA_LIMITS, ...options.limits };
  const refusals = new LogLimiter(logger);
  const circuits = new Set<Circuit>();
  const sockets = new Set<net.Socket>();
  let tcpPort = 0;

  const onConnection = (socket: net.Socket) => {
    if (circuits.size >= limits.maxCircuits) {
      // No CA error can be sent before a circuit exists: the client sees the connection close, as from a full rsrv.
      refusals.warn({ client: `${socket.remoteAddress}:${socket.remotePort}`, maxCircuits: limits.maxCircuits }, 'too many circuits; connection closed');
      socket.destroy();
      return;
    }
    // As rsrv: the kernel finds peers that vanished without closing while nothing is being sent.
    socket.setKeepAlive(true, limits.inactivity * 1000);
    sockets.add(socket);
    const circuit = new Circuit(socketTransport(socket), {
      provider: options.provider,
      tcpPort,
      limits,
      logger,
      onClose: (closed) => {
        circuits.delete(closed);
        closed.logger.info(
          { user: closed.identity.user, host: closed.identity.host, clients: circuits.size },
          'client disconnected',
        );
      },
    });
    circuits.add(circuit);
    circuit.logger.info({ clients: circuits.size }, 'client connected');
    socket.on('data', (chunk) => circuit.receive(chunk));
    socket.on('drain', () => circuit.drained());
    socket.on('error', (error) => circuit.logger.debug({ err: error }, 'socket error'));
    socket.on('close', () => {
      sockets.delete(socket);
      circuit.transportClosed();
    });
  };

  const listening = await listenOnInterfaces(config.interfaces, config.serverPort, onConnection);
  const stopWatchingAccess = options.provider.subscribeAccessChanges?.(() => {
    for (const circuit of circuits) circuit.refreshAccessRights();
  });
  tcpPort = listening.port;
  if (listening.fellBack) {
    logger.info({ configured: config.serverPort, port: tcpPort }, 'TCP port in use by another server; using an ephemeral port');
  }
  let search: SearchResponder;
  try {
    search = await SearchResponder.start({
      interfaces: config.interfaces,
      port: config.serverPort,
      tcpPort: () => tcpPort,
      serves: (name) => options.provider.find(name) !== undefined,
      ignoreAddresses: config.ignoreAddresses,
      logger,
    });
  } catch (error) {
    stopWatchingAccess?.();
    await Promise.all(listening.servers.map(closeServer));
    throw error;
  }
  const beacons = new BeaconEmitter({
    destinations: config.beaconAddresses,
    autoDestinations: config.autoBeaconAddresses,
    beaconPort: config.beaconPort,
    interfaces: config.interfaces,
    tcpPort,
    periodSeconds: config.beaconPeriod,
    logger,
  });
  await beacons.start();
  const livenessSweep = setInterval(() => {
    const now = Date.now();
    for (const circuit of circuits) circuit.checkLiveness(now);
  }, Math.min(limits.inactivity, limits.echoTimeout) * 250);
  livenessSweep.unref();
  logger.info({ tcpPort, udpPort: config.serverPort, interfaces: config.interfaces }, 'CA server listening');

  let closing: Promise<void> | undefined;
  return {
    tcpPort,
    udpPort: config.serverPort,
    config,
    statistics() {
      let channels = 0;
      let subscriptions = 0;
      for (const circuit of circuits) {
        channels += circuit.channelCount;
        subscriptions += circuit.subscriptionCount;
      }
      let queuedBytes = 0;
      for (const socket of sockets) queuedBytes += socket.writableLength;
      return { clients: circuits.size, channels, subscriptions, queuedBytes };
    },
    close() {
      closing ??= (async () => {
        stopWatchingAccess?.();
        clearInterval(livenessSweep);
        await beacons.close();
        await search.close();
        const serversClosed = Promise.all(listening.servers.map(closeServer));
        for (const circuit of [...circuits]) circuit.shutdown();
        // A client that never reads its socket must not hold shutdown up.
        const forced = setTimeout(() => sockets.forEach((socket) => socket.destroy()), 1000);
        await serversClosed;
        clearTimeout(forced);
        logger.info('CA server closed');
      })();
      return closing;
    },
  };
}
