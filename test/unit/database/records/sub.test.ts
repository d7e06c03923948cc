import { Database, DbFileError } from '../../../../src/database';
import { AlarmSeverity, AlarmStatus, EventMask } from '../../../../src/database/pv';
import type { Subroutine } from '../../../../src/database/subroutines';
import { capturingLogger, monitor, put, pvOf, valueOf } from '../helpers';

// sub as subRecord.c (EPICS base 7.0) processes it: fetch_values (A…L, stopping at the first
// failed link), do_sub (BAD_SUB/INVALID without a subroutine, SOFT/BRSV on a negative status, UDF
// from VAL otherwise), an asynchronous subroutine holding PACT, then alarms and monitor().

function databaseWith(subroutines: Record<string, Subroutine>, text: string): Database {
  const database = new Database();
  for (const [name, subroutine] of Object.entries(subroutines)) database.registerSubroutine(name, subroutine);
  database.loadText(text, { file: 'sub.db' });
  return database;
}

const sum: Subroutine = (record) => {
  record.assign('VAL', record.number('A') + record.number('B'));
};

describe('sub', () => {
  it('calls SNAM with A…L read through their links, and clears UDF', () => {
    const database = databaseWith({ sum }, `
      record(sub, "S") { field(SNAM, "sum") field(INPA, "X") field(INPB, 2) }
      record(ao, "X") { field(VAL, 5) }`);
    const argument = monitor(pvOf(database, 'S.A'));
    put(pvOf(database, 'S.PROC'), 1);
    expect(valueOf(pvOf(database, 'S'))).toBe(7);
    expect(pvOf(database, 'S').alarm()).toMatchObject({ status: AlarmStatus.NO_ALARM, severity: AlarmSeverity.NO_ALARM });
    // monitor(): A changed from its LA copy, so it is posted with VALUE and LOG (and the alarm change).
    expect(argument).toEqual([EventMask.VALUE | EventMask.LOG | EventMask.ALARM]);
  });

  it('calls INAM once at initialisation', () => {
    const initialised: string[] = [];
    databaseWith({ sum, prepare: (record) => void initialised.push(record.name) }, 'record(sub, "S") { field(INAM, "prepare") field(SNAM, "sum") }');
    expect(initialised).toEqual(['S']);
  });

  it('takes a SOFT alarm of severity BRSV on a negative status, or when the subroutine throws (AMSG says why)', () => {
    const database = databaseWith(
      { failing: () => -1, throwing: () => { throw new Error('no such device'); } },
      'record(sub, "F") { field(SNAM, "failing") field(BRSV, "MAJOR") field(UDF, 0) }\nrecord(sub, "T") { field(SNAM, "throwing") field(BRSV, "MINOR") field(UDF, 0) }',
    );
    // UDF 0: a failed subroutine leaves UDF as it was (do_sub), and a UDF/INVALID alarm would outrank BRSV.
    put(pvOf(database, 'F.PROC'), 1);
    put(pvOf(database, 'T.PROC'), 1);
    expect(pvOf(database, 'F').alarm()).toMatchObject({ status: AlarmStatus.SOFT, severity: AlarmSeverity.MAJOR });
    expect(pvOf(database, 'T').alarm()).toMatchObject({ status: AlarmStatus.SOFT, severity: AlarmSeverity.MINOR, message: 'no such device' });
  });

  it('does not call the subroutine when an input link fails (LINK/INVALID)', () => {
    let calls = 0;
    const database = databaseWith({ counted: () => { calls++; } }, 'record(sub, "S") { field(SNAM, "counted") field(INPA, "NOT:HERE") }');
    put(pvOf(database, 'S.PROC'), 1);
    expect(calls).toBe(0);
    expect(pvOf(database, 'S').alarm()).toMatchObject({ status: AlarmStatus.LINK, severity: AlarmSeverity.INVALID });
  });

  it('keeps PACT while an asynchronous subroutine runs, then finishes the pass and follows FLNK', async () => {
    let settle: (status: number) => void = () => undefined;
    const slow: Subroutine = (record) =>
      new Promise<number>((resolve) => {
        settle = (status) => {
          record.assign('VAL', 42);
          resolve(status);
        };
      });
    const database = databaseWith({ slow }, 'record(sub, "S") { field(SNAM, "slow") field(FLNK, "NEXT") }\nrecord(ai, "NEXT") { field(INP, "S") }');
    put(pvOf(database, 'S.PROC'), 1);
    expect(valueOf(pvOf(database, 'S.PACT'))).toBe(1);
    const next = new Promise<void>((resolve) => pvOf(database, 'NEXT').subscribe(() => resolve()));
    settle(0);
    await next;
    expect(valueOf(pvOf(database, 'NEXT'))).toBe(42);
    expect(valueOf(pvOf(database, 'S.PACT'))).toBe(0);
  });

  // subRecord.c init_record and special: an empty SNAM sets PACT, and a put of SNAM clears it (and
  // RPRO) first. softIoc 7.0.8.1 here: PACT 1, UDF/INVALID, LCNT 0 after twelve PROC puts.
  it('holds the record active, unprocessed, while SNAM is empty, and frees it when SNAM is put', () => {
    const { logger, lines } = capturingLogger();
    const database = new Database({ logger });
    database.registerSubroutine('sum', sum);
    database.loadText('record(sub, "S") { field(INPA, 1) field(INPB, 2) }', { file: 'sub.db' });
    expect(lines.filter((line) => line.msg === 'S: SNAM is empty')).toHaveLength(1);
    for (let attempt = 0; attempt < 12; attempt++) put(pvOf(database, 'S.PROC'), 1);
    expect(valueOf(pvOf(database, 'S.PACT'))).toBe(1);
    expect(valueOf(pvOf(database, 'S.RPRO'))).toBe(1);
    expect(valueOf(pvOf(database, 'S.LCNT'))).toBe(0);
    expect(pvOf(database, 'S').alarm()).toMatchObject({ status: AlarmStatus.UDF, severity: AlarmSeverity.INVALID });

    put(pvOf(database, 'S.SNAM'), '');
    expect(lines.filter((line) => line.msg === 'S: SNAM is empty')).toHaveLength(2);
    expect([valueOf(pvOf(database, 'S.PACT')), valueOf(pvOf(database, 'S.RPRO'))]).toEqual([1, 0]);

    put(pvOf(database, 'S.SNAM'), 'sum');
    expect([valueOf(pvOf(database, 'S.PACT')), valueOf(pvOf(database, 'S.RPRO'))]).toEqual([0, 0]);
    put(pvOf(database, 'S.PROC'), 1);
    expect(valueOf(pvOf(database, 'S'))).toBe(3);
    expect(pvOf(database, 'S').alarm()).toMatchObject({ status: AlarmStatus.NO_ALARM, severity: AlarmSeverity.NO_ALARM });

    put(pvOf(database, 'S.SNAM'), '');
    put(pvOf(database, 'S.A'), 5);
    put(pvOf(database, 'S.PROC'), 1);
    expect(valueOf(pvOf(database, 'S.PACT'))).toBe(1);
    expect(valueOf(pvOf(database, 'S'))).toBe(3);
  });

  // A documented difference (README): subRecord.c keeps the old SADR and goes on calling the old subroutine.
  it('alarms BAD_SUB/INVALID when SNAM is emptied while an asynchronous subroutine runs', async () => {
    let settle: (status: number) => void = () => undefined;
    const slow: Subroutine = () => new Promise<number>((resolve) => (settle = resolve));
    const database = databaseWith({ slow }, 'record(sub, "S") { field(SNAM, "slow") }');
    put(pvOf(database, 'S.PROC'), 1);
    put(pvOf(database, 'S.SNAM'), '');
    settle(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(valueOf(pvOf(database, 'S.PACT'))).toBe(0);
    put(pvOf(database, 'S.PROC'), 1);
    expect(pvOf(database, 'S').alarm()).toMatchObject({ status: AlarmStatus.BAD_SUB, severity: AlarmSeverity.INVALID });
  });

  it('refuses at load a subroutine name nobody registered, with file:line:col, and a put of one', () => {
    expect(() => databaseWith({ sum }, 'record(sub, "S") {\n  field(SNAM, "sun")\n}')).toThrow(DbFileError);
    expect(() => databaseWith({ sum }, 'record(sub, "S") {\n  field(SNAM, "sun")\n}')).toThrow(
      'sub.db:2:15: cannot set S.SNAM: no subroutine "sun" is registered (registered: sum)',
    );
    const database = databaseWith({ sum }, 'record(sub, "S") { field(SNAM, "sum") }');
    expect(put(pvOf(database, 'S.SNAM'), 'sun')).toMatchObject({ ok: false, message: 'S.SNAM: no subroutine "sun" is registered (registered: sum)' });
    expect(valueOf(pvOf(database, 'S.SNAM'))).toBe('sum');
  });

  it('refuses to register a name twice', () => {
    const database = new Database();
    database.registerSubroutine('sum', sum);
    expect(() => database.registerSubroutine('sum', sum)).toThrow('a subroutine named "sum" is already registered');
  });
});
