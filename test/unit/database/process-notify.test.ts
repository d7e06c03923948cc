import { Database } from '../../../src/database';
import { EventMask, type WriteResult } from '../../../src/database/pv';
import { databaseOf, put, putWithCompletion, pvOf, valueOf, write } from './helpers';

// A put with completion (CA's WRITE_NOTIFY, a pvAccess put with block=true) as EPICS base's
// dbNotify.c completes it. Each case names the dbNotify.c function whose rule it copies, and says what softIoc 7.0.8.1
// did on the same shape of database (caput -c, pyepics caput(wait=True), camonitor by hand).
// Order is shown by events: the monitors of a record and the put's answer land in one log.

/** Logs `NAME=value` for each value a record's VAL posts, and `done NAME` (with the error, if any) when a put answers. */
class EventLog {
  readonly lines: string[] = [];

  constructor(private readonly database: Database) {}

  watch(...names: string[]): this {
    for (const name of names) {
      const pv = pvOf(this.database, name);
      pv.subscribe((mask) => {
        if (mask & EventMask.VALUE) this.lines.push(`${name}=${String(valueOf(pv))}`);
      });
    }
    return this;
  }

  /** A put with completion whose answer is logged; resolves with it. */
  async put(name: string, value: number, signal?: AbortSignal): Promise<WriteResult> {
    const result = await putWithCompletion(pvOf(this.database, name), value, signal);
    this.lines.push(result.ok ? `done ${name}` : `done ${name}: ${result.message}`);
    return result;
  }
}

