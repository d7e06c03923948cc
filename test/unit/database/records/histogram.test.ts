import { Database, DbFileError } from '../../../../src/database';
import { EventMask } from '../../../../src/database/pv';
import { databaseOf, monitor, put, pvOf, valueOf } from '../helpers';

// histogram as histogramRecord.c with devHistogramSoft (EPICS base 7.0) processes it: SGNL read
// through SVL, add_count into NELM bins of width (ULIM - LLIM) / NELM, CMD Clear/Start/Stop,
// VAL posted once more than MDEL counts were added.

/** histogramCMD: Read, Clear, Start, Stop. */
const CMD_CLEAR = 1;
const CMD_START = 2;
const CMD_STOP = 3;

type Db = ReturnType<typeof databaseOf>;
const counts = (database: Db) => Array.from(pvOf(database, 'H').value() as Float64Array);

function sample(database: Db, values: readonly number[]): void {
  for (const value of values) {
    put(pvOf(database, 'SRC'), value);
    put(pvOf(database, 'H.PROC'), 1);
  }
}

const HISTOGRAM = 'record(histogram, "H") { field(SVL, "SRC") field(NELM, 4) field(LLIM, 0) field(ULIM, 8) }\nrecord(ao, "SRC") {}';

describe('histogram', () => {
  it('counts each signal in its bin, leaving out those beyond LLIM…ULIM', () => {
    const database = databaseOf(HISTOGRAM);
    sample(database, [0.5, 2, 3.9, 7.99, 8, -1]);
    // Bin i holds LLIM + (i-1)·WDTH < x ≤ LLIM + i·WDTH (the first one from LLIM itself).
    expect(counts(database)).toEqual([2, 1, 0, 1]);
    expect(valueOf(pvOf(database, 'H.WDTH'))).toBe(2);
  });

  it('stops and starts counting by CMD, clears by CMD Clear, and goes back to Read', () => {
    const database = databaseOf(HISTOGRAM);
    sample(database, [1]);
    put(pvOf(database, 'H.CMD'), CMD_STOP);
    sample(database, [1]);
    expect(counts(database)).toEqual([1, 0, 0, 0]);
    expect(valueOf(pvOf(database, 'H.CMD'))).toBe(0);
    put(pvOf(database, 'H.CMD'), CMD_START);
    sample(database, [5]);
    expect(counts(database)).toEqual([1, 0, 1, 0]);
    put(pvOf(database, 'H.CMD'), CMD_CLEAR);
    expect(counts(database)).toEqual([0, 0, 0, 0]);
  });

  it('posts VAL only once more than MDEL counts were added since the last post', () => {
    const database = databaseOf(HISTOGRAM.replace('field(ULIM, 8)', 'field(ULIM, 8) field(MDEL, 1)'));
    // The first pass posts for its alarm change (UDF cleared), not for its one count: MCNT stays 1.
    sample(database, [1]);
    const posts = monitor(pvOf(database, 'H'));
    sample(database, [1]);
    expect(posts).toEqual([EventMask.VALUE | EventMask.LOG]);
    sample(database, [1]);
    expect(posts).toHaveLength(1);
    sample(database, [1]);
    expect(posts).toHaveLength(2);
  });

  it('counts a SGNL written by a client, and starts afresh on a new range', () => {
    const database = databaseOf(HISTOGRAM);
    put(pvOf(database, 'H.SGNL'), 6.5);
    expect(counts(database)).toEqual([0, 0, 0, 1]);
    put(pvOf(database, 'H.ULIM'), 4);
    expect(counts(database)).toEqual([0, 0, 0, 0]);
    expect(valueOf(pvOf(database, 'H.WDTH'))).toBe(1);
  });

  it('refuses SDEL > 0 at load, with file:line:col', () => {
    const database = new Database();
    expect(() => database.loadText('record(histogram, "H") {\n  field(SDEL, 5)\n}', { file: 'h.db' })).toThrow(DbFileError);
    expect(() => database.loadText('record(histogram, "H") {\n  field(SDEL, 5)\n}', { file: 'h.db' })).toThrow(
      'h.db:2:15: cannot set H.SDEL: periodic posts of the counts (SDEL > 0) are not supported',
    );
  });
});
