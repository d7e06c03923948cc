import type { Database } from '../../../src/database';
import { databaseOf, put, putWithCompletion, pvOf, valueOf } from './helpers';

// Whether a client's put processes the record, as a pvAccess put's record._options.process asks
// QSRV (pvxs ioc/iocsource.cpp doPostProcessing): 'passive' as dbPutField (dbAccess.c: PROC, or a
// pp(TRUE) field of a passive record), 'always' whatever the field and SCAN, 'never' except a put
// to PROC, which doPostProcessing tests first. A link field is put through dbPutField whatever was
// asked (iocsource.cpp doDbPut). CNT counts C's passes through FLNK.
const DATABASE = `
  record(calc, "C") { field(CALC, "A+1") field(FLNK, "CNT") }
  record(calc, "CNT") { field(CALC, "VAL+1") }
  record(calc, "SCANNED") { field(CALC, "A+1") field(SCAN, "10 second") field(FLNK, "SCNT") }
  record(calc, "SCNT") { field(CALC, "VAL+1") }
  record(calcout, "CO") { field(CALC, "A") field(ODLY, 0.5) }`;

const passes = (database: Database, counter = 'CNT') => valueOf(pvOf(database, counter));

describe('a client put’s processing', () => {
  let database: Database;
  beforeEach(() => (database = databaseOf(DATABASE, { start: true })));
  afterEach(() => database.close());

  it('passive: a PP field of a passive record processes it, DESC does not', () => {
    put(pvOf(database, 'C.A'), 4, 'passive');
    expect([valueOf(pvOf(database, 'C')), passes(database)]).toEqual([5, 1]);
    put(pvOf(database, 'C.DESC'), 'a note', 'passive');
    expect(passes(database)).toBe(1);
  });

  it('always: a field that is not PP processes the record, and so does a put to a record that is not passive', () => {
    put(pvOf(database, 'C.DESC'), 'a note', 'always');
    expect(passes(database)).toBe(1);
    put(pvOf(database, 'SCANNED.A'), 2, 'passive');
    expect(passes(database, 'SCNT')).toBe(0);
    put(pvOf(database, 'SCANNED.A'), 2, 'always');
    expect([valueOf(pvOf(database, 'SCANNED')), passes(database, 'SCNT')]).toEqual([3, 1]);
  });

  it('never: the value is stored without processing, but a put to PROC still processes', () => {
    put(pvOf(database, 'C.A'), 4, 'never');
    expect([valueOf(pvOf(database, 'C.A')), valueOf(pvOf(database, 'C')), passes(database)]).toEqual([4, 0, 0]);
    put(pvOf(database, 'C.PROC'), 1, 'never');
    expect([valueOf(pvOf(database, 'C')), passes(database)]).toEqual([5, 1]);
  });

  it('a link field is put as dbPutField puts it, whatever was asked', () => {
    put(pvOf(database, 'C.INPB'), 'SCANNED', 'always');
    expect([valueOf(pvOf(database, 'C.INPB')), passes(database)]).toEqual(['SCANNED', 0]);
  });

  it('always, to a busy record: marked to process again (RPRO), as a PP put is', () => {
    jest.useFakeTimers();
    try {
      put(pvOf(database, 'CO.A'), 1);
      put(pvOf(database, 'CO.DESC'), 'a note', 'always');
      expect(['PACT', 'RPRO'].map((field) => valueOf(pvOf(database, `CO.${field}`)))).toEqual([1, 1]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('with completion: always processes a field that is not PP and is answered after; passive does not process it', async () => {
    expect(await putWithCompletion(pvOf(database, 'C.DESC'), 'a note', undefined, 'passive')).toEqual({ ok: true });
    expect(passes(database)).toBe(0);
    expect(await putWithCompletion(pvOf(database, 'C.DESC'), 'another', undefined, 'always')).toEqual({ ok: true });
    expect(passes(database)).toBe(1);
  });
});
