import { EMPTY_METADATA, FieldType, WRITE_OK, type ProcessVariable } from '../../../src/database/pv';
import { PvMap, SimplePv } from '../../../src/database/simple-pv';
import { guardProvider } from '../../../src/net/guarded-provider';
import { CLIENT, capturingLogger } from '../database/helpers';

// The guard between a server and the user's PVs: whatever the user's code throws, the server gets an answer.

class Broken extends SimplePv {
  override accessRights(): never {
    throw new Error('rights broke');
  }
  override acknowledgeAlarm(): never {
    throw new Error('ack broke');
  }
  override subscribe(): never {
    throw new Error('subscribe broke');
  }
  override write(): never {
    throw new Error('write broke');
  }
}

describe('guardProvider', () => {
  const setUp = () => {
    const { logger, lines } = capturingLogger();
    const provider = guardProvider(new PvMap([new Broken({ name: 'B', type: FieldType.DOUBLE })]), logger);
    return { pv: provider.find('B') as ProcessVariable, provider, lines };
  };

  it('grants nothing when access rights throw', () => {
    const { pv, lines } = setUp();
    expect(pv.accessRights(CLIENT)).toEqual({ read: false, write: false });
    expect(lines).toEqual([expect.objectContaining({ msg: 'access rights failed; no access granted', pv: 'B', user: 'tester', host: 'localhost' })]);
  });

  it('answers a throwing write and acknowledgement with a failed result, logged with the client', () => {
    const { pv, lines } = setUp();
    expect(pv.write(Float64Array.of(1), CLIENT)).toMatchObject({ ok: false, error: 'failed', message: 'B: write failed: write broke' });
    expect(pv.acknowledgeAlarm('severity', 1, CLIENT)).toMatchObject({ ok: false, error: 'failed', message: 'B: write failed: ack broke' });
    expect(lines.map((line) => [line.msg, line.address])).toEqual([
      ['write handler failed', CLIENT.address],
      ['write handler failed', CLIENT.address],
    ]);
  });

  it('lets a throwing subscribe reach the circuit, which answers it in its protocol', () => {
    const { pv, lines } = setUp();
    expect(() => pv.subscribe(() => undefined)).toThrow('subscribe broke');
    expect(lines).toEqual([]);
  });

  it('treats a throwing lookup as not found, and passes on access changes', () => {
    const { logger, lines } = capturingLogger();
    let listeners = 0;
    const provider = guardProvider(
      {
        find: () => {
          throw new Error('lookup broke');
        },
        subscribeAccessChanges: () => (listeners++, () => undefined),
      },
      logger,
    );
    expect(provider.find('X')).toBeUndefined();
    expect(lines[0]).toMatchObject({ msg: 'PV provider failed', pv: 'X', level: 50 });
    provider.subscribeAccessChanges!(() => undefined);
    expect(listeners).toBe(1);
  });

  it("answers name searches by the provider's serves, or by find when it has none; a throw is not found", () => {
    const { logger, lines } = capturingLogger();
    const byFind = guardProvider(new PvMap([new SimplePv({ name: 'OK', type: FieldType.LONG })]), logger);
    expect([byFind.serves!('OK'), byFind.serves!('NO')]).toEqual([true, false]);
    let found = 0;
    const byServes = guardProvider({ find: () => (found++, undefined), serves: (name) => name === 'S' }, logger);
    expect([byServes.serves!('S'), byServes.serves!('T'), found]).toEqual([true, false, 0]);
    const broken = guardProvider(
      {
        find: () => undefined,
        serves: () => {
          throw new Error('search broke');
        },
      },
      logger,
    );
    expect(broken.serves!('X')).toBe(false);
    expect(lines[0]).toMatchObject({ msg: 'PV provider failed', pv: 'X', level: 50 });
  });

  it('serves what the PV says; a PV without a description has none', () => {
    const { logger } = capturingLogger();
    const pv = guardProvider(new PvMap([new SimplePv({ name: 'OK', type: FieldType.LONG, value: 3 })]), logger).find('OK')!;
    expect([pv.name, pv.type, pv.maxElements, pv.value()[0], pv.description?.()]).toEqual(['OK', FieldType.LONG, 1, 3, undefined]);
  });

  it('passes every member of ProcessVariable through or guards it', () => {
    // Required<…>: a member added to the interface must be added here, and is then checked below.
    let received: unknown[] = [];
    const answer =
      <T>(value: T) =>
      (...args: unknown[]) => ((received = args), value);
    const full: Required<ProcessVariable> = {
      name: 'FULL',
      type: FieldType.SHORT,
      maxElements: 7,
      className: 'waveform',
      isText: true,
      unsignedChar: true,
      logClientWrites: false,
      runsNoUserCode: false,
      value: answer(Int16Array.of(1)),
      scalar: answer(1),
      alarm: answer({ status: 1, severity: 2, acknowledgeTransient: true, acknowledgeSeverity: 0 }),
      timeStamp: answer({ secondsPastEpoch: 5, nanoseconds: 6 }),
      metadata: answer(EMPTY_METADATA),
      description: answer('what it is'),
      accessRights: answer({ read: true, write: false }),
      write: answer(WRITE_OK),
      acknowledgeAlarm: answer(WRITE_OK),
      subscribe: answer(() => undefined),
    };
    const { logger } = capturingLogger();
    const guarded = guardProvider({ find: () => full }, logger).find('FULL')!;
    expect(guarded).not.toBe(full);
    // What each method is called with (none for the reads); each must reach the PV as given.
    const argumentsOf: Partial<Record<keyof ProcessVariable, unknown[]>> = {
      accessRights: [CLIENT],
      write: [Int16Array.of(3), CLIENT],
      acknowledgeAlarm: ['severity', 2, CLIENT],
      subscribe: [() => undefined],
    };
    for (const key of Object.keys(full) as Array<keyof ProcessVariable>) {
      const original = full[key];
      if (typeof original !== 'function') {
        const value: unknown = Reflect.get(guarded, key);
        expect({ key, value }).toEqual({ key, value: original });
        continue;
      }
      const args = argumentsOf[key] ?? [];
      const result = (guarded[key] as (...a: unknown[]) => unknown)(...args);
      expect({ key, result, received }).toEqual({ key, result: (original as () => unknown)(), received: args });
    }
  });
});
