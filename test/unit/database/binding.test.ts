import { Database } from '../../../src/database';
import { AlarmSeverity, AlarmStatus, EventMask, timeStampFromMillis } from '../../../src/database/pv';
import { CLIENT, databaseOf, monitor, put, pvOf, valueOf } from './helpers';

function sample(): Database {
  return databaseOf(`
    record(ai, "X:HEAP") { field(EGU, "MiB") field(HIGH, 100) field(HSV, MINOR) field(MDEL, 1) info(group, "memory") }
    record(ao, "X:LIMIT") { field(DRVH, 10) alias("X:MAX") }
    record(stringin, "X:STATE")
    record(lsi, "X:LOG") { field(SIZV, 100) }
    record(waveform, "X:HIST") { field(FTVL, LONG) field(NELM, 4) }
    record(waveform, "X:TEXT") { field(FTVL, CHAR) field(NELM, 64) }
    record(mbbi, "X:MODE") { field(ZRST, "a") field(ONST, "b") }
  `);
}

describe('record handles', () => {
  it('set a value with the masks a processed record posts', () => {
    const database = sample();
    const heap = database.record('X:HEAP', 'number');
    const masks = monitor(pvOf(database, 'X:HEAP'));
    heap.set(10);
    heap.set(10.5);
    heap.set(12);
    expect(heap.get()).toBe(12);
    expect(masks).toEqual([EventMask.VALUE | EventMask.LOG | EventMask.ALARM, EventMask.LOG, EventMask.VALUE | EventMask.LOG]);
  });

  it('apply the record alarm logic, and an alarm given by code', () => {
    const heap = sample().record('X:HEAP', 'number');
    heap.set(150);
    expect(heap.alarm()).toEqual({ status: AlarmStatus.HIGH, severity: AlarmSeverity.MINOR, message: '' });
    heap.set(50, { severity: AlarmSeverity.MAJOR, status: AlarmStatus.READ, message: 'sampling failed' });
    expect(heap.alarm()).toEqual({ status: AlarmStatus.READ, severity: AlarmSeverity.MAJOR, message: 'sampling failed' });
    heap.set(150, { severity: AlarmSeverity.MINOR });
    expect(heap.alarm()).toEqual({ status: AlarmStatus.SOFT, severity: AlarmSeverity.MINOR, message: '' });
    heap.set(50);
    expect(heap.alarm()).toEqual({ status: AlarmStatus.NO_ALARM, severity: AlarmSeverity.NO_ALARM, message: '' });
  });

  it('take a time stamp from code, or stamp with the current time', () => {
    const heap = sample().record('X:HEAP', 'number');
    const when = new Date('2024-05-01T12:00:00.250Z');
    heap.set(1, { timeStamp: when });
    expect(heap.timeStamp()).toEqual(timeStampFromMillis(when.getTime()));
    heap.set(2, { timeStamp: { secondsPastEpoch: 5, nanoseconds: 6 } });
    expect(heap.timeStamp()).toEqual({ secondsPastEpoch: 5, nanoseconds: 6 });
    heap.set(3);
    expect(heap.timeStamp().secondsPastEpoch).toBeGreaterThan(1e9);
  });

  it('clip an output value as a client write would be clipped', () => {
    const limit = sample().record('X:MAX', 'number');
    limit.set(50);
    expect(limit.get()).toBe(10);
  });

  it('hear of client writes and may refuse them with a reason, changing nothing', () => {
    const database = sample();
    const limit = database.record('X:LIMIT', 'number');
    const seen: number[] = [];
    const stop = limit.onWrite((value, client) => {
      seen.push(value);
      expect(client).toBe(CLIENT);
      return value < 0 ? 'negative limits make no sense' : undefined;
    });
    expect(put(pvOf(database, 'X:LIMIT'), 5)).toEqual({ ok: true });
    expect(put(pvOf(database, 'X:LIMIT'), -1)).toEqual({ ok: false, error: 'rejected', message: 'negative limits make no sense' });
    expect(limit.get()).toBe(5);
    stop();
    expect(put(pvOf(database, 'X:LIMIT'), -1)).toEqual({ ok: true });
    expect(seen).toEqual([5, -1]);
  });

  it('are not told of writes made by code', () => {
    const limit = sample().record('X:LIMIT', 'number');
    const listener = jest.fn();
    limit.onWrite(listener);
    limit.set(3);
    expect(listener).not.toHaveBeenCalled();
  });

  it('drive string records, long strings included', () => {
    const database = sample();
    database.record('X:STATE', 'string').set('running');
    expect(valueOf(pvOf(database, 'X:STATE'))).toBe('running');
    const log = database.record('X:LOG', 'string');
    log.set('l'.repeat(150));
    expect(log.get()).toBe('l'.repeat(99));
    expect(valueOf(pvOf(database, 'X:LOG.LEN'))).toBe(100);
  });

  it('drive waveforms with numbers or, for CHAR waveforms, text', () => {
    const database = sample();
    const hist = database.record('X:HIST', 'array');
    hist.set([1, 2, 3, 4, 5]);
    expect(hist.get()).toEqual(Int32Array.of(1, 2, 3, 4));
    expect(valueOf(pvOf(database, 'X:HIST.NORD'))).toBe(4);
    hist.set([]);
    expect(hist.get()).toEqual(new Int32Array(0));
    const text = database.record('X:TEXT', 'array');
    text.set('hello');
    expect(Buffer.from(pvOf(database, 'X:TEXT').value() as Uint8Array).toString()).toBe('hello\0');
  });

  it('hand out copies of array values', () => {
    const hist = sample().record('X:HIST', 'array');
    hist.set([1, 2]);
    (hist.get() as Int32Array)[0] = 99;
    expect(hist.get()).toEqual(Int32Array.of(1, 2));
  });

  it('read and write other fields, with the posts of a client write', () => {
    const database = sample();
    const heap = database.record('X:HEAP');
    const masks = monitor(pvOf(database, 'X:HEAP'));
    heap.setField('EGU', 'GiB');
    heap.setField('HIGH', 8);
    heap.setField('HSV', 'MAJOR');
    expect([heap.field('EGU'), heap.field('HIGH'), heap.field('HSV')]).toEqual(['GiB', 8, 2]);
    expect(masks[0]).toBe(EventMask.PROPERTY);
    expect(() => heap.setField('NAME', 'Y')).toThrow('read-only');
    expect(() => heap.setField('HSV', 'SEVERE')).toThrow('not a choice');
    expect(() => heap.field('NOPE')).toThrow('no scalar field NOPE');
    expect(heap.info('group')).toBe('memory');
  });

  it('check the kind of value asked for', () => {
    const database = sample();
    expect(() => database.record('X:STATE', 'number')).toThrow('X:STATE is a stringin record, whose value is a string, not a number');
    expect(() => database.record('X:NONE')).toThrow('no record X:NONE');
    expect(database.record('X:MODE').kind).toBe('number');
    expect(database.record('X:MODE').recordType).toBe('mbbi');
  });
});
