// The INST_IO device supports of EPICS base's devSoft.dbd that every database here has, beside
// the soft ones record support serves itself ("Soft Channel", "Raw Soft Channel", "Async Soft
// Channel"). Each database gets its own General Time clock and Db State names.

import { dbState } from './db-state';
import type { DeviceSupport } from './device-support';
import { generalTime } from './general-time';
import { getenvSupport } from './getenv';
import { softTimestamp } from './soft-timestamp';

export function baseDeviceSupports(): DeviceSupport[] {
  return [softTimestamp, generalTime(), getenvSupport(), dbState()];
}
