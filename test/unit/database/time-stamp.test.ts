import { POSIX_TIME_AT_EPICS_EPOCH, timeSource, type EpicsTimeStamp } from '../../../src/database/pv';

// Time stamps as EPICS General Time gives them with the OS clock as its provider
// (libcom/src/osi/epicsGeneralTime.c): they follow the OS clock, also when it is stepped, and
// never go backwards (lastProvidedTime is given again until the clock passes it).

/** A wall clock and a monotonic clock that the test moves: together, or the wall clock alone (a step). */
function fakeClocks(startMillis: number) {
  let wall = startMillis;
  let monotonic = 5_000_000_000n;
  return {
    clocks: { wallMillis: () => Math.floor(wall), monotonicNanos: () => monotonic },
    elapse: (nanos: number) => {
      monotonic += BigInt(nanos);
      wall += nanos / 1e6;
    },
    step: (millis: number) => {
      wall += millis;
    },
  };
}

const posixSeconds = (stamp: EpicsTimeStamp) => stamp.secondsPastEpoch + POSIX_TIME_AT_EPICS_EPOCH;
const START = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('timeSource', () => {
  it('gives the wall clock, with nanoseconds from the monotonic clock between its milliseconds', () => {
    const { clocks, elapse } = fakeClocks(START);
    const now = timeSource(clocks);
    expect(now()).toEqual({ secondsPastEpoch: START / 1000 - POSIX_TIME_AT_EPICS_EPOCH, nanoseconds: 0 });
    elapse(1_234_567);
    expect(now()).toEqual({ secondsPastEpoch: START / 1000 - POSIX_TIME_AT_EPICS_EPOCH, nanoseconds: 1_234_567 });
  });

  it('follows the wall clock stepped forward', () => {
    const { clocks, elapse, step } = fakeClocks(START);
    const now = timeSource(clocks);
    now();
    step(3600_000);
    elapse(1000);
    expect(posixSeconds(now())).toBe(START / 1000 + 3600);
  });

  it('after a step back, gives the last time until the clock passes it, then follows the clock', () => {
    const { clocks, elapse, step } = fakeClocks(START);
    const now = timeSource(clocks);
    elapse(500_000_000);
    const last = now();
    step(-10_000);
    elapse(1_000_000);
    expect(now()).toEqual(last);
    elapse(9_000_000_000);
    expect(now()).toEqual(last);
    elapse(2_000_000_000);
    expect(posixSeconds(now())).toBe(START / 1000 + 1);
    expect(now().nanoseconds).toBe(501_000_000);
  });
});
