import { databaseOf, put, pvOf, valueOf } from '../helpers';

// bo HIGH, the momentary output of boRecord.c: a pass that leaves VAL 1 with HIGH > 0 starts
// the record's callback (callbackRequestDelayed, restarted when already pending: epicsTimer's
// timer::privateStart), whose myCallbackFunc sets VAL 0 and calls dbProcess, so OUT is written
// and the monitors posted again. softIoc 7.0.8.1 by hand (bo HIGH 0.5, OUT "BOT PP", camonitor
// on both): after `caput BO 1`, BOT 1 and BO 1, then 0.5 s later BOT 0 and BO 0.

const DB = `
  record(bo, "BO") { field(HIGH, 0.5) field(OUT, "BOT PP") field(ZNAM, "Off") field(ONAM, "On") }
  record(longin, "BOT") {}`;

describe('bo HIGH (momentary output)', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('returns to 0 HIGH seconds after a write of 1, writing OUT and posting VAL again', () => {
    const database = databaseOf(DB);
    const posted: unknown[] = [];
    pvOf(database, 'BO').subscribe(() => posted.push(valueOf(pvOf(database, 'BO'))));
    void put(pvOf(database, 'BO'), 1);
    expect([valueOf(pvOf(database, 'BO')), valueOf(pvOf(database, 'BOT'))]).toEqual([1, 1]);
    jest.advanceTimersByTime(499);
    expect(valueOf(pvOf(database, 'BO'))).toBe(1);
    jest.advanceTimersByTime(1);
    expect([valueOf(pvOf(database, 'BO')), valueOf(pvOf(database, 'BOT'))]).toEqual([0, 0]);
    expect(posted).toEqual([1, 0]);
  });

  it('starts the HIGH period again when 1 is written while it runs', () => {
    const database = databaseOf(DB);
    void put(pvOf(database, 'BO'), 1);
    jest.advanceTimersByTime(300);
    void put(pvOf(database, 'BO'), 1);
    jest.advanceTimersByTime(300);
    expect(valueOf(pvOf(database, 'BO'))).toBe(1);
    jest.advanceTimersByTime(200);
    expect(valueOf(pvOf(database, 'BO'))).toBe(0);
  });

  it('stays at 1 with HIGH 0, its default', () => {
    const database = databaseOf(DB.replace('field(HIGH, 0.5)', ''));
    void put(pvOf(database, 'BO'), 1);
    jest.advanceTimersByTime(10_000);
    expect(valueOf(pvOf(database, 'BO'))).toBe(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('waits another HIGH period when the record is still active then (myCallbackFunc with PACT set)', () => {
    const database = databaseOf(DB.replace('field(OUT, "BOT PP")', 'field(SIMM, "YES") field(SIOL, "BOT PP") field(SDLY, 0.8)'));
    void put(pvOf(database, 'BO'), 1);
    jest.advanceTimersByTime(800);
    expect(valueOf(pvOf(database, 'BOT'))).toBe(1);
    void put(pvOf(database, 'BO'), 1);
    // The momentary timer of the first pass (armed at 0.8 s) fires at 1.3 s while the second pass waits its SDLY.
    jest.advanceTimersByTime(500);
    expect([valueOf(pvOf(database, 'BO')), valueOf(pvOf(database, 'BO.PACT'))]).toEqual([1, 1]);
    jest.advanceTimersByTime(300);
    expect(valueOf(pvOf(database, 'BO.PACT'))).toBe(0);
    jest.advanceTimersByTime(500);
    expect([valueOf(pvOf(database, 'BO')), valueOf(pvOf(database, 'BO.PACT'))]).toEqual([0, 1]);
  });
});