/** Lets the deferred halves (callbackRequest, scanOnce) run that are already queued. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

let database: Database | undefined;
afterEach(() => {
  database?.close();
  database = undefined;
});

function load(text: string): Database {
  database = databaseOf(text, { start: true });
  return database;
}

const CHAIN = `
  record(ao, "IN") { field(FLNK, "CO") }
  record(calcout, "CO") { field(CALC, "A") field(INPA, "IN") field(ODLY, 0.02) field(OUT, "OUT PP") }
  record(ao, "OUT") {}`;

// dbNotifyAdd (called by dbDbLink.c processTarget) puts CO, reached by IN's FLNK, on the put's
// wait list; dbNotifyCompletion from CO's recGblFwdLink after ODLY ends it. softIoc: caput -c
// PN:IN 5 answered 1.0 s later (ODLY 1), after camonitor showed PN:OUT 5 and PN:CO 5.
it('answers a put whose FLNK reaches a calcout with ODLY after the delayed output', async () => {
  const log = new EventLog(load(CHAIN)).watch('OUT', 'CO');
  const answered = log.put('IN', 5);
  await settle();
  expect(valueOf(pvOf(database!, 'CO.PACT'))).toBe(1);
  expect(log.lines).toEqual([]);
  await answered;
  expect(log.lines).toEqual(['OUT=5', 'CO=5', 'done IN']);
});

// The same through a PP output link: processTarget from dbPutLink. softIoc: caput -c PN:A 6 with
// OUT "PN:CO2.A PP" and ODLY 0.5 answered after PN:OUT2 showed 6.
it('answers a put whose PP output link reaches an asynchronous record after that record has finished', async () => {
  const log = new EventLog(
    load(`
    record(ao, "A") { field(OUT, "CO.A PP") }
    record(calcout, "CO") { field(CALC, "A") field(ODLY, 0.02) field(OUT, "OUT PP") }
    record(ao, "OUT") {}`),
  ).watch('OUT');
  await log.put('A', 6);
  expect(log.lines).toEqual(['OUT=6', 'done A']);
});

// The same through a PP input link: processTarget from dbDbGetValue. softIoc: caput -c PI:C.PROC 1
// with INPA "PI:CO PP" (calcout VAL+1, ODLY 1): PI:C took 1 at once, PI:OUT 1 a second later,
// and only then was the put answered.
it('answers a put whose PP input link processes an asynchronous record after that record has finished', async () => {
  const log = new EventLog(
    load(`
    record(calc, "C") { field(CALC, "A") field(INPA, "CO PP") }
    record(calcout, "CO") { field(CALC, "VAL+1") field(ODLY, 0.02) field(OUT, "OUT PP") }
    record(ao, "OUT") {}`),
  ).watch('C', 'OUT');
  await log.put('C.PROC', 1);
  expect(log.lines).toEqual(['C=1', 'OUT=1', 'done C.PROC']);
});

// seqRecord.c keeps PACT through its DLYn callbacks and calls recGblFwdLink after the last
// link: dbNotifyCompletion then. softIoc: caput -c PN:SEQ 7 (DLY1 1) answered after PN:SEQOUT 7.
it('answers a put to a seq with delays after its delayed links were written', async () => {
  const log = new EventLog(
    load(`
    record(seq, "SEQ") { field(SELM, "All") field(DLY1, 0.02) field(DOL1, "SEQ.VAL") field(LNK1, "OUT PP") }
    record(ao, "OUT") {}`),
  ).watch('OUT');
  await log.put('SEQ', 7);
  expect(log.lines).toEqual(['OUT=7', 'done SEQ']);
});

// Simulation with SDLY: the record stays PACT until its second pass (recGbl simulation,
// callbackRequestProcessCallbackDelayed). softIoc: caput -c PN:SIM.PROC 1 (SDLY 1) answered
// 1.0 s later, after camonitor showed PN:SIM take the SIOL value 3.
it('answers a put to a simulated record with SDLY after the simulated read', async () => {
  const log = new EventLog(
    load(`
    record(ao, "SRC") { field(VAL, 3) field(PINI, "YES") }
    record(ai, "SIM") { field(SIMM, "YES") field(SIOL, "SRC") field(SDLY, 0.02) }`),
  ).watch('SIM');
  await log.put('SIM.PROC', 1);
  expect(log.lines).toEqual(['SIM=3', 'done SIM.PROC']);
});

// A sub whose function returns a promise stays PACT until it settles; recGblFwdLink then, and
// dbNotifyCompletion with it (as for any asynchronous device support that calls back later).
it('answers a put to a sub whose subroutine answers later once it has settled', async () => {
  let settleSubroutine: (status: number) => void = () => undefined;
  database = new Database();
  database.registerSubroutine('later', () => new Promise<number>((resolve) => (settleSubroutine = resolve)));
  database.loadText('record(sub, "SUB") { field(SNAM, "later") }');
  database.start();
  let answered = false;
  const put = putWithCompletion(pvOf(database, 'SUB.PROC'), 1).then((result) => ((answered = true), result));
  await settle();
  expect([answered, valueOf(pvOf(database, 'SUB.PACT'))]).toEqual([false, 1]);
  settleSubroutine(0);
  expect(await put).toEqual({ ok: true });
  expect(valueOf(pvOf(database, 'SUB.PACT'))).toBe(0);
});

// processNotifyCommon: a record busy (PACT) when the put comes is not written then; the put waits
// for it (notifyRestartInProgress) and is made, and the record processed, after it finished.
// softIoc: caput -c PN:BUSY.A 10 during a plain-started ODLY pass: PN:BUSY.A still 0 until that
// pass ended, then A 10, VAL 11, and the answer after the second pass.
it('writes a put to a busy record only once it has finished, then processes it and answers after that pass', async () => {
  const log = new EventLog(
    load(`
    record(calcout, "CO") { field(CALC, "A+1") field(ODLY, 0.02) field(OUT, "OUT PP") }
    record(ao, "OUT") {}`),
  ).watch('OUT');
  put(pvOf(database!, 'CO.PROC'), 1);
  const answered = log.put('CO.A', 10);
  await settle();
  expect(valueOf(pvOf(database!, 'CO.A'))).toBe(0);
  await answered;
  expect(log.lines).toEqual(['OUT=1', 'OUT=11', 'done CO.A']);
});

// processNotifyCommon and restartCheck: a record held by one put with completion makes the next
// wait on its restartList; it is written and processed once the first has completed.
// softIoc: two caput -c to PN:BUSY.PROC 0.1 s apart answered 1 s and 2 s after the first.
it('queues a put to a record another put with completion holds, and runs it after the first has completed', async () => {
  const log = new EventLog(
    load(`
    record(calcout, "CO") { field(CALC, "A") field(ODLY, 0.02) field(OUT, "OUT PP") }
    record(ao, "OUT") { field(MDEL, -1) }`),
  ).watch('OUT');
  const first = log.put('CO.A', 1);
  const second = log.put('CO.A', 2);
  await settle();
  expect(valueOf(pvOf(database!, 'CO.A'))).toBe(1);
  await Promise.all([first, second]);
  expect(log.lines).toEqual(['OUT=1', 'done CO.A', 'OUT=2', 'done CO.A']);
});

// Not in dbNotify.c (C has no throw): a put that throws when it is made at last, after waiting
// for a busy record, is answered with the reason and lets the record go to the next put.
it('answers a put that throws when it is made after waiting, and holds the record no longer', async () => {
  const log = new EventLog(
    load(`
    record(calcout, "CO") { field(CALC, "A") field(ODLY, 0.02) field(OUT, "OUT PP") }
    record(ao, "OUT") { field(MDEL, -1) }`),
  ).watch('OUT');
  put(pvOf(database!, 'CO.PROC'), 1);
  const record = database!.fieldAddress('CO')!.record;
  jest.spyOn(record, 'store').mockImplementationOnce(() => {
    throw new Error('record support failed');
  });
  await log.put('CO.A', 5);
  expect(record.notify).toBeUndefined();
  await log.put('CO.A', 6);
  expect(log.lines).toEqual(['OUT=0', 'done CO.A: CO.A: CO: write failed: record support failed', 'OUT=6', 'done CO.A']);
});

// dbProcess of a disabled record calls dbNotifyCompletion: the put is made and answered at once,
// with success, and FLNK is not followed. softIoc: caput -c PN:DIS 4 (DISA = DISV) exited 0,
// PN:DIS read 4 afterwards and PN:DISOUT stayed 0.
it('completes a put to a disabled record at once, with the value stored and FLNK not followed', async () => {
  const log = new EventLog(
    load(`
    record(ao, "DIS") { field(DISV, 1) field(DISA, 1) field(FLNK, "NEXT") }
    record(calc, "NEXT") { field(CALC, "VAL+1") }`),
  );
  const result = await log.put('DIS', 4);
  expect(result).toEqual({ ok: true });
  expect(valueOf(pvOf(database!, 'DIS'))).toBe(4);
  expect(valueOf(pvOf(database!, 'NEXT'))).toBe(0);
});

// processNotifyCommon with DISP set: putDisabledType, notifyError, which rsrv answers ECA_PUTFAIL.
// softIoc: caput -c PN:DISP 4 printed "Channel write request failed" and exited 1; VAL stayed 0.
it('refuses a put with completion to a record with puts disabled (DISP)', async () => {
  const log = new EventLog(load('record(ao, "DISP") { field(DISP, 1) }'));
  const result = await log.put('DISP', 4);
  expect(result).toMatchObject({ ok: false, error: 'rejected' });
  expect(valueOf(pvOf(database!, 'DISP'))).toBe(0);
});

// processNotifyCommon: a put that does not process the record (not PP, or a scanned record)
// is answered as soon as it is made (callDone with no wait).
it('answers at once a put that processes nothing', async () => {
  const log = new EventLog(load('record(calcout, "CO") { field(CALC, "A") field(ODLY, 1) field(SCAN, "10 second") }'));
  await log.put('CO.A', 3);
  expect(valueOf(pvOf(database!, 'CO.PACT'))).toBe(0);
  expect(log.lines).toEqual(['done CO.A']);
});

// Better than base, on purpose: compressRecord.c does not call recGblFwdLink on a pass that only
// collects (N to 1, fewer than N samples), so dbNotifyCompletion never comes and the put is never
// answered. softIoc: caput -c -w 3 PC:C.PROC 1 (N 2) printed "Write callback operation timed
// out" on every other put. Here the end of the pass completes it, FLNK still not followed.
it('answers a put to a compress record that only collected a sample, FLNK not followed', async () => {
  load(`
    record(ao, "SRC") { field(VAL, 2) }
    record(compress, "C") { field(ALG, "N to 1 Average") field(N, 2) field(NSAM, 1) field(INP, "SRC") field(FLNK, "NEXT") }
    record(calc, "NEXT") { field(CALC, "VAL+1") }`);
  expect(await putWithCompletion(pvOf(database!, 'C.PROC'), 1)).toEqual({ ok: true });
  expect(valueOf(pvOf(database!, 'NEXT'))).toBe(0);
  expect(await putWithCompletion(pvOf(database!, 'C.PROC'), 1)).toEqual({ ok: true });
  expect([valueOf(pvOf(database!, 'C')), valueOf(pvOf(database!, 'NEXT'))]).toEqual([2, 1]);
});

// dbNotifyCancel (rsrv calls it when the channel is cleared or the circuit goes): the put is
// forgotten, the records it held go to the next put waiting for them, processing under way goes on.
describe('cancelled', () => {
  it('lets the next put waiting for the record run when the first is cancelled', async () => {
    const log = new EventLog(
      load(`
      record(calcout, "CO") { field(CALC, "A") field(ODLY, 0.02) field(OUT, "OUT PP") }
      record(ao, "OUT") { field(MDEL, -1) }`),
    ).watch('OUT');
    const client = new AbortController();
    const first = log.put('CO.A', 1, client.signal);
    const second = log.put('CO.A', 2);
    client.abort();
    await Promise.all([first, second]);
    // The first's answer settles at once (not sent: its client went); its processing still ends.
    expect(log.lines).toEqual(['done CO.A', 'OUT=1', 'OUT=2', 'done CO.A']);
  });

  it('never makes a put cancelled while it waited for its turn', async () => {
    const log = new EventLog(
      load(`
      record(calcout, "CO") { field(CALC, "A") field(ODLY, 0.02) field(OUT, "OUT PP") }
      record(ao, "OUT") { field(MDEL, -1) }`),
    ).watch('OUT');
    const first = log.put('CO.A', 1);
    const client = new AbortController();
    const second = log.put('CO.A', 2, client.signal);
    client.abort();
    await Promise.all([first, second]);
    await settle();
    expect(log.lines).toEqual(['done CO.A: CO.A: put cancelled before it was made', 'OUT=1', 'done CO.A']);
    expect(valueOf(pvOf(database!, 'CO.A'))).toBe(1);
  });

  it('frees every record it held: a later put with completion runs at once', async () => {
    const log = new EventLog(load(CHAIN)).watch('OUT');
    const client = new AbortController();
    const first = log.put('IN', 1, client.signal);
    client.abort();
    await first;
    const later = new Promise<void>((resolve) => pvOf(database!, 'OUT').subscribe(() => resolve()));
    await later;
    await log.put('IN', 2);
    expect(log.lines).toEqual(['done IN', 'OUT=1', 'OUT=2', 'done IN']);
  });
});

it('leaves a plain put (no completion) answered when it is made, as before', () => {
  load(CHAIN);
  const result = write(pvOf(database!, 'IN'), 5);
  expect(result).toEqual({ ok: true });
  expect(valueOf(pvOf(database!, 'CO.PACT'))).toBe(1);
});
