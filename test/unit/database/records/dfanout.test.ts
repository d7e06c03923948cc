import { AlarmSeverity, AlarmStatus } from '../../../../src/database/pv';
import { databaseOf, put, pvOf, valueOf } from '../helpers';

// dfanout as dfanoutRecord.c (EPICS base 7.0) processes it: DOL in closed loop, SELN through SELL,
// push_values by SELM (Specified: SELN 1 is OUTA, 0 writes nothing), limit alarms, deadbands.

const TARGETS = ['TA', 'TB', 'TC'].map((name) => `record(ao, "${name}") {}`).join('\n');

function values(database: ReturnType<typeof databaseOf>): number[] {
  return ['TA', 'TB', 'TC'].map((name) => Number(valueOf(pvOf(database, name))));
}

describe('dfanout', () => {
  it('writes VAL to every output with SELM All, processing passive PP targets', () => {
    const database = databaseOf(`
      record(dfanout, "D") { field(OUTA, "TA PP") field(OUTB, "TB") field(OUTC, "TC.HIGH") }
      ${TARGETS}`);
    put(pvOf(database, 'D'), 2.5);
    expect(values(database)).toEqual([2.5, 2.5, 0]);
    expect(valueOf(pvOf(database, 'TC.HIGH'))).toBe(2.5);
    expect(pvOf(database, 'TA').alarm().status).toBe(AlarmStatus.NO_ALARM);
    expect(pvOf(database, 'TB').alarm().status).toBe(AlarmStatus.UDF);
  });

  it('writes only OUT(SELN) with SELM Specified; SELN 0 writes nothing and SELN 9 alarms SOFT/INVALID', () => {
    const database = databaseOf(`
      record(dfanout, "D") { field(SELM, "Specified") field(SELN, 2) field(OUTA, "TA") field(OUTB, "TB") }
      ${TARGETS}`);
    put(pvOf(database, 'D'), 4);
    expect(values(database)).toEqual([0, 4, 0]);
    put(pvOf(database, 'D.SELN'), 0);
    put(pvOf(database, 'D'), 5);
    expect(values(database)).toEqual([0, 4, 0]);
    put(pvOf(database, 'D.SELN'), 9);
    put(pvOf(database, 'D'), 6);
    expect(pvOf(database, 'D').alarm()).toMatchObject({ status: AlarmStatus.SOFT, severity: AlarmSeverity.INVALID });
  });

  it('writes the outputs whose bits SELN (read through SELL) sets with SELM Mask', () => {
    const database = databaseOf(`
      record(dfanout, "D") { field(SELM, "Mask") field(SELL, "M") field(OUTA, "TA") field(OUTB, "TB") field(OUTC, "TC") }
      record(longout, "M") { field(VAL, 5) }
      ${TARGETS}`);
    put(pvOf(database, 'D'), 7);
    expect(values(database)).toEqual([7, 0, 7]);
    expect(valueOf(pvOf(database, 'D.SELN'))).toBe(5);
  });

  it('fetches DOL in closed loop, loads a constant DOL at init, and alarms on its limits', () => {
    const database = databaseOf(`
      record(dfanout, "D") { field(OMSL, "closed_loop") field(DOL, "SRC") field(OUTA, "TA") field(HIGH, 10) field(HSV, "MINOR") }
      record(ao, "SRC") { field(VAL, 12) }
      record(dfanout, "K") { field(DOL, 3.5) }
      ${TARGETS}`);
    put(pvOf(database, 'D.PROC'), 1);
    expect(valueOf(pvOf(database, 'D'))).toBe(12);
    expect(values(database)[0]).toBe(12);
    expect(pvOf(database, 'D').alarm()).toMatchObject({ status: AlarmStatus.HIGH, severity: AlarmSeverity.MINOR });
    expect(valueOf(pvOf(database, 'K'))).toBe(3.5);
    expect(valueOf(pvOf(database, 'K.UDF'))).toBe(0);
  });

  it('takes LINK/INVALID when an output names a PV this IOC does not serve (dbLink.c dbPutLink)', () => {
    const database = databaseOf('record(dfanout, "D") { field(OUTA, "ELSEWHERE:PV") }');
    put(pvOf(database, 'D'), 1);
    expect(pvOf(database, 'D').alarm()).toMatchObject({ status: AlarmStatus.LINK, severity: AlarmSeverity.INVALID });
  });
});
