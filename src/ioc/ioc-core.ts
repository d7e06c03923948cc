import type { ServerLimits } from '../net/limits';
import { createCaServer, readServerEnvironment, type CaServer, type CaServerEnvironment } from '../ca/server';
import { parseAddressList } from '../net/addresses';
import { createPvaServer, readPvaServerEnvironment, TableProvider, type PvaServer, type PvaServerEnvironment } from '../pva/server';
import { Database } from '../database';
import type { Logger } from '../logger';
import { type ObservedThread, registerExternalSampler } from '../tracing';
import { startAccessSecurity, type AccessSecurity } from './access-security';
import { registerAccessSecuritySubroutines, type AccessSecurityReload } from './as-subroutines';
import { restoreAutosave } from './autosave';
import { ConfigError, type IocConfig } from './config/ioc-config';
import { registerExitSubroutine, type ExitRequest } from './exit-subroutine';
import { IOC_STATS_DB, MEMORY_TRACING_DB } from './records-files';
import { createMemoryTracingGroup, type MemoryTracingGroup } from './groups/memory-tracing';
import { EngineTraceReporter } from './tracing/engine-reporter';
import type { TraceReporter } from './tracing/trace-reporter';
import { WorkerTraceReporter } from './tracing/worker-reporter';
import { readIocIdentity, type ProcessMetrics } from './stats';
import { registerRebootProc } from './stats/reboot-proc';
import { epicsParameters, iocDeviceSupports, IocStatsDrivers, type IocStatsSources } from './devices';


const ACCESS_SECURITY_NOT_STARTED: AccessSecurityReload = () => Promise.reject(new Error('access security is not started'));

export interface LoadDatabaseOptions {
  /** Serves the asSubProcess subroutine (READACF as devIocStats defines it). */
  reloadAccessSecurity?: AccessSecurityReload;
  /** Serves softIoc's "exit" subroutine (`-x prefix`); without it, an IOC embedded in a service refuses to exit. */
  requestExit?: ExitRequest;
  /** The drivers of the IOC's device supports; default: ones that only answer a load (no server, no host thread). */
  drivers?: IocStatsDrivers;
}

/**
 * An empty database that knows what the IOC registers, as a softIoc's .dbd does: the subroutines
 * (asSubInit, asSubProcess, rebootProc, exit) and the device supports reading through `drivers`.
 */
export function iocDatabase(logger: Logger, drivers: IocStatsDrivers, reloadAccessSecurity = ACCESS_SECURITY_NOT_STARTED, requestExit?: ExitRequest): Database {
  const database = new Database({ logger });
  registerAccessSecuritySubroutines(database, reloadAccessSecurity);
  registerRebootProc(database);
  registerExitSubroutine(database, requestExit);
  for (const support of iocDeviceSupports(drivers)) database.registerDevice(support);
  return database;
}

/** What the CA server serves: the groups' records with the prefix, then the configured databases. */
export function loadDatabase(config: IocConfig, logger: Logger, options: LoadDatabaseOptions = {}): Database {
  let loaded: Database | undefined;
  const drivers = options.drivers ?? new IocStatsDrivers(statsSources(config, logger, process.env, databaseFigures(() => loaded)));
  const database = (loaded = iocDatabase(logger, drivers, options.reloadAccessSecurity, options.requestExit));
  const groups: [string, IocConfig['groups']['memoryTracing']][] = [
    [MEMORY_TRACING_DB, config.groups.memoryTracing],
    [IOC_STATS_DB, config.groups.iocStats],
  ];
  for (const [file, group] of groups) {
    if (!group.enabled) continue;
    const macros = [`P=${config.prefix}`, group.macros].filter(Boolean).join(',');
    database.loadFile(file, { macros });
  }
  for (const entry of config.databases) database.loadFile(entry.file, { macros: entry.macros });
  return database;
}

