import { Database } from '../../../src/database';
import { AlarmSeverity, AlarmStatus, EventMask } from '../../../src/database/pv';
import { registerAccessSecuritySubroutines } from '../../../src/ioc/as-subroutines';
import { monitor, put, pvOf, valueOf } from '../database/helpers';

// asSubInit/asSubProcess as EPICS base's asSubRecordFunctions.c defines them, on devIocStats'
// READACF record (iocAdminSoft.db: a sub with INAM asSubInit, SNAM asSubProcess, BRSV INVALID).

const READACF =
  'record(sub, "IOC:READACF") { field(INAM, "asSubInit") field(SNAM, "asSubProcess") field(BRSV, "INVALID") field(FLNK, "IOC:AFTER") }\nrecord(ai, "IOC:AFTER") { field(INP, "IOC:READACF") field(MDEL, -1) }';

function readacf(reload: () => Promise<void>): Database {
  const database = new Database();
  registerAccessSecuritySubroutines(database, reload);
  database.loadText(READACF);
  return database;
}

/** Resolves once the record after READACF (its FLNK) has processed: the pass is over. */
function passDone(database: Database): Promise<void> {
  return new Promise((resolve) => {
    const stop = pvOf(database, 'IOC:AFTER').subscribe(() => {
      stop();
      resolve();
    });
  });
}

describe('asSubProcess', () => {
  it('re-reads the file on 1, staying active until done, then VAL is 0 again', async () => {
    let finish: () => void = () => undefined;
    const database = readacf(() => new Promise<void>((resolve) => (finish = resolve)));
    const posts = monitor(pvOf(database, 'IOC:READACF'));
    const done = passDone(database);
    put(pvOf(database, 'IOC:READACF'), 1);
    // asSubProcess posts VAL (DBE_VALUE) before it starts the reload.
    expect(posts).toEqual([EventMask.VALUE]);
    expect(valueOf(pvOf(database, 'IOC:READACF.PACT'))).toBe(1);
    finish();
    await done;
    expect(valueOf(pvOf(database, 'IOC:READACF'))).toBe(0);
    expect(valueOf(pvOf(database, 'IOC:AFTER'))).toBe(0);
    expect(valueOf(pvOf(database, 'IOC:READACF.PACT'))).toBe(0);
    expect(pvOf(database, 'IOC:READACF').alarm()).toMatchObject({ status: AlarmStatus.NO_ALARM, severity: AlarmSeverity.NO_ALARM });
  });

  it('raises a READ alarm of severity BRSV when the file cannot be re-read', async () => {
    const database = readacf(() => Promise.reject(new Error('site.acf:3:1: unknown keyword')));
    const done = passDone(database);
    put(pvOf(database, 'IOC:READACF'), 1);
    await done;
    expect(valueOf(pvOf(database, 'IOC:READACF'))).toBe(0);
    expect(pvOf(database, 'IOC:READACF').alarm()).toMatchObject({
      status: AlarmStatus.READ,
      severity: AlarmSeverity.INVALID,
      message: 'site.acf:3:1: unknown keyword',
    });
  });

  it('does not reload on other values', () => {
    let reloads = 0;
    const database = readacf(() => {
      reloads++;
      return Promise.resolve();
    });
    put(pvOf(database, 'IOC:READACF'), 2);
    expect(reloads).toBe(0);
    expect(valueOf(pvOf(database, 'IOC:READACF.PACT'))).toBe(0);
  });

  it('needs INAM asSubInit, as the C function needs the callback asSubInit allocates', () => {
    const database = new Database();
    registerAccessSecuritySubroutines(database, () => Promise.resolve());
    database.loadText('record(sub, "R") { field(SNAM, "asSubProcess") field(BRSV, "MAJOR") field(UDF, 0) }');
    put(pvOf(database, 'R'), 1);
    expect(pvOf(database, 'R').alarm()).toMatchObject({
      status: AlarmStatus.SOFT,
      severity: AlarmSeverity.MAJOR,
      message: 'asSubProcess needs INAM "asSubInit"',
    });
  });
});
