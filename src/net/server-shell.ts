import type { PvProvider } from '../database/pv';
import type { Logger } from '../logger';
import { BeaconEmitter, type BeaconOptions } from './beacon-emitter';
import { CircuitHost, type CircuitHostStatistics, type HostedCircuit } from './circuit-host';
import type { ServerLimits } from './limits';
import type { CircuitTransport } from './socket-transport';
import { UdpResponder, type SearchAnswerer } from './udp-responder';

/** What a user gives `createCaServer` or `createPvaServer`. */
export interface ServerOptions<Environment> {
  /** The PVs this server serves. */
  provider: PvProvider;
  logger?: Logger;
  /** The EPICS environment to read (`process.env` by default). */
  env?: Record<string, string | undefined>;
  /** Overrides of what the environment says. */
  config?: Partial<Environment>;
  /** What clients may make the server hold; DEFAULT_LIMITS where left out. */
  limits?: Partial<ServerLimits>;
}

/** What makes a server CA's or pvAccess's; the rest is the shell's. */
export interface ServerShellOptions<C extends HostedCircuit> {
  /** Names the server in its log lines. */
  protocol: string;
  provider: PvProvider;
  logger: Logger;
  limits: ServerLimits;
  interfaces: string[];
  /** The TCP port to try first. */
  serverPort: number;
  /** Where searches arrive. */
  udpPort: number;
  ignoreAddresses: string[];
  /** A circuit on a new connection, for a server listening on `tcpPort`. */
  open(transport: CircuitTransport, tcpPort: number, onClose: () => void): C;
  /** The protocol's search replies, for a server listening on `tcpPort`. */
  answerSearch(tcpPort: () => number): SearchAnswerer;
  beacons: Omit<BeaconOptions, 'encode' | 'logger'> & { encode: (sequence: number, tcpPort: number) => Buffer };
}

export interface ServerShell {
  readonly tcpPort: number;
  statistics(): CircuitHostStatistics;
  /** Stops beacons and searches, shuts every circuit down; resolves when every connection has closed. */
  close(): Promise<void>;
}

/** Starts the sockets of a server, CA or pvAccess: TCP circuits, UDP searches and beacons. */
export async function startServerShell<C extends HostedCircuit>(options: ServerShellOptions<C>): Promise<ServerShell> {
  const { protocol, logger, limits } = options;
  const tcp: CircuitHost<C> = new CircuitHost({
    open: (transport, onClose) => options.open(transport, tcp.port, onClose),
    provider: options.provider,
    logger,
    limits,
  });
  const { fellBack } = await tcp.listen(options.interfaces, options.serverPort);
  const tcpPort = tcp.port;
  if (fellBack) logger.info({ configured: options.serverPort, port: tcpPort }, `${protocol} TCP port in use by another server; using an ephemeral port`);
  let search: UdpResponder;
  try {
    search = await UdpResponder.start({
      interfaces: options.interfaces,
      port: options.udpPort,
      answer: options.answerSearch(() => tcpPort),
      ignoreAddresses: options.ignoreAddresses,
      maxRepliesPerSecond: limits.maxSearchRepliesPerSecond,
      logger,
    });
  } catch (error) {
    await tcp.close();
    throw error;
  }
  const { encode, ...beaconOptions } = options.beacons;
  const beacons = new BeaconEmitter({ ...beaconOptions, encode: (sequence) => encode(sequence, tcpPort), logger });
  await beacons.start();
  logger.info({ tcpPort, udpPort: options.udpPort, interfaces: options.interfaces }, `${protocol} server listening`);

  let closing: Promise<void> | undefined;
  return {
    tcpPort,
    statistics: () => tcp.statistics(),
    close() {
      closing ??= (async () => {
        await beacons.close();
        await search.close();
        await tcp.close();
        tcp.logSummary();
        logger.info(`${protocol} server closed`);
      })();
      return closing;
    },
  };
}
