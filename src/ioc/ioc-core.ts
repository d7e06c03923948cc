import type { ServerLimits } from '../net/limits';
import { createCaServer, readServerEnvironment, type CaServer, type CaServerEnvironment } from '../ca/server';
import { parseAddressList } from '../net/addresses';
import { createPvaServer, readPvaServerEnvironment, TableProvider, type PvaServer, type PvaServerEnvironment } from '../pva/server';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Database, DbFileError } from '../database';
import type { Logger } from '../logger';
import { type ObservedThread, registerExternalSampler } from '../tracing';
import { startAccessSecurity, type AccessSecurity } from './access-security';
import { registerAccessSecuritySubroutines, type AccessSecurityReload } from './as-subroutines';
import { restoreAutosave } from './autosave';
import { ConfigError, type IocConfig } from './config/ioc-config';
import { compactHeap } from './heap-compaction';
import { registerExitSubroutine, type ExitRequest } from './exit-subroutine';
import { IOC_STATS_DB, MEMORY_TRACING_DB } from './records-files';
import { MemoryTracingDevice } from './devices/memory-tracing/memory-tracing-device';
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
  /** The thread whose heap the memory tracing device support samples (see IocCoreOptions). */
  observedThread?: ObservedThread;
}

/** The loaded database and what its device supports serve besides it. */
export interface IocDatabase {
  readonly database: Database;
  /** What pvAccess serves: the records, and the tracing lists' NTTables that records name. */
  readonly tables: TableProvider;
  /** The "Memory tracing" device support, to start once the database runs and to close with it. */
  readonly memoryTracing: MemoryTracingDevice;
  /** The iocStats drivers the supports read through (the ones given, or made for this load): stop them with the database. */
  readonly drivers: IocStatsDrivers;
}

/**
 * What the servers serve: the subroutines (asSubInit, asSubProcess, rebootProc, exit) and the
 * device supports registered (as a softIoc's .dbd registers them), then the groups' records with
 * the prefix (the default set-up), then the configured databases. A group's
 * shipped file named among the databases replaces its default load, so that `-m P=LAB: -d
 * records/memoryTracing.db` serves LAB:* alone and `-m P=MEMTRACE: -d …` does not clash.
 */
export function loadDatabase(config: IocConfig, logger: Logger, options: LoadDatabaseOptions = {}): IocDatabase {
  const database = new Database({ logger });
  const drivers =
    options.drivers ??
    new IocStatsDrivers(
      statsSources(
        config,
        logger,
        process.env,
        databaseFigures(() => database),
      ),
    );
  registerAccessSecuritySubroutines(database, options.reloadAccessSecurity ?? ACCESS_SECURITY_NOT_STARTED);
  registerRebootProc(database);
  registerExitSubroutine(database, options.requestExit);
  const tables = new TableProvider(database);
  const memoryTracing = new MemoryTracingDevice({
    settings: config.tracing,
    reporter: () => traceReporter(options.observedThread ?? 'current'),
    tables,
    logger,
  });
  for (const support of [...iocDeviceSupports(drivers), memoryTracing]) database.registerDevice(support);
  const named = new Set(config.databases.map((entry) => realPath(entry.file)));
  const groups: [string, IocConfig['groups']['memoryTracing']][] = [
    [MEMORY_TRACING_DB, config.groups.memoryTracing],
    [IOC_STATS_DB, config.groups.iocStats],
  ];
  const byDefault = new Map<string, string>();
  for (const [file, group] of groups) {
    if (!group.enabled || (file === MEMORY_TRACING_DB && named.has(realPath(file)))) continue;
    const macros = [`P=${config.prefix}`, group.macros].filter(Boolean).join(',');
    for (const name of database.loadFile(file, { macros })) byDefault.set(name, file);
  }
  for (const entry of config.databases) {
    try {
      database.loadFile(entry.file, { macros: entry.macros });
    } catch (error) {
      throw explainDefaultClash(error, byDefault, config.prefix);
    }
  }
  return { database, tables, memoryTracing, drivers };
}

