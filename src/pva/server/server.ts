import { randomBytes } from 'node:crypto';
import type { PvProvider } from '../../database/pv';
import { silentLogger, type Logger } from '../../logger';
import { CircuitHost } from '../../net/circuit-host';
import { guardProvider } from '../../net/guarded-provider';
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
  // Every call into the user's PVs goes through the guard: a throw answers one client, never ends the process.
  const provider = guardProvider(options.provider, logger);
  const guid = randomBytes(12);
  const tcp: CircuitHost<PvaCircuit> = new CircuitHost({
    open: (transport, onClose) =>
      new PvaCircuit(transport, {
        provider,
        guid,
        tcpPort: tcp.port,
        maxPayloadSize: options.maxPayloadSize ?? DEFAULT_MAX_PAYLOAD,
        logger,
        onClose,
      }),
    provider,
    logger,
    messages: { connected: 'pvAccess client connected', disconnected: 'pvAccess client disconnected' },
  });
  const { fellBack } = await tcp.listen(config.interfaces, config.serverPort);
  const tcpPort = tcp.port;
  if (fellBack) logger.info({ configured: config.serverPort, port: tcpPort }, 'pvAccess TCP port in use; using an ephemeral port');
  let search: PvaSearchResponder;
  try {
    search = await PvaSearchResponder.start({
      interfaces: config.interfaces,
      port: config.broadcastPort,
      guid,
      tcpPort: () => tcpPort,
      serves: (name) => provider.find(name) !== undefined,
      ignoreAddresses: config.ignoreAddresses,
      logger,
    });
  } catch (error) {
    await tcp.close();
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
      const { clients, channels, subscriptions, queuedBytes } = tcp.statistics();
      return { clients, channels, monitors: subscriptions, queuedBytes };
    },
    close() {
      closing ??= (async () => {
        await beacons.close();
        await search.close();
        await tcp.close();
        logger.info('pvAccess server closed');
      })();
      return closing;
    },
  };
}
