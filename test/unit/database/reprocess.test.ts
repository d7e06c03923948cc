import type { Database } from '../../../src/database';
import { databaseOf, putWithCompletion, put, pvOf, valueOf } from './helpers';

// A put that reaches a busy (PACT) record, as EPICS base 7.0 handles it: dbAccess.c dbPutField
// sets PUTF and calls dbProcess, or sets RPRO when the record is active; dbDbLink.c processTarget
// passes PUTF down a link to an idle record, and turns it into RPRO on a busy one that is not in
// the processing under way; recGbl.c recGblFwdLink, after FLNK, scanOnce's a record with RPRO
// and clears PUTF; dbProcess of a disabled record clears both; dbNotify.c processNotifyCommon
// sets PUTF only for a put with completion made when it came, not one restarted after waiting.
// Each expected value is what softIoc 7.0.8.1 gave on the same database by hand (ODLY/DLY1 0.5 s
// there), with caput, caput -c and caget of the fields named.

const CALCOUT = `
  record(calcout, "CO") { field(CALC, "A") field(ODLY, 0.5) field(OUT, "T PP") field(FLNK, "CNT") }
  record(ao, "T") { field(MDEL, -1) }
  record(calc, "CNT") { field(CALC, "VAL+1") }`;

/** PACT, PUTF and RPRO of `record`. */
function flags(database: Database, record: string): number[] {
  return ['PACT', 'PUTF', 'RPRO'].map((field) => valueOf(pvOf(database, `${record}.${field}`)) as number);
}

/** Every value `name` posts from now on. */
function history(database: Database, name: string): unknown[] {
  const values: unknown[] = [];
  const pv = pvOf(database, name);
  pv.subscribe(() => values.push(valueOf(pv)));
  return values;
}

/** The delay under way ends, and the scanOnce request it may have made runs. */
function endDelay(): void {
  jest.advanceTimersByTime(500);
  jest.advanceTimersToNextTimer();
}

