import type { Database } from '../../src/database';
import { IocStatsDrivers, type IocStatsSources } from '../../src/ioc/devices';
import type { AccessSecurityReload } from '../../src/ioc/as-subroutines';
import { DEFAULT_CONFIG } from '../../src/ioc/config/ioc-config';
import { loadDatabase } from '../../src/ioc/ioc-core';
import { readIocIdentity } from '../../src/ioc/stats';
import { silentLogger } from '../../src/logger';

const NO_CLIENTS = { clients: 0, channels: 0 };

/**
 * A database as the IOC prepares it before it loads any file (its device supports "IOC stats",
 * "Node stats", "IOC env var", "IOC epics var", "Memory tracing", and its subroutines; never
 * started, so no tracing engine runs), reading from `sources` where given (what ioc-core injects:
 * server counts, the host thread's snapshot, the environment); READACF's asSubProcess calls
 * `reloadAccessSecurity`. Stop `drivers` when done.
 */
export function iocDatabase(
  sources: Partial<IocStatsSources> = {},
  reloadAccessSecurity?: AccessSecurityReload,
): { database: Database; drivers: IocStatsDrivers } {
  let database: Database | undefined = undefined;
  const env = sources.env ?? {};
  const drivers = new IocStatsDrivers({
    identity: readIocIdentity(env),
    ca: () => NO_CLIENTS,
    pva: () => NO_CLIENTS,
    metrics: () => undefined,
    recordCount: () => database!.recordNames().length,
    scanOnceQueue: () => database!.scanOnceQueueStatus(),
    epicsParameters: new Map(),
    nodePeriodSeconds: 3600,
    logger: silentLogger(),
    ...sources,
    env,
  });
  const groups = { memoryTracing: { enabled: false, macros: '' }, iocStats: { enabled: false, macros: '' } };
  database = loadDatabase({ ...DEFAULT_CONFIG, groups, databases: [] }, silentLogger(), { drivers, reloadAccessSecurity }).database;
  return { database, drivers };
}
