import { randomBytes } from 'node:crypto';
import { silentLogger } from '../../logger';
import { ANY_ADDRESS } from '../../net/addresses';
import { DEFAULT_LIMITS, type ServerLimits } from '../../net/limits';
import { startServerShell, type ServerOptions } from '../../net/server-shell';
import { PvaMessageWriter, TCP_PROTOCOL, UNSPECIFIED_ADDRESS, writeBeacon } from '../protocol';
import { readPvaServerEnvironment, type PvaServerEnvironment } from './environment';
import { PvaCircuit } from './pva-circuit';
import { pvaSearchReplies } from './search-replies';
import { guardProvider } from '../../net/guarded-provider';
import { providerServes } from '../../database/pv';

/** EPICS_PVA_CONN_TMO, when set, is the default of `limits.inactivity`. */
export type PvaServerOptions = ServerOptions<PvaServerEnvironment>;

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

/** Starts a pvAccess server: TCP connections, UDP search and beacons. */
export async function createPvaServer(options: PvaServerOptions): Promise<PvaServer> {
  const logger = (options.logger ?? silentLogger()).child({ protocol: 'pva' });
  const { config: fromEnv, warnings } = readPvaServerEnvironment(options.env ?? process.env);
  const config: PvaServerEnvironment = { ...fromEnv, ...options.config };
  for (const warning of warnings) logger.warn(warning);
  const { connectionTimeout } = config;
  const limits: ServerLimits = { ...DEFAULT_LIMITS, ...(connectionTimeout !== undefined && { inactivity: connectionTimeout }), ...options.limits };
  // Every call into the user's PVs goes through the guard: a throw answers one client, never ends the process.
  const provider = guardProvider(options.provider, logger);
  const guid = randomBytes(12);
  const serves = (name: string) => providerServes(provider, name);
  const single = config.interfaces.length === 1 ? config.interfaces[0]! : ANY_ADDRESS;
  const shell = await startServerShell({
    protocol: 'pvAccess',
    provider,
    logger,
    limits,
    interfaces: config.interfaces,
    serverPort: config.serverPort,
    udpPort: config.broadcastPort,
    ignoreAddresses: config.ignoreAddresses,
    open: (transport, tcpPort, onClose) => new PvaCircuit(transport, { provider, guid, tcpPort, limits, logger, onClose }),
    answerSearch: (tcpPort) => pvaSearchReplies({ serves, guid, tcpPort }),
    beacons: {
      destinations: config.beaconAddresses,
      autoDestinations: config.autoBeaconAddresses,
      autoPort: config.broadcastPort,
      interfaces: config.interfaces,
      periodSeconds: config.beaconPeriod,
      encode(sequence, tcpPort) {
        const writer = new PvaMessageWriter(true, 128);
        writeBeacon(writer, {
          guid,
          sequenceId: sequence,
          changeCount: 0,
          address: single === ANY_ADDRESS ? UNSPECIFIED_ADDRESS : single,
          port: tcpPort,
          protocol: TCP_PROTOCOL,
        });
        return writer.take()!;
      },
    },
  });
  return {
    tcpPort: shell.tcpPort,
    udpPort: config.broadcastPort,
    config,
    statistics() {
      const { clients, channels, subscriptions, queuedBytes } = shell.statistics();
      return { clients, channels, monitors: subscriptions, queuedBytes };
    },
    close: () => shell.close(),
  };
}
