import { Liveness } from '../../../../src/net/liveness';
import { LogLimiter } from '../../../../src/net/log-limiter';
import type { Logger } from '../../../../src/logger';

describe('LogLimiter', () => {
  it('lets a burst through per window, then says how many lines it held back', () => {
    const lines: unknown[][] = [];
    const logger = { warn: (...args: unknown[]) => lines.push(args) } as unknown as Logger;
    const limiter = new LogLimiter(logger, 2, 1000);
    for (let i = 0; i < 10; i++) limiter.warn({ i }, 'limit', 0);
    expect(lines).toEqual([
      [{ i: 0 }, 'limit'],
      [{ i: 1 }, 'limit'],
    ]);
    limiter.warn({ i: 10 }, 'limit', 1000);
    expect(lines[2]).toEqual([{ i: 10, suppressed: 8 }, 'limit']);
  });
});

describe('Liveness', () => {
  it('probes a silent circuit after the inactivity time, and forgets the probe when it hears from it', () => {
    const liveness = new Liveness(0, 1000, 500);
    expect(liveness.check(999, undefined)).toBeUndefined();
    expect(liveness.check(1000, undefined)).toBe('probe');
    liveness.heard = true;
    expect(liveness.check(1200, undefined)).toBeUndefined();
    expect(liveness.check(2199, undefined)).toBeUndefined();
    expect(liveness.check(2200, undefined)).toBe('probe');
  });

  it('declares dead a circuit that stays silent and has taken no data since the probe', () => {
    const liveness = new Liveness(0, 1000, 500);
    expect(liveness.check(1000, 800)).toBe('probe');
    expect(liveness.check(1499, 800)).toBeUndefined();
    expect(liveness.check(1500, 800)).toBe('dead');
  });

  it('keeps a silent circuit that reads what it is sent, as libca clients that only monitor are', () => {
    const liveness = new Liveness(0, 1000, 500);
    expect(liveness.check(1000, undefined)).toBe('probe');
    expect(liveness.check(1500, undefined)).toBeUndefined();
    expect(liveness.check(2499, undefined)).toBeUndefined();
    expect(liveness.check(2500, 2400)).toBe('probe');
    // The socket filled only after the probe: the client was still reading when it was probed.
    expect(liveness.check(3000, 2600)).toBeUndefined();
  });
});