/** The CA part of the configuration over the EPICS_CAS_* environment, as rsrv would read it. */
export function caServerSettings(config: IocConfig, env: Record<string, string | undefined>): Partial<CaServerEnvironment> {
  const { ca } = config;
  const beaconPort = ca.beaconPort ?? readServerEnvironment(env).config.beaconPort;
  const invalid = (key: string) => (entry: string) => {
    throw new ConfigError(`ca.${key}: "${entry}" is not an IPv4 address[:port]`);
  };
  const settings: Partial<CaServerEnvironment> = {};
  if (ca.serverPort !== undefined) settings.serverPort = ca.serverPort;
  if (ca.beaconPort !== undefined) settings.beaconPort = ca.beaconPort;
  if (ca.interfaces) settings.interfaces = parseAddressList(ca.interfaces.join(' '), 0, invalid('interfaces')).map((a) => a.host);
  if (ca.beaconAddresses) settings.beaconAddresses = parseAddressList(ca.beaconAddresses.join(' '), beaconPort, invalid('beaconAddresses'));
  if (ca.autoBeaconAddresses !== undefined) settings.autoBeaconAddresses = ca.autoBeaconAddresses;
  if (ca.ignoreAddresses) settings.ignoreAddresses = parseAddressList(ca.ignoreAddresses.join(' '), 0, invalid('ignoreAddresses')).map((a) => a.host);
  if (ca.beaconPeriod !== undefined) settings.beaconPeriod = ca.beaconPeriod;
  return settings;
}

/** The pvAccess part of the configuration over the EPICS_PVAS_* environment. */
export function pvaServerSettings(config: IocConfig, env: Record<string, string | undefined>): Partial<PvaServerEnvironment> {
  const { pva } = config;
  // Beacon entries without a port go to the search port in force, wherever it was set.
  const broadcastPort = pva.broadcastPort ?? readPvaServerEnvironment(env).config.broadcastPort;
  const invalid = (key: string) => (entry: string) => {
    throw new ConfigError(`pva.${key}: "${entry}" is not an IPv4 address[:port]`);
  };
  const hosts = (key: string, list: string[]) => parseAddressList(list.join(' '), 0, invalid(key)).map((a) => a.host);
  const settings: Partial<PvaServerEnvironment> = {};
  if (pva.serverPort !== undefined) settings.serverPort = pva.serverPort;
  if (pva.broadcastPort !== undefined) settings.broadcastPort = pva.broadcastPort;
  if (pva.interfaces) settings.interfaces = hosts('interfaces', pva.interfaces);
  if (pva.beaconAddresses) settings.beaconAddresses = parseAddressList(pva.beaconAddresses.join(' '), broadcastPort, invalid('beaconAddresses'));
  if (pva.autoBeaconAddresses !== undefined) settings.autoBeaconAddresses = pva.autoBeaconAddresses;
  if (pva.ignoreAddresses) settings.ignoreAddresses = hosts('ignoreAddresses', pva.ignoreAddresses);
  return settings;
}

/** The limits the file sets for one protocol: its own section's over the shared `limits`; the server fills in the rest. */
export function protocolLimits(config: IocConfig, protocol: 'ca' | 'pva'): Partial<ServerLimits> {
  return { ...config.limits, ...config[protocol].limits };
}

const NO_CLIENTS = Object.freeze({ clients: 0, channels: 0 });

const EMPTY_QUEUE = Object.freeze({ used: 0, maxUsed: 0 });

/** The figures the device supports read of the database, once it exists. */
function databaseFigures(database: () => Database | undefined): Pick<IocStatsSources, 'recordCount' | 'scanOnceQueue'> {
  return {
    recordCount: () => database()?.recordNames().length ?? 0,
    scanOnceQueue: () => database()?.scanOnceQueueStatus() ?? EMPTY_QUEUE,
  };
}

/** What the IOC's device supports read; `live` gives what exists once the servers and the database do. */
function statsSources(
  config: IocConfig,
  logger: Logger,
  env: Record<string, string | undefined>,
  live: Partial<Pick<IocStatsSources, 'ca' | 'pva' | 'metrics'>> & Pick<IocStatsSources, 'recordCount' | 'scanOnceQueue'>,
): IocStatsSources {
  const ca = { ...readServerEnvironment(env).config, ...caServerSettings(config, env) };
  const pva = { ...readPvaServerEnvironment(env).config, ...pvaServerSettings(config, env) };
  return {
    identity: readIocIdentity(env),
    ca: () => NO_CLIENTS,
    pva: () => NO_CLIENTS,
    metrics: () => undefined,
    ...live,
    env,
    epicsParameters: epicsParameters(env, { ca, pva }),
    nodePeriodSeconds: config.status.period,
    logger,
  };
}

