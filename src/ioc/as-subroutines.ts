// asSubInit and asSubProcess, the subroutines EPICS base ships for a sub record that re-reads the
// access security file (devIocStats' READACF: SNAM "asSubProcess", INAM "asSubInit", BRSV):
// writing 1 to VAL starts the reload; the record stays active until it is done, VAL goes back to
// 0, and a failed reload raises a READ alarm of severity BRSV (asSubRecordFunctions.c).

import type { Database, SubroutineRecord } from '../database';
import { AlarmStatus, EventMask } from '../database/pv';

/** Re-reads the access security file; rejects, with the reason, when it could not. */
export type AccessSecurityReload = () => Promise<void>;

export function registerAccessSecuritySubroutines(database: Database, reload: AccessSecurityReload): void {
  /** The records asSubInit prepared: asSubProcess serves only those, as it needs the callback asSubInit allocates in C. */
  const prepared = new Set<string>();
  database.registerSubroutine('asSubInit', (record) => {
    prepared.add(record.name);
  });
  database.registerSubroutine('asSubProcess', (record) => {
    if (!prepared.has(record.name)) throw new Error('asSubProcess needs INAM "asSubInit"');
    record.post('VAL', EventMask.VALUE);
    if (record.number('VAL') !== 1) return 0;
    return reload().then(
      () => finishReload(record),
      (error: unknown) => {
        record.raiseAlarm(AlarmStatus.READ, record.number('BRSV'), (error as Error).message);
        finishReload(record);
      },
    );
  });
}

/** asSub's callback: VAL back to 0, and posted as asSubProcess's second call posts it. */
function finishReload(record: SubroutineRecord): void {
  record.assign('VAL', 0);
  record.post('VAL', EventMask.VALUE);
}