describe('a put reaching a busy record (RPRO, PUTF)', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  // softIoc: after `caput CO.A 1`, PACT 1 PUTF 1 RPRO 0; after `caput CO.A 2` within ODLY, PUTF 1
  // RPRO 1 (dbPutField: pact → rpro = TRUE); during the second pass PACT 1 PUTF 0 RPRO 0 (the
  // scanOnce pass is no put's); then all 0, T monitored 1 then 2, CNT 2 (two passes).
  it('processes a calcout once more after its ODLY when a plain put came meanwhile, with PUTF the first put’s', () => {
    const database = databaseOf(CALCOUT, { start: true });
    const outputs = history(database, 'T');
    put(pvOf(database, 'CO.A'), 1);
    expect(flags(database, 'CO')).toEqual([1, 1, 0]);
    put(pvOf(database, 'CO.A'), 2);
    expect(flags(database, 'CO')).toEqual([1, 1, 1]);
    endDelay();
    expect(flags(database, 'CO')).toEqual([1, 0, 0]);
    expect(outputs).toEqual([1]);
    jest.advanceTimersByTime(500);
    expect(flags(database, 'CO')).toEqual([0, 0, 0]);
    expect(outputs).toEqual([1, 2]);
    expect(valueOf(pvOf(database, 'CNT'))).toBe(2);
    database.close();
  });

  // softIoc: `caput W 5` (OUT "CO.A PP") within CO's ODLY left CO PUTF 0 RPRO 1 (processTarget:
  // psrc->putf && claim_dst → pdst->putf = FALSE, pdst->rpro = TRUE), and T monitored 1 then 5.
  it('marks a busy record that a PP link of a put’s pass writes, and processes it again', () => {
    const database = databaseOf(`${CALCOUT}\nrecord(ao, "W") { field(OUT, "CO.A PP") }`, { start: true });
    const outputs = history(database, 'T');
    put(pvOf(database, 'CO.A'), 1);
    put(pvOf(database, 'W'), 5);
    expect(flags(database, 'CO')).toEqual([1, 0, 1]);
    expect(valueOf(pvOf(database, 'W.PUTF'))).toBe(0);
    endDelay();
    jest.advanceTimersByTime(500);
    expect(outputs).toEqual([1, 5]);
  });

  // softIoc: the same ao scanned on Event 5, processed by `postEvent 5` within CO's ODLY: CO.A
  // became 8 but CO was not processed again (processTarget's last branch: the source's pass is
  // no put's), PUTF 1 RPRO 0 on CO, and T monitored 1 only.
  it('does not mark a busy record written by a pass that no put started', () => {
    const database = databaseOf(`${CALCOUT}\nrecord(ao, "WS") { field(OUT, "CO.A PP") field(SCAN, "Event") field(EVNT, 5) field(VAL, 8) }`, {
      start: true,
    });
    const outputs = history(database, 'T');
    put(pvOf(database, 'CO.A'), 1);
    database.postEvent('5');
    expect(valueOf(pvOf(database, 'CO.A'))).toBe(8);
    expect(flags(database, 'CO')).toEqual([1, 1, 0]);
    endDelay();
    jest.advanceTimersByTime(1000);
    expect(outputs).toEqual([1]);
    expect(valueOf(pvOf(database, 'CNT'))).toBe(1);
  });

  // softIoc: `caput F.PROC 1` (FLNK "CO"): CO PACT 1 PUTF 1 while it waited (processTarget:
  // pdst->putf = psrc->putf), F.PUTF 0 (its recGblFwdLink), and CO.PUTF 0 once CO was done.
  it('passes PUTF down a forward link, and clears it where each record’s pass ends', () => {
    const database = databaseOf(`${CALCOUT}\nrecord(ao, "F") { field(FLNK, "CO") }`, { start: true });
    put(pvOf(database, 'F.PROC'), 1);
    expect(flags(database, 'CO')).toEqual([1, 1, 0]);
    expect(valueOf(pvOf(database, 'F.PUTF'))).toBe(0);
    jest.advanceTimersByTime(500);
    expect(flags(database, 'CO')).toEqual([0, 0, 0]);
  });

  // softIoc: two calcs forward-linked to each other, `caput LA.PROC 1`: LA 1, LB 1, RPRO and PUTF
  // 0; LB's FLNK back to LA is recursion (processTarget: claim_dst false), not a put to remake.
  it('does not mark a record that a loop of links reaches again within its own pass', () => {
    const database = databaseOf(
      `record(calc, "LA") { field(CALC, "VAL+1") field(FLNK, "LB") }
       record(calc, "LB") { field(CALC, "VAL+1") field(FLNK, "LA") }`,
      { start: true },
    );
    put(pvOf(database, 'LA.PROC'), 1);
    jest.runOnlyPendingTimers();
    expect(['LA', 'LB', 'LA.RPRO', 'LA.PUTF', 'LB.PUTF'].map((name) => valueOf(pvOf(database, name)))).toEqual([1, 1, 0, 0, 0]);
  });

  // softIoc: `caput W2 3` (OUT "D PP") to a disabled ao D: D 3, DISABLE, PUTF 0 RPRO 0 (dbProcess
  // of a disabled record: precord->rpro = FALSE; precord->putf = FALSE).
  it('clears PUTF on a disabled record that a put’s link processes', () => {
    const database = databaseOf(
      `record(ao, "W2") { field(OUT, "D PP") }
       record(ao, "D") { field(DISV, 1) field(DISA, 1) }`,
      { start: true },
    );
    put(pvOf(database, 'W2'), 3);
    expect(['D', 'D.PUTF', 'D.RPRO'].map((name) => valueOf(pvOf(database, name)))).toEqual([3, 0, 0]);
  });

  // seqRecord.c keeps PACT through DLY1, reading DOL1 when the delay ends. softIoc: `caput SEQ 1`
  // then `caput SEQ 2` within DLY1: PUTF 1 RPRO 1, then SEQOUT monitored 2 and 2 (two passes).
  it('processes a seq once more after its delayed link when a put came meanwhile', () => {
    const database = databaseOf(
      `record(seq, "SEQ") { field(SELM, "All") field(DLY1, 0.5) field(DOL1, "SEQ.VAL") field(LNK1, "SEQOUT PP") }
       record(ao, "SEQOUT") { field(MDEL, -1) }`,
      { start: true },
    );
    const outputs = history(database, 'SEQOUT');
    put(pvOf(database, 'SEQ'), 1);
    put(pvOf(database, 'SEQ'), 2);
    expect(flags(database, 'SEQ')).toEqual([1, 1, 1]);
    endDelay();
    jest.advanceTimersByTime(500);
    expect(outputs).toEqual([2, 2]);
    expect(flags(database, 'SEQ')).toEqual([0, 0, 0]);
  });
});