export interface IocCoreOptions {
  config: IocConfig;
  logger: Logger;
  /**
   * The thread whose heap the tracing group samples: 'main' when the core runs in a worker, which
   * then also aggregates; 'current' when it runs in the observed thread, which hands the engine
   * to a worker of its own so that only V8's part of a snapshot pauses it.
   */
  observedThread: ObservedThread;
  /** The observed thread's figures for the Node stats device support: the last period's snapshot. */
  metrics: () => ProcessMetrics | undefined;
  env?: Record<string, string | undefined>;
  /** What the "exit" subroutine does: the memtrace-ioc command stops; an embedded IOC leaves it out. */
  requestExit?: ExitRequest;
}

export interface IocCore {
  /** The CA server; undefined when `protocols.ca` is off. */
  readonly server: CaServer | undefined;
  /** The pvAccess server; undefined when `protocols.pva` is off. */
  readonly pvaServer: PvaServer | undefined;
  readonly database: Database;
  readonly accessSecurity: AccessSecurity;
  close(): Promise<void>;
}

function traceReporter(observedThread: ObservedThread): TraceReporter {
  if (observedThread === 'main') return new EngineTraceReporter('main');
  // The engine's worker reaches this thread's external sampler through the inspector.
  registerExternalSampler();
  return new WorkerTraceReporter();
}

/** Database, CA and pvAccess servers and the groups, in the thread that serves them. */
export async function startIocCore(options: IocCoreOptions): Promise<IocCore> {
  const { config, logger } = options;
  const env = options.env ?? process.env;
  let accessSecurity: AccessSecurity | undefined;
  let server: CaServer | undefined;
  let pvaServer: PvaServer | undefined;
  let loaded: Database | undefined;
  const drivers = new IocStatsDrivers(
    statsSources(config, logger, env, {
      ca: () => server?.statistics() ?? NO_CLIENTS,
      pva: () => pvaServer?.statistics() ?? NO_CLIENTS,
      metrics: options.metrics,
      ...databaseFigures(() => loaded),
    }),
  );
  // The first figures before the records processed at start (PINI) read them.
  await drivers.prime();
  const reloadAccessSecurity = () => (accessSecurity ?? { reload: ACCESS_SECURITY_NOT_STARTED }).reload();
  try {
    loaded = loadDatabase(config, logger, { reloadAccessSecurity, drivers, requestExit: options.requestExit });
  } catch (error) {
    drivers.stop();
    throw error;
  }
  const database = loaded;
  // Both of autosave's passes at once: after the records' initialisation, before PINI and the first scan.
  const autosave = await restoreAutosave(database, config.autosave, logger);
  database.start();
  // pvAccess serves the tracing lists as NTTables besides the records.
  const tables = new TableProvider(database);
  try {
    // Before the server listens, so that no client is ever given more access than the file allows.
    accessSecurity = await startAccessSecurity({ database, settings: config.accessSecurity, prefix: config.prefix, logger });
    if (config.protocols.ca) {
      server = await createCaServer({
        provider: database,
        logger,
        env,
        config: caServerSettings(config, env),
        limits: protocolLimits(config, 'ca'),
      });
    }
    if (config.protocols.pva) {
      pvaServer = await createPvaServer({ provider: tables, logger, env, config: pvaServerSettings(config, env), limits: protocolLimits(config, 'pva') });
    }
  } catch (error) {
    await server?.close();
    drivers.stop();
    database.close();
    throw error;
  }
  const tracingGroup: MemoryTracingGroup | undefined = config.groups.memoryTracing.enabled
    ? createMemoryTracingGroup({ database, tables, prefix: config.prefix, settings: config.tracing, reporter: traceReporter(options.observedThread), logger })
    : undefined;
  autosave?.start();
  return {
    server,
    pvaServer,
    database,
    accessSecurity,
    async close() {
      drivers.stop();
      await tracingGroup?.close();
      await Promise.all([server?.close(), pvaServer?.close()]);
      // Once no client can write any more: the last values are saved.
      await autosave?.stop();
      database.close();
    },
  };
}
