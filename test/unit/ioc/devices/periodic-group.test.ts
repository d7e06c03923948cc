import { silentLogger } from '../../../../src/logger';
import { PeriodicGroup } from '../../../../src/ioc/devices/periodic-group';

describe('a devIocStats update group', () => {
  const groups: PeriodicGroup<number>[] = [];
  afterEach(() => groups.splice(0).forEach((group) => group.stop()));

  function counter(periodSeconds: number) {
    let samples = 0;
    const group = new PeriodicGroup<number>('test', periodSeconds, () => ++samples, silentLogger());
    groups.push(group);
    return group;
  }

  it('has its first figures once primed, before its timer runs', async () => {
    const group = counter(3600);
    expect(group.latest).toBeUndefined();
    await group.prime();
    expect(group.latest).toBe(1);
  });

  it('samples every period once started, and a shortened period (the ao record written) takes effect at once', async () => {
    const group = counter(3600);
    group.attach();
    const sampled = new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if ((group.latest ?? 0) >= 2) {
          clearInterval(poll);
          resolve();
        }
      }, 10);
    });
    // With the hour-long period, nothing would be sampled during this test.
    group.setPeriod(0.05);
    await sampled;
    expect(group.period).toBe(0.05);
  });

  describe('with fake timers', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('runs its timer from the first record bound until the last is released', async () => {
      const group = counter(1);
      const releaseFirst = group.attach();
      const releaseSecond = group.attach();
      await jest.advanceTimersByTimeAsync(1000);
      expect(group.latest).toBe(1);
      releaseFirst();
      releaseFirst();
      await jest.advanceTimersByTimeAsync(1000);
      expect(group.latest).toBe(2);
      releaseSecond();
      await jest.advanceTimersByTimeAsync(5000);
      expect(group.latest).toBe(2);
      expect(jest.getTimerCount()).toBe(0);
    });
  });
});
