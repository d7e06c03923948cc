import { AlarmSeverity, AlarmStatus, EventMask } from '../../../../src/database/pv';
import { databaseOf, monitor, put, pvOf, valueOf } from '../helpers';

// mbbiDirect as mbbiDirectRecord.c with devMbbiDirectSoft / devMbbiDirectSoftRaw (EPICS base 7.0)
// processes it: VAL read (Soft Channel) or RVAL & MASK >> SHFT (Raw), B0…B1F following VAL and
// posted when they change, UDF/INVALID while undefined.

describe('mbbiDirect', () => {
  it('reads VAL and serves its bits as B0…B1F, posting the bits that changed', () => {
    const database = databaseOf(`
      record(mbbiDirect, "D") { field(INP, "SRC") field(NOBT, 8) }
      record(longout, "SRC") { field(VAL, 5) }`);
    put(pvOf(database, 'D.PROC'), 1);
    expect(valueOf(pvOf(database, 'D'))).toBe(5);
    expect(['B0', 'B1', 'B2'].map((bit) => valueOf(pvOf(database, `D.${bit}`)))).toEqual([1, 0, 1]);
    const bit1 = monitor(pvOf(database, 'D.B1'));
    const bit0 = monitor(pvOf(database, 'D.B0'));
    put(pvOf(database, 'SRC'), 0x80000003);
    put(pvOf(database, 'D.PROC'), 1);
    expect(bit1).toEqual([EventMask.VALUE | EventMask.LOG]);
    expect(bit0).toEqual([]);
    expect(valueOf(pvOf(database, 'D.B1F'))).toBe(1);
  });

  it('masks RVAL with the NOBT bits shifted by SHFT, then shifts it back (Raw Soft Channel)', () => {
    const database = databaseOf(`
      record(mbbiDirect, "D") { field(DTYP, "Raw Soft Channel") field(INP, "SRC") field(NOBT, 4) field(SHFT, 2) }
      record(longout, "SRC") { field(VAL, 0xff) }`);
    expect(valueOf(pvOf(database, 'D.MASK'))).toBe(0x3c);
    put(pvOf(database, 'D.PROC'), 1);
    expect(valueOf(pvOf(database, 'D.RVAL'))).toBe(0x3c);
    expect(valueOf(pvOf(database, 'D'))).toBe(0xf);
  });

  it('loads a constant INP at init, and alarms UDF/INVALID while nothing was read', () => {
    const constant = databaseOf('record(mbbiDirect, "K") { field(INP, 6) }');
    expect(valueOf(pvOf(constant, 'K'))).toBe(6);
    expect(valueOf(pvOf(constant, 'K.B1'))).toBe(1);
    const database = databaseOf('record(mbbiDirect, "D") { field(INP, "NOT:SERVED") }');
    put(pvOf(database, 'D.PROC'), 1);
    expect(pvOf(database, 'D').alarm().severity).toBe(AlarmSeverity.INVALID);
    expect(pvOf(database, 'D').alarm().status).toBe(AlarmStatus.LINK);
  });
});
