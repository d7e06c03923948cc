import { databaseOf, putLater, pvOf, valueOf } from './helpers';

// callbackRequestDelayed's timed work (calcout ODLY, seq DLYn, bo HIGH, SDLY) belongs to the
// database: closing it cancels what is pending, so an embedded host that closes the IOC sees no
// record process afterwards. (softIoc never closes its database while it runs; iocShutdown stops
// the callback threads, which drops their pending requests.)

const DB = `
  record(calcout, "CO") { field(CALC, "1") field(ODLY, 1) field(OUT, "T1 PP") }
  record(seq, "SQ") { field(DLY1, 1) field(DOL1, "5") field(LNK1, "T2 PP") }
  record(bo, "BO") { field(HIGH, 1) }
  record(ai, "AI") { field(SIMM, "YES") field(SIOL, "7") field(SDLY, 1) }
  record(longin, "T1") {}
  record(longin, "T2") {}`;

describe('delayed record work when the database closes', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs while the database is open', () => {
    const database = databaseOf(DB, { start: true });
    for (const name of ['CO.PROC', 'SQ.PROC', 'AI.PROC']) void putLater(pvOf(database, name), 1);
    void putLater(pvOf(database, 'BO'), 1);
    jest.advanceTimersByTime(1000);
    jest.runOnlyPendingTimers();
    expect([valueOf(pvOf(database, 'T1')), valueOf(pvOf(database, 'T2')), valueOf(pvOf(database, 'BO')), valueOf(pvOf(database, 'AI'))]).toEqual([1, 5, 0, 7]);
    database.close();
  });

  it('is cancelled by close(): nothing pending, nothing processed later', () => {
    const database = databaseOf(DB, { start: true });
    for (const name of ['CO.PROC', 'SQ.PROC', 'AI.PROC']) void putLater(pvOf(database, name), 1);
    void putLater(pvOf(database, 'BO'), 1);
    const pending = jest.getTimerCount();
    database.close();
    // The four delays at least are gone (other modules' timers may share Jest's fake clock).
    expect(pending - jest.getTimerCount()).toBeGreaterThanOrEqual(4);
    jest.advanceTimersByTime(5000);
    expect([valueOf(pvOf(database, 'T1')), valueOf(pvOf(database, 'T2')), valueOf(pvOf(database, 'BO')), valueOf(pvOf(database, 'AI'))]).toEqual([0, 0, 1, 0]);
  });
});
