// rebootProc, the subroutine devIocStats registers for its SYSRESET sub record (devIocStatsSub.c):
// with inhibits A…F below 0.5 and the enable L above it, a soft IOC exits (epicsExitLater) for
// its supervisor to restart it. memtrace-ioc serves from inside a host's Node process, which a
// client's put must not end: the request is refused with a SOFT alarm of severity BRSV saying so,
// so that a site's SYSRESET loads and answers rather than failing the whole database.

import type { Database } from '../../database';
import { AlarmStatus } from '../../database/pv';

const INHIBITS = ['A', 'B', 'C', 'D', 'E', 'F'];
export const REBOOT_REFUSED = 'rebootProc: memtrace-ioc does not end its host process on request; restart it from its supervisor';

export function registerRebootProc(database: Database): void {
  database.registerSubroutine('rebootProc', (record) => {
    const inhibited = INHIBITS.some((field) => !(record.number(field) < 0.5));
    if (inhibited || !(record.number('L') > 0.5)) return 0;
    record.raiseAlarm(AlarmStatus.SOFT, record.number('BRSV'), REBOOT_REFUSED);
    return 0;
  });
}
