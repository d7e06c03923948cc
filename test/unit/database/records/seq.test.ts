import { AlarmSeverity, AlarmStatus, EventMask } from '../../../../src/database/pv';
import type { Database } from '../../../../src/database';
import { databaseOf, monitor, put, pvOf, valueOf } from '../helpers';

// seq as seqRecord.c (EPICS base 7.0) processes it: the selected groups with a link, one after the
// other (each after DLYn, or at the next turn: callbackRequest), DOLn → DOn → LNKn, PACT held until
// the last, then the alarms, SELN posted against OLDN, and FLNK.

/** Resolves when `name` posts a value satisfying `predicate`. */
function valueReached(database: Database, name: string, predicate: (value: number) => boolean): Promise<void> {
  const pv = pvOf(database, name);
  return new Promise((resolve) => {
    const stop = pv.subscribe(() => {
      if (!predicate(Number(valueOf(pv)))) return;
      stop();
      resolve();
    });
  });
}

describe('seq', () => {
  it('writes each group in order after its delay, holding PACT until the last, then follows FLNK', async () => {
    const database = databaseOf(`
      record(seq, "S") {
        field(DOL0, 1) field(LNK0, "TA.HOPR")
        field(DLY1, 0.05) field(DOL1, "SRC") field(LNK1, "TB.HOPR")
        field(DLY2, 0.02) field(DOL2, 3) field(LNK2, "TC.HOPR")
        field(FLNK, "DONE")
      }
      record(ao, "SRC") { field(VAL, 2) }
      record(ai, "TA") {}
      record(ai, "TB") {}
      record(ai, "TC") {}
      record(ai, "DONE") { field(MDEL, -1) }`);
    const order: string[] = [];
    for (const name of ['TA', 'TB', 'TC']) pvOf(database, `${name}.HOPR`).subscribe((mask) => mask & EventMask.VALUE && order.push(name));
    const done = valueReached(database, 'DONE', () => true);
    put(pvOf(database, 'S.PROC'), 1);
    // Even the group without delay waits for the next turn (seqRecord.c processNextLink).
    expect(valueOf(pvOf(database, 'TA.HOPR'))).toBe(0);
    expect(valueOf(pvOf(database, 'S.PACT'))).toBe(1);
    await done;
    expect(order).toEqual(['TA', 'TB', 'TC']);
    expect(['TA', 'TB', 'TC'].map((name) => valueOf(pvOf(database, `${name}.HOPR`)))).toEqual([1, 2, 3]);
    expect(valueOf(pvOf(database, 'S.DO1'))).toBe(2);
    expect(valueOf(pvOf(database, 'S.PACT'))).toBe(0);
    expect(pvOf(database, 'S').alarm()).toMatchObject({ status: AlarmStatus.NO_ALARM, severity: AlarmSeverity.NO_ALARM });
  });

  it('runs only group SELN + OFFS with SELM Specified, SELN read through SELL and posted against OLDN', async () => {
    const database = databaseOf(`
      record(seq, "S") { field(SELM, "Specified") field(SELL, "CHOICE") field(OFFS, -1)
        field(DOL0, 10) field(LNK0, "T.A") field(DOL1, 11) field(LNK1, "T.B") field(FLNK, "DONE") }
      record(longout, "CHOICE") { field(VAL, 2) }
      record(calc, "T") {}
      record(ai, "DONE") { field(MDEL, -1) }`);
    const selection = monitor(pvOf(database, 'S.SELN'));
    const done = valueReached(database, 'DONE', () => true);
    put(pvOf(database, 'S.PROC'), 1);
    await done;
    expect([valueOf(pvOf(database, 'T.A')), valueOf(pvOf(database, 'T.B'))]).toEqual([0, 11]);
    expect(valueOf(pvOf(database, 'S.OLDN'))).toBe(2);
    expect(selection).toEqual([EventMask.VALUE | EventMask.LOG | EventMask.ALARM]);
  });

  it('finishes at once, with SOFT/INVALID, when the selection is out of range', () => {
    const database = databaseOf('record(seq, "S") { field(SELM, "Specified") field(SELN, 16) field(DOL0, 1) field(LNK0, "T.A") }\nrecord(calc, "T") {}');
    put(pvOf(database, 'S.PROC'), 1);
    expect(valueOf(pvOf(database, 'S.PACT'))).toBe(0);
    expect(pvOf(database, 'S').alarm()).toMatchObject({ status: AlarmStatus.SOFT, severity: AlarmSeverity.INVALID });
  });

  it('serves DLYn in seconds with precision 2 and control limits 0…100000 (seqRecord.c, as softIoc 7.0.8 shows)', () => {
    const database = databaseOf('record(seq, "S") { field(PREC, 3) field(DOL1, "SRC") }\nrecord(ai, "SRC") { field(EGU, "mm") field(PREC, 1) field(HOPR, 5) }');
    expect(pvOf(database, 'S.DLY1').metadata()).toMatchObject({ units: 's', precision: 2, lowerControlLimit: 0, upperControlLimit: 100000, lowerDisplayLimit: 10, upperDisplayLimit: 0 });
    // DOn takes its metadata from what DOLn reads; group 0, before DLY1, gets recGbl's defaults.
    expect(pvOf(database, 'S.DO1').metadata()).toMatchObject({ units: 'mm', precision: 1, upperDisplayLimit: 5 });
    expect(pvOf(database, 'S.DLY0').metadata()).toMatchObject({ units: '', precision: 3, upperDisplayLimit: 1e300 });
  });
});
