import { AlarmSeverity, AlarmStatus } from '../../../src/database/pv';
import { databaseOf, put, pvOf, valueOf } from './helpers';

// ai/ao conversions, the soft device supports and simulation mode, with the values softIoc
// (EPICS base 7.0) gives: aiRecord.c and aoRecord.c convert(), devAiSoft.c (smoothing),
// devAiSoftRaw.c, devAoSoftRaw.c, aoRecord.c fetch_value (OIF) and process (IVOA), and the
// readValue/writeValue simulation branches (SIML, SIOL, SIMS as SIMM_ALARM).

function processed(text: string, ...names: string[]) {
  const database = databaseOf(text);
  for (const name of names) put(pvOf(database, `${name}.PROC`), 1);
  return database;
}

describe('ai conversions', () => {
  it('converts RVAL read by Raw Soft Channel with LINR LINEAR, ESLO and EOFF: 7 × 2 + 1 = 15', () => {
    const database = processed(
      `
      record(longin, "RAW") { field(VAL, 7) }
      record(ai, "AI") { field(DTYP, "Raw Soft Channel") field(INP, "RAW") field(LINR, "LINEAR") field(ESLO, 2) field(EOFF, 1) }`,
      'AI',
    );
    expect(valueOf(pvOf(database, 'AI'))).toBe(15);
    expect(valueOf(pvOf(database, 'AI.RVAL'))).toBe(7);
  });

  it('applies ROFF, ASLO and AOFF before the slope: ((7 + 2) × 0.5 + 1) × 3 + 4 = 20.5', () => {
    const database = processed(
      `
      record(longin, "RAW") { field(VAL, 7) }
      record(ai, "AI") { field(DTYP, "Raw Soft Channel") field(INP, "RAW") field(LINR, "SLOPE") field(ROFF, 2) field(ASLO, 0.5) field(AOFF, 1) field(ESLO, 3) field(EOFF, 4) }`,
      'AI',
    );
    expect(valueOf(pvOf(database, 'AI'))).toBe(20.5);
  });

  it('starts LINEAR at EGUL when ESLO and EOFF keep their defaults (init_record), but not SLOPE', () => {
    const text = (linr: string) => `
      record(longin, "RAW") { field(VAL, 7) }
      record(ai, "AI") { field(DTYP, "Raw Soft Channel") field(INP, "RAW") field(LINR, "${linr}") field(EGUL, 100) }`;
    expect(valueOf(pvOf(processed(text('LINEAR'), 'AI'), 'AI'))).toBe(107);
    expect(valueOf(pvOf(processed(text('SLOPE'), 'AI'), 'AI'))).toBe(7);
  });

  it('smooths what Soft Channel reads with SMOO, starting from the first value read', () => {
    const database = processed(
      `
      record(ao, "SRC") { field(VAL, 10) }
      record(ai, "AI") { field(INP, "SRC") field(SMOO, 0.5) }`,
      'AI',
    );
    expect(valueOf(pvOf(database, 'AI'))).toBe(10);
    put(pvOf(database, 'SRC'), 20);
    put(pvOf(database, 'AI.PROC'), 1);
    expect(valueOf(pvOf(database, 'AI'))).toBe(15);
  });
});

describe('ao conversions and output', () => {
  it('limits the change of OVAL to OROC per pass and converts OVAL to RVAL: round((3 − 1) / 2) = 1', () => {
    const database = databaseOf(`
      record(ao, "AO") { field(OROC, 3) field(LINR, "SLOPE") field(ESLO, 2) field(EOFF, 1) field(DTYP, "Raw Soft Channel") field(OUT, "T") }
      record(longin, "T") {}`);
    put(pvOf(database, 'AO'), 10);
    expect(valueOf(pvOf(database, 'AO'))).toBe(10);
    expect(valueOf(pvOf(database, 'AO.OVAL'))).toBe(3);
    expect(valueOf(pvOf(database, 'AO.RVAL'))).toBe(1);
    expect(valueOf(pvOf(database, 'T'))).toBe(1);
  });

  it('adds DOL to VAL with OIF Incremental in closed loop', () => {
    const database = databaseOf(`
      record(ao, "STEP") { field(VAL, 2) }
      record(ao, "AO") { field(DOL, "STEP") field(OMSL, "closed_loop") field(OIF, "Incremental") }`);
    put(pvOf(database, 'AO.PROC'), 1);
    put(pvOf(database, 'AO.PROC'), 1);
    expect(valueOf(pvOf(database, 'AO'))).toBe(4);
  });

  it.each([
    ['Continue normally', 5],
    ["Don't drive outputs", 0],
    ['Set output to IVOV', 9],
  ])('in INVALID alarm, with IVOA "%s", writes %d', (ivoa, written) => {
    const database = databaseOf(`
      record(ao, "AO") { field(DOL, "ABSENT") field(OMSL, "closed_loop") field(VAL, 5) field(IVOA, "${ivoa}") field(IVOV, 9) field(OUT, "T") }
      record(ao, "T") {}`);
    put(pvOf(database, 'AO.PROC'), 1);
    expect(pvOf(database, 'AO').alarm()).toMatchObject({ status: AlarmStatus.LINK, severity: AlarmSeverity.INVALID });
    expect(valueOf(pvOf(database, 'T'))).toBe(written);
  });
});