describe('a put with completion and RPRO', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  // processNotifyCommon(ppn, precord, first): PUTF only when first. softIoc: `caput -c CO.A 3`
  // within CO's ODLY waited; during the pass it restarted, CO PACT 1 PUTF 0 RPRO 0, A 3.
  it('restarts a put that waited for a busy record without PUTF', async () => {
    const database = databaseOf(CALCOUT, { start: true });
    const outputs = history(database, 'T');
    put(pvOf(database, 'CO.A'), 1);
    const answered = putWithCompletion(pvOf(database, 'CO.A'), 3);
    jest.advanceTimersByTime(500);
    jest.advanceTimersToNextTimer(); // callbackRequest: the restart
    expect(flags(database, 'CO')).toEqual([1, 0, 0]);
    expect(valueOf(pvOf(database, 'CO.A'))).toBe(3);
    jest.advanceTimersByTime(500);
    jest.advanceTimersToNextTimer(); // callbackRequest: the answer
    expect(await answered).toEqual({ ok: true });
    expect(outputs).toEqual([1, 3]);
  });

  // dbNotifyAdd returns at once for an active target (it will not be processed), and
  // processTarget marks it, as the put made when it came set PUTF. softIoc: `caput -c W 5` (OUT
  // "CO.A PP") within CO's ODLY was answered in 0.06 s, CO PUTF 0 RPRO 1, T monitored 1 then 5.
  it('is answered without waiting for a busy record its link reached, which it marks to process again', async () => {
    const database = databaseOf(`${CALCOUT}\nrecord(ao, "W") { field(OUT, "CO.A PP") }`, { start: true });
    const outputs = history(database, 'T');
    put(pvOf(database, 'CO.A'), 1);
    const answered = putWithCompletion(pvOf(database, 'W'), 5);
    expect(flags(database, 'CO')).toEqual([1, 0, 1]);
    jest.advanceTimersToNextTimer(); // callbackRequest: the answer
    expect(await answered).toEqual({ ok: true });
    expect(outputs).toEqual([]);
    endDelay();
    jest.advanceTimersByTime(500);
    expect(outputs).toEqual([1, 5]);
  });

  // recGblFwdLink: dbNotifyCompletion (the waiting put's restart requested) before RPRO's
  // scanOnce; the restart runs first, and scanOnce's dbProcess finds CO active again. softIoc:
  // `caput CO.A 1`, `caput CO.A 2`, `caput -c CO.A 3` within ODLY: T monitored 1 then 3, and TPRO
  // printed "cbLow: dbProcess of 'CO'" then "scanOnce: dbProcess of Active 'CO' with RPRO=0".
  it('lets a put with completion waiting for the record go before a plain put’s RPRO', async () => {
    const database = databaseOf(CALCOUT, { start: true });
    const outputs = history(database, 'T');
    put(pvOf(database, 'CO.A'), 1);
    put(pvOf(database, 'CO.A'), 2);
    const answered = putWithCompletion(pvOf(database, 'CO.A'), 3);
    expect(flags(database, 'CO')).toEqual([1, 1, 1]);
    jest.advanceTimersByTime(500);
    jest.advanceTimersToNextTimer();
    expect(flags(database, 'CO')).toEqual([1, 0, 0]);
    jest.advanceTimersByTime(500);
    jest.advanceTimersToNextTimer();
    expect(await answered).toEqual({ ok: true });
    jest.runOnlyPendingTimers();
    expect(outputs).toEqual([1, 3]);
    expect(valueOf(pvOf(database, 'CNT'))).toBe(2);
  });
});
