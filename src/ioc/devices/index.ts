// The device supports that need the IOC (its servers, its host thread, its machine): registered
// with the database by ioc-core before any .db file is loaded, as a .dbd's device() lines are.

import type { DeviceSupport } from '../../database';
import { accessSecuritySupport } from './access-security-status';
import { envVarSupport, epicsVarSupport } from './env-vars';
import { iocStatsSupport } from './ioc-stats';
import { nodeStatsSupport } from './node-stats';
import type { IocStatsDrivers } from './stats-drivers';

export { AccessSecurityStatus } from './access-security-status';
export { epicsParameters } from './epics-parameters';
export { createIocStatsDrivers, IocStatsDrivers, type IocStatsSources, type ServerCounts } from './stats-drivers';

/** "IOC stats", "Node stats", "IOC env var", "IOC epics var" and "Access security", all reading through `drivers`. */
export function iocDeviceSupports(drivers: IocStatsDrivers): DeviceSupport[] {
  const { env, epicsParameters } = drivers.sources;
  return [
    iocStatsSupport(drivers),
    nodeStatsSupport(drivers),
    envVarSupport(env),
    epicsVarSupport(epicsParameters),
    accessSecuritySupport(drivers.accessSecurity),
  ];
}
