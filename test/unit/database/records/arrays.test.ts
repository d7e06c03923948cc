import { AlarmSeverity, AlarmStatus, EventMask } from '../../../../src/database/pv';
import { databaseOf, monitor, put, pvOf } from '../helpers';

// aai and aao as aaiRecord.c/devAaiSoft.c and aaoRecord.c/devAaoSoft.c (EPICS base 7.0) process
// them: elements read from INP (aai), fetched from DOL in closed loop and written to OUT (aao),
// NORD following the elements in use, VAL and HASH posted by MPST/APST On Change.

const elements = (name: string, database: ReturnType<typeof databaseOf>) => Array.from(pvOf(database, name).value() as Float64Array);

describe('aai', () => {
  it('reads an array through INP, NORD following, and loads a constant INP at init', () => {
    const database = databaseOf(`
      record(aai, "IN") { field(FTVL, "DOUBLE") field(NELM, 5) field(INP, "SRC") }
      record(waveform, "SRC") { field(FTVL, "DOUBLE") field(NELM, 5) field(INP, [1, 2, 3]) }
      record(aai, "K") { field(FTVL, "LONG") field(NELM, 4) field(INP, [7, 8]) }`);
    put(pvOf(database, 'IN.PROC'), 1);
    expect(elements('IN', database)).toEqual([1, 2, 3]);
    expect(pvOf(database, 'IN.NORD').value()[0]).toBe(3);
    expect(Array.from(pvOf(database, 'K').value() as Int32Array)).toEqual([7, 8]);
    expect(pvOf(database, 'K.UDF').value()[0]).toBe(0);
  });

  it('posts VAL and HASH only when the elements change, with MPST On Change', () => {
    const database = databaseOf(`
      record(aai, "IN") { field(FTVL, "DOUBLE") field(NELM, 3) field(INP, "SRC") field(MPST, "On Change") field(APST, "On Change") }
      record(waveform, "SRC") { field(FTVL, "DOUBLE") field(NELM, 3) field(INP, [1, 2]) }`);
    put(pvOf(database, 'IN.PROC'), 1);
    const value = monitor(pvOf(database, 'IN'));
    const hash = monitor(pvOf(database, 'IN.HASH'));
    put(pvOf(database, 'IN.PROC'), 1);
    expect(value).toEqual([]);
    put(pvOf(database, 'SRC'), new Float64Array([4, 5, 6]));
    put(pvOf(database, 'IN.PROC'), 1);
    expect(value).toEqual([EventMask.VALUE | EventMask.LOG]);
    expect(hash).toEqual([EventMask.VALUE]);
  });
});

describe('aao', () => {
  it('writes the elements in use to OUT, processing a passive PP target', () => {
    const database = databaseOf(`
      record(aao, "OUT") { field(FTVL, "DOUBLE") field(NELM, 4) field(OUT, "DST PP") }
      record(waveform, "DST") { field(FTVL, "DOUBLE") field(NELM, 4) }`);
    put(pvOf(database, 'OUT'), new Float64Array([1.5, 2.5]));
    expect(elements('DST', database)).toEqual([1.5, 2.5]);
    expect(pvOf(database, 'DST.NORD').value()[0]).toBe(2);
  });

  it('fetches DOL in closed loop (a constant DOL at init), and starts with NORD 0 when OUT is constant', () => {
    const database = databaseOf(`
      record(aao, "A") { field(FTVL, "DOUBLE") field(NELM, 4) field(OMSL, "closed_loop") field(DOL, "SRC") field(OUT, "DST") }
      record(waveform, "SRC") { field(FTVL, "DOUBLE") field(NELM, 4) field(INP, [9, 8, 7]) }
      record(waveform, "DST") { field(FTVL, "DOUBLE") field(NELM, 4) }
      record(aao, "K") { field(FTVL, "DOUBLE") field(NELM, 4) field(OMSL, "closed_loop") field(DOL, [3, 4]) }
      record(aao, "E") { field(FTVL, "DOUBLE") field(NELM, 4) }`);
    put(pvOf(database, 'A.PROC'), 1);
    expect(elements('A', database)).toEqual([9, 8, 7]);
    expect(elements('DST', database)).toEqual([9, 8, 7]);
    expect(elements('K', database)).toEqual([3, 4]);
    expect(pvOf(database, 'E.NORD').value()[0]).toBe(0);
  });

  it('writes SIOL with the SIMS alarm while SIMM is YES (aaoRecord.c writeValue)', () => {
    const database = databaseOf(`
      record(aao, "A") { field(FTVL, "DOUBLE") field(NELM, 2) field(OUT, "REAL") field(SIOL, "FAKE") field(SIMM, "YES") field(SIMS, "MINOR") }
      record(waveform, "REAL") { field(FTVL, "DOUBLE") field(NELM, 2) }
      record(waveform, "FAKE") { field(FTVL, "DOUBLE") field(NELM, 2) }`);
    put(pvOf(database, 'A'), new Float64Array([6, 7]));
    expect(elements('FAKE', database)).toEqual([6, 7]);
    expect(elements('REAL', database)).toEqual([]);
    expect(pvOf(database, 'A').alarm()).toMatchObject({ status: AlarmStatus.SIMM, severity: AlarmSeverity.MINOR });
  });

  it('serves NORD with display and control limits 0…NELM', () => {
    const database = databaseOf('record(aao, "A") { field(FTVL, "DOUBLE") field(NELM, 6) field(HOPR, 10) }');
    expect(pvOf(database, 'A.NORD').metadata()).toMatchObject({ lowerDisplayLimit: 0, upperDisplayLimit: 6, upperControlLimit: 6 });
    expect(pvOf(database, 'A').metadata()).toMatchObject({ upperDisplayLimit: 10, upperControlLimit: 10 });
  });
});