describe('simulation mode', () => {
  const SIMULATED = `
    record(bo, "MODE") { field(VAL, 1) }
    record(ao, "SIM") { field(VAL, 7.9) }
    record(ao, "REAL") { field(VAL, 1) }
    record(ai, "AI") { field(INP, "REAL") field(SIML, "MODE") field(SIOL, "SIM") field(SIMS, "MINOR") field(LINR, "SLOPE") field(ESLO, 10) }`;

  it('reads SIOL instead of INP while SIML gives SIMM YES, with the SIMS alarm', () => {
    const database = processed(SIMULATED, 'AI');
    expect(valueOf(pvOf(database, 'AI'))).toBe(7.9);
    expect(valueOf(pvOf(database, 'AI.SIMM'))).toBe(1);
    expect(pvOf(database, 'AI').alarm()).toMatchObject({ status: AlarmStatus.SIMM, severity: AlarmSeverity.MINOR });
    put(pvOf(database, 'MODE'), 0);
    put(pvOf(database, 'AI.PROC'), 1);
    expect(valueOf(pvOf(database, 'AI'))).toBe(1);
    expect(pvOf(database, 'AI').alarm().severity).toBe(AlarmSeverity.NO_ALARM);
  });

  it('takes floor(SVAL) as RVAL with SIMM RAW, and converts it', () => {
    const database = processed(SIMULATED.replace('field(SIML, "MODE")', 'field(SIMM, "RAW")'), 'AI');
    expect(valueOf(pvOf(database, 'AI.RVAL'))).toBe(7);
    expect(valueOf(pvOf(database, 'AI'))).toBe(70);
  });

  it('scans at SSCN while simulated and at its own SCAN again afterwards (recGblCheckSimm)', () => {
    const database = databaseOf(`
      record(bo, "MODE") {}
      record(ai, "AI") { field(SIML, "MODE") field(SSCN, "1 second") field(SCAN, "10 second") }`);
    put(pvOf(database, 'MODE'), 1);
    put(pvOf(database, 'AI.PROC'), 1);
    expect([valueOf(pvOf(database, 'AI.SCAN')), valueOf(pvOf(database, 'AI.SSCN'))]).toEqual([6, 3]);
    put(pvOf(database, 'AI.SIMM'), 0);
    expect([valueOf(pvOf(database, 'AI.SCAN')), valueOf(pvOf(database, 'AI.SSCN'))]).toEqual([3, 6]);
  });

  it('notes an unconnected SIML as LINK status without a severity (recGblGetSimm: dbTryGetLink, nsta only)', () => {
    const database = processed('record(ai, "AI") { field(SIML, "ABSENT") }', 'AI');
    expect(pvOf(database, 'AI').alarm()).toMatchObject({ status: AlarmStatus.LINK, severity: AlarmSeverity.NO_ALARM });
  });

  it('writes SIOL instead of OUT while simulated', () => {
    const database = databaseOf(`
      record(ao, "AO") { field(SIMM, "YES") field(SIOL, "SIM") field(OUT, "REAL") }
      record(ao, "SIM") {}
      record(ao, "REAL") {}`);
    put(pvOf(database, 'AO'), 3);
    expect(valueOf(pvOf(database, 'SIM'))).toBe(3);
    expect(valueOf(pvOf(database, 'REAL'))).toBe(0);
  });
});