/** A record the default set-up defined, defined again: the error says how to have only the site's. */
function explainDefaultClash(error: unknown, byDefault: ReadonlyMap<string, string>, prefix: string): unknown {
  if (!(error instanceof DbFileError)) return error;
  const clash = /^"([^"]+)" is already defined/.exec(error.reason)?.[1];
  const file = clash === undefined ? undefined : byDefault.get(clash);
  if (file === undefined) return error;
  const group = file === MEMORY_TRACING_DB ? 'memoryTracing' : 'iocStats';
  return new DbFileError(
    error.location,
    `${error.reason}, by the default set-up, which loads ${file} with P=${prefix}: load this file under another prefix (-m P=…), or set groups.${group}.enabled: false in the configuration to serve this one alone`,
  );
}

function realPath(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}

/** The records the CA server reads before it listens, to have its paths compiled for what clients will find here. */
function oneRecordOfEachType(database: Database): string[] {
  const byType = new Map<string, string>();
  for (const record of database.loadedRecords()) if (!byType.has(record.type.name)) byType.set(record.type.name, record.name);
  return [...byType.values()];
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

async function compactAfterLoad(logger: Logger): Promise<void> {
  try {
    const { rssBefore, rssAfter, milliseconds, limitRestored } = await compactHeap();
    logger.info({ rssBefore, rssAfter, milliseconds: Math.round(milliseconds), limitRestored }, 'heap compacted after the load');
  } catch (error) {
    // A Node built without the inspector: the IOC runs as well, only with the heap the load grew.
    logger.warn({ err: error }, 'cannot compact the heap after the load');
  }
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

/** Database, CA and pvAccess servers and the device supports' drivers, in the thread that serves them. */
export async function startIocCore(options: IocCoreOptions): Promise<IocCore> {
  const { config, logger } = options;
  const env = options.env ?? process.env;
  let accessSecurity: AccessSecurity | undefined;
  let server: CaServer | undefined;
  let pvaServer: PvaServer | undefined;
  let loaded: IocDatabase | undefined;
  const drivers = new IocStatsDrivers(
    statsSources(config, logger, env, {
      ca: () => server?.statistics() ?? NO_CLIENTS,
      pva: () => pvaServer?.statistics() ?? NO_CLIENTS,
      metrics: options.metrics,
      ...databaseFigures(() => loaded?.database),
    }),
  );
  // The first figures before the records processed at start (PINI) read them.
  await drivers.prime();
  const reloadAccessSecurity = () => (accessSecurity ?? { reload: ACCESS_SECURITY_NOT_STARTED }).reload();
  try {
    loaded = loadDatabase(config, logger, { reloadAccessSecurity, drivers, requestExit: options.requestExit, observedThread: options.observedThread });
  } catch (error) {
    drivers.stop();
    throw error;
  }
  const { database, tables, memoryTracing } = loaded;
  // Both of autosave's passes at once: after the records' initialisation, before PINI and the first scan.
  const autosave = await restoreAutosave(database, config.autosave, logger);
  database.start();
  // The load is over (records initialised, PINI processed) and no client is served yet.
  if (config.compactHeapAfterLoad ?? options.observedThread === 'main') await compactAfterLoad(logger);
  try {
    // Before the server listens, so that no client is ever given more access than the file allows.
    accessSecurity = await startAccessSecurity({ database, settings: config.accessSecurity, status: drivers.accessSecurity, logger });
    if (config.protocols.ca) {
      server = await createCaServer({
        provider: database,
        logger,
        env,
        config: caServerSettings(config, env),
        limits: protocolLimits(config, 'ca'),
        warmUpNames: oneRecordOfEachType(database),
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
  memoryTracing.start();
  autosave?.start();
  return {
    server,
    pvaServer,
    database,
    accessSecurity,
    async close() {
      drivers.stop();
      await memoryTracing.close();
      await Promise.all([server?.close(), pvaServer?.close()]);
      // Once no client can write any more: the last values are saved.
      await autosave?.stop();
      database.close();
    },
  };
}
