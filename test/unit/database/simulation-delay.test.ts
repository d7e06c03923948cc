import { AlarmSeverity, AlarmStatus } from '../../../src/database/pv';
import { databaseOf, put, pvOf, valueOf } from './helpers';

// SDLY: a simulated record with SDLY ≥ 0 completes asynchronously, SDLY seconds later. The
// expected sequence is EPICS base 7.0's readValue/writeValue simulation branch (aiRecord.c,
// aoRecord.c and every record type with SIMM: `callbackRequestProcessCallbackDelayed` with PACT
// set, then process() again, which reads or writes SIOL without reading SIML again). softIoc
// 7.0.8.1, by hand with caput/caget on an ai (SIOL "SIM", SIMS MINOR, SDLY 0.5, FLNK to a
// counting calc): right after `caput AI.PROC 1`, AI 0, PACT 1, UDF/INVALID, the calc 0; 0.8 s
// later AI 7, PACT 0, SIMM/MINOR, the calc 1. An ao (SIOL "OUTSIM PP", SDLY 0.5): after
// `caput AO 5`, PACT 1 and OUTSIM 0; 0.8 s later PACT 0 and OUTSIM 5.

describe('simulation delay (SDLY)', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('reads SIOL SDLY seconds after the pass began, with PACT set and FLNK not followed meanwhile', () => {
    const database = databaseOf(`
      record(ao, "SIM") { field(VAL, 7) }
      record(ai, "AI") { field(INP, "REAL") field(SIMM, "YES") field(SIOL, "SIM") field(SIMS, "MINOR") field(SDLY, 0.5) field(FLNK, "CNT") }
      record(ai, "REAL") { field(VAL, 3) }
      record(calc, "CNT") { field(CALC, "A+1") field(INPA, "CNT") }`);
    void put(pvOf(database, 'AI.PROC'), 1);
    expect([valueOf(pvOf(database, 'AI')), valueOf(pvOf(database, 'AI.PACT')), valueOf(pvOf(database, 'CNT'))]).toEqual([0, 1, 0]);
    expect(pvOf(database, 'AI').alarm()).toMatchObject({ status: AlarmStatus.UDF, severity: AlarmSeverity.INVALID });
    jest.advanceTimersByTime(499);
    expect(valueOf(pvOf(database, 'AI.PACT'))).toBe(1);
    jest.advanceTimersByTime(1);
    expect([valueOf(pvOf(database, 'AI')), valueOf(pvOf(database, 'AI.PACT')), valueOf(pvOf(database, 'CNT'))]).toEqual([7, 0, 1]);
    expect(pvOf(database, 'AI').alarm()).toMatchObject({ status: AlarmStatus.SIMM, severity: AlarmSeverity.MINOR });
  });

  it('writes SIOL SDLY seconds after a put, and fetches DOL only once (aoRecord.c: fetch_value and convert only when !pact)', () => {
    const database = databaseOf(`
      record(ao, "DELTA") { field(VAL, 2) }
      record(ao, "AO") { field(VAL, 10) field(OMSL, "closed_loop") field(DOL, "DELTA") field(OIF, "Incremental") field(SIMM, "YES") field(SIOL, "OUTSIM PP") field(SDLY, 0.2) field(OUT, "REAL PP") }
      record(ai, "OUTSIM") {}
      record(ai, "REAL") {}`);
    void put(pvOf(database, 'AO.PROC'), 1);
    expect([valueOf(pvOf(database, 'AO.PACT')), valueOf(pvOf(database, 'OUTSIM'))]).toEqual([1, 0]);
    jest.advanceTimersByTime(200);
    expect([valueOf(pvOf(database, 'AO')), valueOf(pvOf(database, 'AO.PACT')), valueOf(pvOf(database, 'OUTSIM'))]).toEqual([12, 0, 12]);
    expect(valueOf(pvOf(database, 'REAL'))).toBe(0);
  });

  it('takes SIMM as it is when the delay ends: a record switched out of simulation meanwhile writes OUT', () => {
    const database = databaseOf(`
      record(ao, "AO") { field(SIMM, "YES") field(SIOL, "OUTSIM PP") field(SDLY, 0.2) field(OUT, "REAL PP") }
      record(ai, "OUTSIM") {}
      record(ai, "REAL") {}`);
    void put(pvOf(database, 'AO'), 4);
    void put(pvOf(database, 'AO.SIMM'), 0);
    jest.advanceTimersByTime(200);
    expect([valueOf(pvOf(database, 'OUTSIM')), valueOf(pvOf(database, 'REAL'))]).toEqual([0, 4]);
  });

  // dbPutField stores VAL while PACT is set and asks for RPRO; the resumed pass writes the OVAL
  // its first pass converted (aoRecord.c convert() runs only when !pact), then the put's pass runs.
  it('processes a put made during the delay once the pass is over (RPRO)', () => {
    const database = databaseOf(`
      record(ao, "AO") { field(SIMM, "YES") field(SIOL, "OUTSIM PP") field(SDLY, 0.2) }
      record(ai, "OUTSIM") {}`);
    void put(pvOf(database, 'AO'), 4);
    void put(pvOf(database, 'AO'), 5);
    jest.advanceTimersByTime(200);
    expect(valueOf(pvOf(database, 'OUTSIM'))).toBe(4);
    jest.advanceTimersToNextTimer(); // the scanOnce request RPRO made
    expect(valueOf(pvOf(database, 'AO.PACT'))).toBe(1);
    jest.advanceTimersByTime(200);
    expect([valueOf(pvOf(database, 'OUTSIM')), valueOf(pvOf(database, 'AO.PACT'))]).toEqual([5, 0]);
  });

  it('completes at once with SDLY -1, its default (dbCommonInput.dbd: initial("-1.0"))', () => {
    const database = databaseOf(`
      record(ao, "SIM") { field(VAL, 7) }
      record(ai, "AI") { field(SIMM, "YES") field(SIOL, "SIM") }`);
    void put(pvOf(database, 'AI.PROC'), 1);
    expect([valueOf(pvOf(database, 'AI')), valueOf(pvOf(database, 'AI.PACT'))]).toEqual([7, 0]);
  });

  // Each record type whose .dbd.pod in base 7.0.8 has SDLY (through dbCommonInput/Output or its own).
  it.each([
    ['ai', 'field(SIOL, "SRC")', 'VAL', 7],
    // biRecord.c readValue: VAL = SVAL with SIMM YES, not reduced to 0/1 (that is RAW's convert).
    ['bi', 'field(SIOL, "SRC")', 'VAL', 7],
    ['mbbi', 'field(SIOL, "SRC")', 'VAL', 7],
    ['mbbiDirect', 'field(SIOL, "SRC")', 'VAL', 7],
    ['longin', 'field(SIOL, "SRC")', 'VAL', 7],
    ['int64in', 'field(SIOL, "SRC")', 'VAL', 7],
    ['stringin', 'field(SIOL, "SRC")', 'VAL', '7'],
    ['lsi', 'field(SIOL, "SRC")', 'VAL', '7'],
    ['event', 'field(SIOL, "SRC")', 'VAL', '7'],
    ['waveform', 'field(SIOL, "SRC") field(FTVL, "DOUBLE") field(NELM, 1)', 'VAL', 7],
    ['aai', 'field(SIOL, "SRC") field(FTVL, "DOUBLE") field(NELM, 1)', 'VAL', 7],
    ['histogram', 'field(SIOL, "SRC") field(LLIM, 0) field(ULIM, 10) field(NELM, 10)', 'SGNL', 7],
    ['ao', 'field(SIOL, "SINK PP") field(VAL, 7)', 'SINK', 7],
    ['bo', 'field(SIOL, "SINK PP") field(VAL, 1)', 'SINK', 1],
    ['mbbo', 'field(SIOL, "SINK PP") field(VAL, 7)', 'SINK', 7],
    ['mbboDirect', 'field(SIOL, "SINK PP") field(VAL, 7)', 'SINK', 7],
    ['longout', 'field(SIOL, "SINK PP") field(VAL, 7)', 'SINK', 7],
    ['int64out', 'field(SIOL, "SINK PP") field(VAL, 7)', 'SINK', 7],
    ['stringout', 'field(SIOL, "SINK PP") field(VAL, "7")', 'SINK', 7],
    ['lso', 'field(SIOL, "SINK PP") field(OMSL, "closed_loop") field(DOL, "SRC")', 'SINK', 7],
    ['aao', 'field(SIOL, "SINK PP") field(FTVL, "DOUBLE") field(NELM, 1) field(OMSL, "closed_loop") field(DOL, "SRC")', 'SINK', 7],
  ])('%s completes its simulated pass SDLY seconds later', (type, settings, field, expected) => {
    const database = databaseOf(`
      record(ao, "SRC") { field(VAL, 7) }
      record(ao, "SINK") {}
      record(${type}, "R") { field(SIMM, "YES") field(SDLY, 0.1) ${settings} }`);
    const observed = field === 'SINK' ? 'SINK' : `R.${field}`;
    const before = valueOf(pvOf(database, observed));
    void put(pvOf(database, 'R.PROC'), 1);
    expect(valueOf(pvOf(database, 'R.PACT'))).toBe(1);
    expect(valueOf(pvOf(database, observed))).toBe(before);
    jest.advanceTimersByTime(100);
    expect(valueOf(pvOf(database, 'R.PACT'))).toBe(0);
    expect(valueOf(pvOf(database, observed))).toBe(expected);
  });
});
