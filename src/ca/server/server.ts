import { writeBeacon } from '../protocol/replies';
import { MessageWriter } from '../protocol/writer';
import { silentLogger, type Logger } from '../../logger';
import { ANY_ADDRESS, ipv4ToNumber } from '../../net/addresses';
import { DEFAULT_LIMITS, type ServerLimits } from '../../net/limits';
import { startServerShell, type ServerOptions } from '../../net/server-shell';
import { Circuit } from './circuit';
import { readServerEnvironment, type CaServerEnvironment } from './environment';
import { caSearchReplies } from './search-replies';
import { guardProvider } from '../../net/guarded-provider';
import { providerServes } from '../../database/pv';
import { warmUpCaServer, type WarmUpContext } from './warm-up';

export type CaServerOptions = ServerOptions<CaServerEnvironment> & {
  /**
   * PVs the server may read (never write) before it listens, to have V8 compile its request paths
   * before the first client (see warm-up.ts): a few of each kind the provider serves. Without
   * them the warm-up runs on a name not served (the provider is asked about it), which warms the
   * search and decoding paths only.
   */
  warmUpNames?: readonly string[];
};

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

/**
 * The warm-up, a round at a time with the event loop let run in between: a host that embeds the
 * IOC on its main thread waits a few ms at a time, not the whole warm-up at once. Its cost is the
 * server's start-up cost: the CPU of its rounds alone, and the wall time of all, go in a debug line.
 */
async function warmUp(context: Omit<WarmUpContext, 'loggers'>, logger: Logger, names: readonly string[]): Promise<void> {
  const started = process.hrtime.bigint();
  let cpuMicros = 0;
  // The circuits of the warm-up log nowhere: nothing of it may look like a client.
  const rounds = warmUpCaServer({ ...context, loggers: [silentLogger(), logger.child({}, { level: 'silent' })] }, names);
  for (;;) {
    const cpu = process.cpuUsage();
    const round = rounds.next();
    const spent = process.cpuUsage(cpu);
    cpuMicros += spent.user + spent.system;
    if (round.done) {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.debug(
        { requests: round.value.requests, names: names.length, ms: Math.round(ms), cpuMs: Math.round(cpuMicros / 1000) },
        'CA request paths warmed up',
      );
      return;
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
}

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
  // One answering closure for the warm-up and the UDP responder: V8 keeps the code it compiles per
  // closure, and a second one made after the warm-up was compiled again during the first client's
  // connect (measured: ~45 ms of TurboFan, BENCHMARKS.md "Cold connect: where the time goes").
  // The port is known once the shell listens, before it answers any search; a number read, not a
  // getter called, so that the compiled search path sees one call target before and after.
  let advertisedPort = 0;
  const answer = caSearchReplies({ serves, tcpPort: () => advertisedPort });
  await warmUp({ provider, answer, limits }, logger, options.warmUpNames ?? []);
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
    answerSearch: (tcpPort) => {
      advertisedPort = tcpPort();
      return answer;
    },
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
