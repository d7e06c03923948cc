import { Database } from '../../../src/database';
import { capturingLogger, put, putWithCompletion, pvOf } from './helpers';

// TPRO as dbAccess.c's dbProcess traces: the record with TPRO set and, through the lock set's
// trace flag, every record its processing processes. softIoc 7.0.8.1 by hand, a bo (TPRO 1, OUT
// "BOT PP") and a longin BOT (TPRO 0), `caput BO 1`, printed "ca:root@vm: dbProcess of 'BO'"
// then "ca:root@vm: dbProcess of 'BOT'"; an ai (TPRO 1, SIMM YES, SDLY 0.5, FLNK "CNT")
// printed "ca:root@vm: dbProcess of 'AI'" and nothing for CNT, which the delayed second pass
// processed from a callback thread.

function traced(text: string) {
  const { logger, lines } = capturingLogger();
  const database = new Database({ logger });
  database.loadText(text);
  const traces = () => lines.filter((line) => line.msg.includes('dbProcess')).map((line) => line.msg);
  return { database, traces, lines };
}

describe('TPRO', () => {
  afterEach(() => jest.useRealTimers());

  it('logs the traced record and the records its links process, naming the client whose put began it', () => {
    const { database, traces, lines } = traced(`
      record(bo, "BO") { field(TPRO, 1) field(OUT, "BOT PP") }
      record(longin, "BOT") { field(FLNK, "LAST") }
      record(calc, "LAST") {}`);
    void put(pvOf(database, 'BO'), 1);
    expect(traces()).toEqual(["tester@localhost: dbProcess of 'BO'", "tester@localhost: dbProcess of 'BOT'", "tester@localhost: dbProcess of 'LAST'"]);
    expect(lines.find((line) => line.msg.includes("'BO'"))).toMatchObject({ level: 30, record: 'BO', client: 'tester@localhost' });
  });

  it('logs nothing for records without TPRO processed on their own, before or after a traced one', () => {
    const { database, traces } = traced(`
      record(ao, "A") { field(TPRO, 1) }
      record(ao, "B") { field(FLNK, "A") }
      record(ao, "C") {}`);
    void put(pvOf(database, 'C.PROC'), 1);
    expect(traces()).toEqual([]);
    void put(pvOf(database, 'B.PROC'), 1);
    expect(traces()).toEqual(["tester@localhost: dbProcess of 'A'"]);
    void put(pvOf(database, 'C.PROC'), 1);
    expect(traces()).toHaveLength(1);
  });

  it('logs a disabled record and an active one as dbProcess does', () => {
    jest.useFakeTimers();
    const { database, traces } = traced(`
      record(ao, "D") { field(TPRO, 1) field(DISV, 0) }
      record(ao, "S") { field(TPRO, 1) field(SIMM, "YES") field(SDLY, 1) }
      record(ao, "T") { field(FLNK, "S") }`);
    void put(pvOf(database, 'D.PROC'), 1);
    void put(pvOf(database, 'S.PROC'), 1);
    // A put to S.PROC now would only set RPRO (dbPutField, untraced); a forward link calls
    // dbProcess, after processTarget (dbDbLink.c) has set RPRO, as T's pass is a put's (PUTF).
    // softIoc 7.0.8.1: an ao with OUT "CO.A PP" put while calcout CO (TPRO 1) waited ODLY printed
    // "ca:root@vm: dbProcess of Active 'CO' with RPRO=1".
    void put(pvOf(database, 'T.PROC'), 1);
    expect(traces()).toEqual([
      "tester@localhost: dbProcess of Disabled 'D'",
      "tester@localhost: dbProcess of 'S'",
      "tester@localhost: dbProcess of Active 'S' with RPRO=1",
    ]);
  });

  // dbNotify.c restarts a put with completion that waited for a busy record from a callback
  // thread, where dbServerClient finds no client: softIoc 7.0.8.1 (calcout CO, TPRO 1, ODLY 0.5;
  // `caput CO.A 1`, `caput CO.A 2`, `caput -c CO.A 3` within ODLY) printed "ca:root@vm: dbProcess
  // of 'CO'", "cbLow: dbProcess of 'CO'", "scanOnce: dbProcess of Active 'CO' with RPRO=0". Here
  // the restarted put's line names the client whose put it is, as its first line did; the
  // scanOnce pass that RPRO asked for is no client's.
  it('names the client in the line of a put with completion that restarts after waiting for the record', async () => {
    jest.useFakeTimers();
    const { database, traces } = traced(`
      record(calcout, "CO") { field(TPRO, 1) field(CALC, "A") field(ODLY, 0.5) }`);
    database.start();
    void put(pvOf(database, 'CO.A'), 1);
    void put(pvOf(database, 'CO.A'), 2);
    const answered = putWithCompletion(pvOf(database, 'CO.A'), 3);
    jest.advanceTimersByTime(500);
    jest.advanceTimersToNextTimer();
    jest.advanceTimersByTime(500);
    jest.advanceTimersToNextTimer();
    expect(await answered).toEqual({ ok: true });
    expect(traces()).toEqual(["tester@localhost: dbProcess of 'CO'", "tester@localhost: dbProcess of 'CO'", "dbProcess of Active 'CO' with RPRO=0"]);
    database.close();
  });

  it('does not trace what the delayed second pass of a simulated record processes (a callback, not dbProcess)', () => {
    jest.useFakeTimers();
    const { database, traces } = traced(`
      record(ai, "AI") { field(TPRO, 1) field(SIMM, "YES") field(SDLY, 0.5) field(FLNK, "CNT") }
      record(calc, "CNT") { field(CALC, "A+1") field(INPA, "CNT") }`);
    void put(pvOf(database, 'AI.PROC'), 1);
    jest.advanceTimersByTime(500);
    expect(pvOf(database, 'CNT').value()[0]).toBe(1);
    expect(traces()).toEqual(["tester@localhost: dbProcess of 'AI'"]);
  });
});
