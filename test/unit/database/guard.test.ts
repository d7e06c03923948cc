import { firstRefusal, settleWrite } from '../../../src/database/guard';
import { FieldType } from '../../../src/database/pv';
import { SimplePv } from '../../../src/database/simple-pv';
import { CLIENT, databaseOf, put, putLater, pvOf } from './helpers';

// The PV layer answers a write with a WriteResult whatever its handlers do: a throw or a
// rejection is a `failed` result carrying the cause, and the write changes nothing.

describe('settleWrite and firstRefusal', () => {
  it('asks handlers in turn, waiting for one that answers later; the first reason wins', async () => {
    const asked: string[] = [];
    const handlers = [() => (asked.push('a'), Promise.resolve(undefined)), () => (asked.push('b'), 'b refuses'), () => (asked.push('c'), 'c refuses')];
    expect(await firstRefusal(handlers, [])).toBe('b refuses');
    expect(asked).toEqual(['a', 'b']);
  });

  it('stays synchronous while the handlers are', () => {
    expect(firstRefusal([() => undefined, () => 'no'], [])).toBe('no');
    expect(
      settleWrite(
        'X',
        () => undefined,
        () => undefined,
      ),
    ).toEqual({ ok: true });
  });

  it('turns a throw in apply into a failed result', () => {
    const cause = new Error('processing broke');
    expect(
      settleWrite(
        'X',
        () => undefined,
        () => {
          throw cause;
        },
      ),
    ).toEqual({ ok: false, error: 'failed', message: 'X: write failed: processing broke', cause });
  });
});

describe('SimplePv validate', () => {
  it.each([
    [
      'throws',
      () => {
        throw new Error('bad');
      },
    ],
    ['rejects', () => Promise.reject(new Error('bad'))],
  ])('that %s refuses the write with the reason and keeps the value', async (_how, validate) => {
    const pv = new SimplePv({ name: 'S', type: FieldType.DOUBLE, value: 1, validate });
    const result = await pv.write(Float64Array.of(2), CLIENT);
    expect(result).toMatchObject({ ok: false, error: 'failed', message: 'S: write failed: bad' });
    expect(pv.value()[0]).toBe(1);
  });
});

describe('a record onWrite listener', () => {
  const setUp = () => {
    const database = databaseOf('record(ao, "R") {}');
    return { handle: database.record('R', 'number'), pv: pvOf(database, 'R') };
  };

  it('that throws refuses the write; the value stays', () => {
    const { handle, pv } = setUp();
    handle.onWrite(() => {
      throw new Error('listener bug');
    });
    expect(put(pv, 5)).toMatchObject({ ok: false, error: 'failed', message: 'R: write failed: listener bug' });
    expect(handle.get()).toBe(0);
  });

  it('that answers later decides the write: a reason refuses it, nothing accepts it', async () => {
    const { handle, pv } = setUp();
    handle.onWrite((value) => Promise.resolve(value > 10 ? 'too big' : undefined));
    expect(await putLater(pv, 50)).toEqual({ ok: false, error: 'rejected', message: 'too big' });
    expect(handle.get()).toBe(0);
    expect(await putLater(pv, 5)).toEqual({ ok: true });
    expect(handle.get()).toBe(5);
  });
});
