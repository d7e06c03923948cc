import { randomBytes } from 'node:crypto';
import type * as net from 'node:net';
import { socketTransport } from '../../ca/server/server';
import { closeServer, listenOnInterfaces } from '../../ca/server/tcp-listener';
import type { PvProvider } from '../../database/pv';
import { silentLogger, type Logger } from '../../logger';
import { PvaBeaconEmitter } from './beacons';
import { readPvaServerEnvironment, type PvaServerEnvironment } from './environment';
import { PvaCircuit } from './pva-circuit';
import { PvaSearchResponder } from './search-responder';

export interface PvaServerOptions {
  provider: PvProvider;
  logger?: Logger;
  /** The EPICS environment to read (`process.env` by default). */
  env?: Record<string, string | undefined>;
  /** Overrides of what the environment says. */
  config?: Partial<PvaServerEnvironment>;
  /** Largest message a client may send; default 64 MiB. */
  maxPayloadSize?: number;
}

export interface PvaServerStatistics {
  /** Connected clients: PVA_CLNT_CNT. */
  clients: number;
  /** Channels over all clients: PVA_CONN_CNT. */
  channels: number;
  monitors: number;
  /** Bytes written to client sockets that the kernel has not taken yet. */
  queuedBytes: number;
}

export interface PvaServer {
  readonly tcpPort: number;
  readonly udpPort: number;
  readonly config: PvaServerEnvironment;
  statistics(): PvaServerStatistics;
  /** Tells every client its channels are gone, closes every connection and socket. */
  close(): Promise<void>;
}

const DEFAULT_MAX_PAYLOAD = 64 * 1024 * 1024;

/** Starts a pvAccess server: TCP connections, UDP search and beacons. */
export async function createPvaServer(options: PvaServerOptions): Promise<PvaServer> {
  const logger = (options.logger ?? silentLogger()).child({ protocol: 'pva' });
  const { config: fromEnv, warnings } = readPvaServerEnvironment(options.env ?? process.env);
  const config: PvaServerEnvironment = { ...fromEnv, ...options.config };
  for (const warning of warnings) logger.warn(warning);
  const guid = randomBytes(12);
  const circuits = new Set<PvaCircuit>();
  const sockets = new Set<net.Socket>();
  let tcpPort = 0;

  const onConnection = (socket: net.Socket) => {
    sockets.add(socket);
    const circuit = new PvaCircuit(socketTransport(socket), {
      provider: options.provider,
      guid,
      tcpPort,
      maxPayloadSize: options.maxPayloadSize ?? DEFAULT_MAX_PAYLOAD,
      logger,
      onClose: (closed) => {
        circuits.delete(closed);
        closed.logger.info({ clients: circuits.size }, 'pvAccess client disconnected');
      },
    });
    circuits.add(circuit);
    circuit.logger.info({ clients: circuits.size }, 'pvAccess client connected');
    socket.on('data', (chunk) => circuit.receive(chunk));
    socket.on('drain', () => circuit.drained());
    socket.on('error', (error) => circuit.logger.debug({ err: error }, 'socket error'));
    socket.on('close', () => {
      sockets.delete(socket);
      circuit.transportClosed();
    });
  };

  const listening = await listenOnInterfaces(config.interfaces, config.serverPort, onConnection);
  tcpPort = listening.port;
  if (listening.fellBack) logger.info({ configured: config.serverPort, port: tcpPort }, 'pvAccess TCP port in use; using an ephemeral port');
  const stopWatchingAccess = options.provider.subscribeAccessChanges?.(() => {
    for (const circuit of circuits) circuit.refreshAccessRights();
  });
  let search: PvaSearchResponder;
  try {
    search = await PvaSearchResponder.start({
      interfaces: config.interfaces,
      port: config.broadcastPort,
      guid,
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
  const beacons = new PvaBeaconEmitter({
    guid,
    destinations: config.beaconAddresses,
    autoDestinations: config.autoBeaconAddresses,
    broadcastPort: config.broadcastPort,
    interfaces: config.interfaces,
    tcpPort,
    periodSeconds: config.beaconPeriod,
    logger,
  });
  await beacons.start();
  logger.info({ tcpPort, udpPort: config.broadcastPort, interfaces: config.interfaces }, 'pvAccess server listening');

  let closing: Promise<void> | undefined;
  return {
    tcpPort,
    udpPort: config.broadcastPort,
    config,
    statistics() {
      let channels = 0;
      let monitors = 0;
      for (const circuit of circuits) {
        channels += circuit.channelCount;
        monitors += circuit.monitorCount;
      }
      let queuedBytes = 0;
      for (const socket of sockets) queuedBytes += socket.writableLength;
      return { clients: circuits.size, channels, monitors, queuedBytes };
    },
    close() {
      closing ??= (async () => {
        stopWatchingAccess?.();
        await beacons.close();
        await search.close();
        const serversClosed = Promise.all(listening.servers.map(closeServer));
        for (const circuit of [...circuits]) circuit.shutdown();
        // A client that never reads its socket must not hold shutdown up.
        const forced = setTimeout(() => sockets.forEach((socket) => socket.destroy()), 1000);
        await serversClosed;
        clearTimeout(forced);
        logger.info('pvAccess server closed');
      })();
      return closing;
    },
  };
}
