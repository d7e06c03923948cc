import { Database } from '../../../src/database';
import { AlarmSeverity, AlarmStatus, EventMask } from '../../../src/database/pv';
import { databaseOf, monitor, put, pvOf, valueOf } from './helpers';

// calc and calcout records as calcRecord.c and calcoutRecord.c process them (fetch_values,
// calcPerform, checkAlarms, monitor; calcout's OOPT, DOPT/OCAL, ODLY, IVOA, OEVT, INAV…).

function scanOnceDone(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

describe('calc', () => {
  it('computes VAL from its inputs each pass, and posts the arguments that changed', () => {
    const database = databaseOf(`
      record(ao, "X") { field(VAL, 7) }
      record(calc, "C") { field(CALC, "A*2+B") field(INPA, "X") field(INPB, 1) }`);
    const masksOfA = monitor(pvOf(database, 'C.A'));
    put(pvOf(database, 'C.PROC'), 1);
    expect(valueOf(pvOf(database, 'C'))).toBe(15);
    expect(pvOf(database, 'C').alarm().severity).toBe(AlarmSeverity.NO_ALARM);
    expect(masksOfA).toEqual([EventMask.VALUE | EventMask.LOG | EventMask.ALARM]);
  });

  it('follows a CP-linked chain after the source changes (dbCa.c: CP monitors scanOnce the record)', async () => {
    const database = databaseOf(
      `
      record(ao, "SRC") {}
      record(calc, "C1") { field(CALC, "A*2") field(INPA, "SRC CP") }
      record(calc, "C2") { field(CALC, "A+1") field(INPA, "C1 CP") }`,
      { start: true },
    );
    put(pvOf(database, 'SRC'), 7);
    for (let i = 0; i < 3; i++) await scanOnceDone();
    expect(valueOf(pvOf(database, 'C1'))).toBe(14);
    expect(valueOf(pvOf(database, 'C2'))).toBe(15);
    database.close();
  });

  it('stores assignments back into A…L', () => {
    const database = databaseOf('record(calc, "C") { field(CALC, "B:=B+1;B*10") }');
    put(pvOf(database, 'C.PROC'), 1);
    put(pvOf(database, 'C.PROC'), 1);
    expect(valueOf(pvOf(database, 'C.B'))).toBe(2);
    expect(valueOf(pvOf(database, 'C'))).toBe(20);
  });

  it('refuses a bad CALC at load with the column of the offending character (the *), and on a put', () => {
    expect(() => new Database().loadText('record(calc, "C") {\n    field(CALC, "A+*(")\n}', { file: 'bad.db' })).toThrow(
      /^bad\.db:2:20: cannot set C\.CALC: bad expression "A\+\*\(": /,
    );
    const database = databaseOf('record(calc, "C") { field(CALC, "A") }');
    expect(put(pvOf(database, 'C.CALC'), 'A+*(')).toMatchObject({ ok: false });
    expect(valueOf(pvOf(database, 'C.CALC'))).toBe('A');
    expect(put(pvOf(database, 'C.CALC'), 'A+5')).toEqual({ ok: true });
    expect(valueOf(pvOf(database, 'C'))).toBe(5);
  });

  it('raises LINK/INVALID and keeps VAL when an input cannot be read', () => {
    const database = databaseOf('record(calc, "C") { field(CALC, "A+1") field(INPA, "ABSENT") }');
    put(pvOf(database, 'C.PROC'), 1);
    expect(valueOf(pvOf(database, 'C'))).toBe(0);
    expect(pvOf(database, 'C').alarm()).toMatchObject({ status: AlarmStatus.LINK, severity: AlarmSeverity.INVALID });
  });
});

describe('calcout', () => {
  it('counts as the HEARTBEAT idiom does: its own VAL through INPA, wrapping at 2147483647', () => {
    const database = databaseOf('record(calcout, "HB") { field(CALC, "(A<2147483647)?A+1:1") field(INPA, "HB") }');
    for (let i = 0; i < 3; i++) put(pvOf(database, 'HB.PROC'), 1);
    expect(valueOf(pvOf(database, 'HB'))).toBe(3);
    put(pvOf(database, 'HB.A'), 2147483647);
    database.record('HB').setField('INPA', '');
    put(pvOf(database, 'HB.A'), 2147483647);
    expect(valueOf(pvOf(database, 'HB'))).toBe(1);
  });

  it.each([
    ['Every Time', [1, 1, 0], [1, 1, 0]],
    ['On Change', [1, 1, 0], [1, 0]],
    ['When Zero', [1, 0, 0], [0, 0]],
    ['Transition To Non-zero', [1, 1, 0, 2], [1, 2]],
  ])('writes OUT as OOPT "%s" says: of %j, %j', (option, values, written) => {
    const database = databaseOf(`
      record(calcout, "CO") { field(CALC, "A") field(OOPT, "${option}") field(OUT, "T PP") }
      record(longin, "T") { field(MDEL, -1) }`);
    const seen: unknown[] = [];
    pvOf(database, 'T').subscribe(() => seen.push(valueOf(pvOf(database, 'T'))));
    for (const value of values) put(pvOf(database, 'CO.A'), value);
    expect(seen).toEqual(written);
  });

  it('writes OCAL with DOPT "Use OCAL", where VAL is OVAL', () => {
    const database = databaseOf(`
      record(calcout, "CO") { field(CALC, "A") field(DOPT, "Use OCAL") field(OCAL, "VAL+A*10") field(OUT, "T") }
      record(ao, "T") {}`);
    put(pvOf(database, 'CO.A'), 1);
    put(pvOf(database, 'CO.A'), 2);
    expect(valueOf(pvOf(database, 'CO.OVAL'))).toBe(30);
    expect(valueOf(pvOf(database, 'T'))).toBe(30);
  });

  it('holds IVOV back or writes it when INVALID, as IVOA says', () => {
    const text = (ivoa: string) => `
      record(calcout, "CO") { field(CALC, "A") field(INPB, "ABSENT") field(IVOA, "${ivoa}") field(IVOV, 9) field(OUT, "T") }
      record(ao, "T") {}`;
    const held = databaseOf(text("Don't drive outputs"));
    put(pvOf(held, 'CO.PROC'), 1);
    expect(valueOf(pvOf(held, 'T'))).toBe(0);
    const replaced = databaseOf(text('Set output to IVOV'));
    put(pvOf(replaced, 'CO.PROC'), 1);
    expect(valueOf(pvOf(replaced, 'T'))).toBe(9);
  });

  it('delays the output by ODLY with DLYA set and PACT held, and posts OEVT when it writes', async () => {
    const database = databaseOf(
      `
      record(calcout, "CO") { field(CALC, "A") field(ODLY, 0.05) field(OUT, "T") field(OEVT, "done") }
      record(ao, "T") {}
      record(longin, "E") { field(SCAN, "Event") field(EVNT, "done") field(INP, "T") }`,
      { start: true },
    );
    const written = new Promise<void>((resolve) => pvOf(database, 'E').subscribe(() => resolve()));
    put(pvOf(database, 'CO.A'), 4);
    expect(valueOf(pvOf(database, 'CO.DLYA'))).toBe(1);
    expect(valueOf(pvOf(database, 'CO.PACT'))).toBe(1);
    expect(valueOf(pvOf(database, 'T'))).toBe(0);
    await written;
    expect(valueOf(pvOf(database, 'E'))).toBe(4);
    expect(valueOf(pvOf(database, 'CO.DLYA'))).toBe(0);
    expect(valueOf(pvOf(database, 'CO.PACT'))).toBe(0);
    database.close();
  });

  it('processes again after the delay when a put came while it was active (dbPutField sets RPRO; recGblFwdLink scanOnce)', async () => {
    const database = databaseOf(
      `
      record(calcout, "CO") { field(CALC, "A") field(ODLY, 0.05) field(OUT, "T PP") }
      record(ao, "T") { field(MDEL, -1) }`,
      { start: true },
    );
    const written: unknown[] = [];
    const twice = new Promise<void>((resolve) =>
      pvOf(database, 'T').subscribe(() => {
        written.push(valueOf(pvOf(database, 'T')));
        if (written.length === 2) resolve();
      }),
    );
    put(pvOf(database, 'CO.A'), 1);
    put(pvOf(database, 'CO.A'), 2);
    expect(valueOf(pvOf(database, 'CO.RPRO'))).toBe(1);
    await twice;
    expect(written).toEqual([1, 2]);
    database.close();
  });

  it('reports each link as constant, local or external and whether it is connected (INAV…, OUTV)', () => {
    const database = databaseOf(`
      record(calcout, "CO") { field(INPA, 1) field(INPB, "X") field(INPC, "X CA") field(INPD, "ABSENT") field(OUT, "X") }
      record(ao, "X") {}`);
    expect(['INAV', 'INBV', 'INCV', 'INDV', 'INEV', 'OUTV'].map((name) => valueOf(pvOf(database, `CO.${name}`)))).toEqual([3, 2, 1, 0, 3, 2]);
  });
});
