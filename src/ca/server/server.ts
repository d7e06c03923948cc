import { writeBeacon } from '../protocol/replies';
import { MessageWriter } from '../protocol/writer';
import { silentLogger } from '../../logger';
import { ANY_ADDRESS, ipv4ToNumber } from '../../net/addresses';
import { DEFAULT_LIMITS, type ServerLimits } from '../../net/limits';
import { startServerShell, type ServerOptions } from '../../net/server-shell';
import { Circuit } from './circuit';
import { readServerEnvironment, type CaServerEnvironment } from './environment';
import { caSearchReplies } from './search-replies';
import { guardProvider } from '../../net/guarded-provider';
import { providerServes } from '../../database/pv';

export type CaServerOptions = ServerOptions<CaServerEnvironment>;

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

/** rsrv's first beacon interval; it doubles up to the configured period. */
const FIRST_BEACON_INTERVAL_MS = 20;

/** Starts a Channel Access server: TCP circuits, UDP name search and beacons. */
export async function createCaServer(options: CaServerOptions): Promise<CaServer> {
  const logger = options.logger ?? silentLogger();
  const { config: fromEnv, warnings } = readServerEnvironment(options.env ?? process.env);
  const config: CaServerEnvironment = { ...fromEnv, ...options.config };
  for (const warning of warnings) logger.warn(warning);
  const limits: ServerLimits = { ...DEFAULT_LIMITS, ...options.limits };
  // Every call into the user's PVs goes through the guard: a throw answers one client, never ends the process.
  const provider = guardProvider(options.provider, logger);
  const serves = (name: string) => providerServes(provider, name);
  const single = config.interfaces.length === 1 ? config.interfaces[0]! : ANY_ADDRESS;
  const serverAddress = single === ANY_ADDRESS ? 0 : ipv4ToNumber(single);
  const shell = await startServerShell({
    protocol: 'CA',
    provider,
    logger,
    limits,
    interfaces: config.interfaces,
    serverPort: config.serverPort,
    udpPort: config.serverPort,
    ignoreAddresses: config.ignoreAddresses,
    open: (transport, tcpPort, onClose) => new Circuit(transport, { provider, tcpPort, limits, logger, onClose }),
    answerSearch: (tcpPort) => caSearchReplies({ serves, tcpPort }),
    beacons: {
      destinations: config.beaconAddresses,
      autoDestinations: config.autoBeaconAddresses,
      autoPort: config.beaconPort,
      interfaces: config.interfaces,
      periodSeconds: config.beaconPeriod,
      firstIntervalMs: FIRST_BEACON_INTERVAL_MS,
      encode(sequence, tcpPort) {
        const writer = new MessageWriter(16);
        writeBeacon(writer, tcpPort, sequence, serverAddress);
        return writer.take()!;
      },
    },
  });
  return {
    tcpPort: shell.tcpPort,
    udpPort: config.serverPort,
    config,
    statistics: () => shell.statistics(),
    close: () => shell.close(),
  };
}
