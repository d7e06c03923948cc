import type { PvProvider } from '../../database/pv';
import { silentLogger, type Logger } from '../../logger';
import { CircuitHost } from '../../net/circuit-host';
import { guardProvider } from '../../net/guarded-provider';
import { BeaconEmitter } from './beacons';
import { Circuit } from './circuit';
import { readServerEnvironment, type CaServerEnvironment } from './environment';
import { DEFAULT_CA_LIMITS, type CaLimits } from './limits';
import { SearchResponder } from './search-responder';

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

/** Starts a Channel Access server: TCP circuits, UDP name search and beacons. */
export async function createCaServer(options: CaServerOptions): Promise<CaServer> {
  const logger = options.logger ?? silentLogger();
  const { config: fromEnv, warnings } = readServerEnvironment(options.env ?? process.env);
  const config: CaServerEnvironment = { ...fromEnv, ...options.config };
  for (const warning of warnings) logger.warn(warning);
  // Every call into the user's PVs goes through the guard: a throw answers one client, never ends the process.
  const provider = guardProvider(options.provider, logger);
  const limits: CaLimits = { ...DEFAULT_CA_LIMITS, ...options.limits };
  const tcp: CircuitHost<Circuit> = new CircuitHost({
    open: (transport, onClose) => new Circuit(transport, { provider, tcpPort: tcp.port, limits, logger, onClose }),
    provider,
    logger,
    messages: { connected: 'client connected', disconnected: 'client disconnected' },
    disconnectFields: (closed) => ({ user: closed.identity.user, host: closed.identity.host }),
    maxCircuits: limits.maxCircuits,
    // As rsrv: the kernel finds peers that vanished without closing while nothing is being sent.
    keepAliveMs: limits.inactivity * 1000,
  });
  const { fellBack } = await tcp.listen(config.interfaces, config.serverPort);
  const tcpPort = tcp.port;
  if (fellBack) {
    logger.info({ configured: config.serverPort, port: tcpPort }, 'TCP port in use by another server; using an ephemeral port');
  }
  let search: SearchResponder;
  try {
    search = await SearchResponder.start({
      interfaces: config.interfaces,
      port: config.serverPort,
      tcpPort: () => tcpPort,
      serves: (name) => provider.find(name) !== undefined,
      ignoreAddresses: config.ignoreAddresses,
      logger,
    });
  } catch (error) {
    await tcp.close();
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
    for (const circuit of tcp.circuits) circuit.checkLiveness(now);
  }, Math.min(limits.inactivity, limits.echoTimeout) * 250);
  livenessSweep.unref();
  logger.info({ tcpPort, udpPort: config.serverPort, interfaces: config.interfaces }, 'CA server listening');

  let closing: Promise<void> | undefined;
  return {
    tcpPort,
    udpPort: config.serverPort,
    config,
    statistics: () => tcp.statistics(),
    close() {
      closing ??= (async () => {
        clearInterval(livenessSweep);
        await beacons.close();
        await search.close();
        await tcp.close();
        logger.info('CA server closed');
      })();
      return closing;
    },
  };
}
