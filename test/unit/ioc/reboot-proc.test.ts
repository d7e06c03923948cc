import { AlarmSeverity, AlarmStatus } from '../../../src/database/pv';
import type { IocStatsDrivers } from '../../../src/ioc/devices';
import { REBOOT_REFUSED } from '../../../src/ioc/stats/reboot-proc';
import { iocDatabase } from '../../helpers/ioc-devices';

// devIocStats' SYSRESET (iocAdmin/Db/ioc.template: a sub with SNAM rebootProc, BRSV INVALID, L 1).
// devIocStatsSub.c rebootProc reboots when A…F are below 0.5 and L above it; here the request is
// refused with a SOFT alarm of severity BRSV, and the host process goes on.

const drivers: IocStatsDrivers[] = [];
afterEach(() => drivers.splice(0).forEach((driver) => driver.stop()));

function sysreset(inhibit: number) {
  const loaded = iocDatabase();
  drivers.push(loaded.drivers);
  loaded.database.loadText(`record(sub, "SYSRESET") {\n  field(SNAM, "rebootProc")\n  field(BRSV, "INVALID")\n  field(L, "1")\n  field(A, "${inhibit}")\n}`);
  const record = loaded.database.record('SYSRESET', 'number');
  record.setField('PROC', 1);
  return record.alarm();
}

describe('rebootProc', () => {
  it('refuses an enabled, uninhibited reboot with a SOFT alarm of severity BRSV saying why', () => {
    expect(sysreset(0)).toEqual({ status: AlarmStatus.SOFT, severity: AlarmSeverity.INVALID, message: REBOOT_REFUSED });
  });

  it('does nothing while an inhibit (A…F) is set', () => {
    expect(sysreset(1).severity).toBe(AlarmSeverity.NO_ALARM);
  });
});
