import { AlarmSeverity, AlarmStatus, EventMask } from '../../../../src/database/pv';
import { databaseOf, monitor, put, pvOf, valueOf } from '../helpers';

// mbboDirect as mbboDirectRecord.c with devMbboDirectSoft / devMbboDirectSoftRaw (EPICS base 7.0)
// processes it: VAL or bit puts (special() moving VAL), DOL in closed loop, RVAL = VAL << SHFT,
// OUT written as VAL (Soft) or RVAL & MASK (Raw), IVOA, monitor() posting changed bits.

describe('mbboDirect', () => {
  it('writes VAL to OUT and serves its bits', () => {
    const database = databaseOf(`
      record(mbboDirect, "W") { field(OUT, "DST PP") field(NOBT, 8) }
      record(longin, "DST") {}`);
    put(pvOf(database, 'W'), 10);
    expect(valueOf(pvOf(database, 'DST'))).toBe(10);
    expect(['B0', 'B1', 'B3'].map((bit) => valueOf(pvOf(database, `W.${bit}`)))).toEqual([0, 1, 1]);
  });

  it('sets one bit of VAL on a put to it, processes, and posts that bit once', () => {
    const database = databaseOf(`
      record(mbboDirect, "W") { field(OUT, "DST PP") field(VAL, 1) }
      record(longin, "DST") {}`);
    // A first pass clears the initial UDF status; its alarm change posts every bit.
    put(pvOf(database, 'W.PROC'), 1);
    const bit2 = monitor(pvOf(database, 'W.B2'));
    put(pvOf(database, 'W.B2'), 1);
    expect(valueOf(pvOf(database, 'W'))).toBe(5);
    expect(valueOf(pvOf(database, 'DST'))).toBe(5);
    // dbPut posts the bit; monitor() does not again, OBIT having followed it (mbboDirectRecord.c special()).
    expect(bit2).toEqual([EventMask.VALUE | EventMask.LOG]);
  });

  it('writes RVAL = VAL << SHFT masked by the NOBT bits (Raw Soft Channel)', () => {
    const database = databaseOf(`
      record(mbboDirect, "W") { field(DTYP, "Raw Soft Channel") field(OUT, "DST PP") field(NOBT, 4) field(SHFT, 4) }
      record(longin, "DST") {}`);
    put(pvOf(database, 'W'), 0x1f);
    expect(valueOf(pvOf(database, 'W.RVAL'))).toBe(0x1f0);
    expect(valueOf(pvOf(database, 'DST'))).toBe(0xf0);
  });

  it('fetches DOL in closed loop, and alarms UDF without a value', () => {
    const database = databaseOf(`
      record(mbboDirect, "W") { field(OMSL, "closed_loop") field(DOL, "SRC") }
      record(longout, "SRC") { field(VAL, 3) }
      record(mbboDirect, "U") { field(UDFS, "MAJOR") }`);
    put(pvOf(database, 'W.PROC'), 1);
    expect(valueOf(pvOf(database, 'W'))).toBe(3);
    put(pvOf(database, 'U.PROC'), 1);
    expect(pvOf(database, 'U').alarm()).toMatchObject({ status: AlarmStatus.UDF, severity: AlarmSeverity.MAJOR });
  });

  it('refuses a bit put while OMSL is closed_loop (special() returning S_db_noMod)', () => {
    const database = databaseOf('record(mbboDirect, "W") { field(OMSL, "closed_loop") field(DOL, "SRC") }\nrecord(longout, "SRC") {}');
    expect(put(pvOf(database, 'W.B0'), 1)).toMatchObject({ ok: false, message: 'W.B0: B0 cannot be written while OMSL is closed_loop' });
    expect(valueOf(pvOf(database, 'W.B0'))).toBe(0);
  });

  it('takes VAL from bits set in the .db file', () => {
    const database = databaseOf('record(mbboDirect, "W") { field(B1, 1) field(B4, 1) }');
    expect(valueOf(pvOf(database, 'W'))).toBe(18);
    expect(valueOf(pvOf(database, 'W.UDF'))).toBe(0);
  });
});
