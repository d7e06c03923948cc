import { AlarmSeverity, AlarmStatus, EventMask } from '../../../../src/database/pv';
import { databaseOf, monitor, put, pvOf } from '../helpers';

// compress as compressRecord.c (EPICS base 7.0) processes it: put_value into a circular buffer of
// NSAM (FIFO or LIFO), compress_scalar / compress_array / array_average by ALG, VAL served from
// get_array_info (FIFO oldest first, LIFO newest first), monitor() posting NUSE and VAL.

type Database = ReturnType<typeof databaseOf>;
const history = (database: Database, name = 'H') => Array.from(pvOf(database, name).value() as Float64Array);

function feed(database: Database, values: readonly number[], name = 'H'): void {
  for (const value of values) {
    put(pvOf(database, 'SRC'), value);
    put(pvOf(database, `${name}.PROC`), 1);
  }
}

const scalarSource = 'record(ao, "SRC") {}';

describe('compress', () => {
  it('keeps the last NSAM values oldest first as a FIFO circular buffer', () => {
    const database = databaseOf(`record(compress, "H") { field(INP, "SRC") field(ALG, "Circular Buffer") field(NSAM, 3) }\n${scalarSource}`);
    feed(database, [1, 2]);
    expect(history(database)).toEqual([1, 2]);
    feed(database, [3, 4]);
    expect(history(database)).toEqual([2, 3, 4]);
    expect(pvOf(database, 'H.NUSE').value()[0]).toBe(3);
  });

  it('serves a LIFO buffer newest first', () => {
    const database = databaseOf(`record(compress, "H") { field(INP, "SRC") field(ALG, "Circular Buffer") field(BALG, "LIFO Buffer") field(NSAM, 3) }\n${scalarSource}`);
    feed(database, [1, 2, 3, 4]);
    expect(history(database)).toEqual([4, 3, 2]);
  });

  it('stores the mean of every N scalars, posting and following FLNK only when it stores', () => {
    const database = databaseOf(`
      record(compress, "H") { field(INP, "SRC") field(ALG, "N to 1 Average") field(N, 3) field(NSAM, 4) field(FLNK, "AFTER") }
      record(ai, "AFTER") { field(MDEL, -1) }
      ${scalarSource}`);
    const posts = monitor(pvOf(database, 'H'));
    const after = monitor(pvOf(database, 'AFTER'));
    feed(database, [1, 2]);
    expect(posts).toEqual([]);
    expect(after).toEqual([]);
    feed(database, [6]);
    expect(history(database)).toEqual([3]);
    expect(after).toHaveLength(1);
    expect(posts).toEqual([EventMask.VALUE | EventMask.LOG | EventMask.ALARM]);
  });

  it('with PBUF YES stores the partial result on every pass', () => {
    const database = databaseOf(`record(compress, "H") { field(INP, "SRC") field(ALG, "N to 1 High Value") field(N, 3) field(NSAM, 4) field(PBUF, "YES") }\n${scalarSource}`);
    feed(database, [5, 2, 7]);
    expect(history(database)).toEqual([5, 5, 7]);
  });

  it('compresses an input array N to 1 by low, high, mean and median, skipping leading values beyond ILIL…IHIL', () => {
    const source = 'record(waveform, "SRC") { field(FTVL, "DOUBLE") field(NELM, 7) field(INP, [100, 4, 1, 3, 9, 8, 2]) }';
    const cases: [string, number[]][] = [
      ['N to 1 Low Value', [1, 2]],
      ['N to 1 High Value', [4, 9]],
      ['N to 1 Average', [8 / 3, 19 / 3]],
      ['N to 1 Median', [3, 8]],
    ];
    for (const [algorithm, expected] of cases) {
      const database = databaseOf(`record(compress, "H") { field(INP, "SRC") field(ALG, "${algorithm}") field(N, 3) field(NSAM, 4) field(ILIL, 0) field(IHIL, 50) }\n${source}`);
      put(pvOf(database, 'H.PROC'), 1);
      expect([algorithm, history(database)]).toEqual([algorithm, expected]);
    }
  });

  it('averages N input arrays element by element (Average)', () => {
    const database = databaseOf(`
      record(compress, "H") { field(INP, "SRC") field(ALG, "Average") field(N, 2) field(NSAM, 3) }
      record(waveform, "SRC") { field(FTVL, "DOUBLE") field(NELM, 3) }`);
    put(pvOf(database, 'SRC'), new Float64Array([1, 2, 3]));
    put(pvOf(database, 'H.PROC'), 1);
    expect(history(database)).toEqual([]);
    put(pvOf(database, 'SRC'), new Float64Array([3, 4, 5]));
    put(pvOf(database, 'H.PROC'), 1);
    expect(history(database)).toEqual([2, 3, 4]);
  });

  it('starts afresh when RES (or ALG, N, PBUF, BALG) is written', () => {
    const database = databaseOf(`record(compress, "H") { field(INP, "SRC") field(ALG, "Circular Buffer") field(NSAM, 3) }\n${scalarSource}`);
    feed(database, [1, 2]);
    put(pvOf(database, 'H.RES'), 1);
    expect(history(database)).toEqual([]);
    expect(pvOf(database, 'H.NUSE').value()[0]).toBe(0);
    expect(pvOf(database, 'H.RES').value()[0]).toBe(0);
  });

  it('takes LINK/INVALID without a connected INP', () => {
    const database = databaseOf('record(compress, "H") { field(INP, "5") }');
    put(pvOf(database, 'H.PROC'), 1);
    expect(pvOf(database, 'H').alarm()).toMatchObject({ status: AlarmStatus.LINK, severity: AlarmSeverity.INVALID });
  });
});
