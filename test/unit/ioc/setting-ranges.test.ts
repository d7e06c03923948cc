import { DEFAULT_CONFIG, resolveIocConfig } from '../../../src/ioc/config/ioc-config';
import { SETTING_RANGES, rangeRefusal, tracingRanges } from '../../../src/ioc/config/setting-ranges';

// The configuration takes each setting within the same range a client's write is checked against
// (test/integration/client-bounds.test.ts); tracing.limits and status.limits move a lower bound on purpose.

const resolve = (options: unknown) => resolveIocConfig(options, '/base');

describe('setting ranges in the configuration', () => {
  it('defaults come from the declared ranges', () => {
    expect(DEFAULT_CONFIG.tracing).toMatchObject({ period: 120, samplingInterval: 131072, count: 10, limits: { minPeriod: 1, minSamplingInterval: 1024 } });
    expect(DEFAULT_CONFIG.status).toEqual({ period: 1, limits: { minPeriod: 1 } });
  });

  it.each([
    [{ tracing: { period: 1 } }],
    [{ tracing: { period: 86400 } }],
    [{ tracing: { samplingInterval: 1024 } }],
    [{ tracing: { samplingInterval: 1073741824 } }],
    [{ tracing: { count: 1 } }],
    [{ tracing: { count: 1000 } }],
    [{ status: { period: 1 } }],
    [{ status: { period: 3600 } }],
  ])('takes %j, at a bound', (options) => {
    expect(() => resolve(options)).not.toThrow();
  });

  it.each([
    [
      { tracing: { period: 0.99 } },
      /\$\.tracing\.period: 0\.99 is refused: TracePeriod must be from 1 to 86400 s \(a lower bound may be set on purpose in \$\.tracing\.limits\)/,
    ],
    [{ tracing: { period: 86401 } }, /\$\.tracing\.period: 86401 is outside 0\.1…86400/],
    [{ tracing: { samplingInterval: 1023 } }, /TraceSamplingInterval must be an integer from 1024 to 1073741824 bytes/],
    [{ tracing: { samplingInterval: 1073741825 } }, /\$\.tracing\.samplingInterval: 1073741825 is outside 1…1073741824/],
    [{ tracing: { count: 0 } }, /\$\.tracing\.count: 0 is outside 1…1000/],
    [{ tracing: { count: 1001 } }, /\$\.tracing\.count: 1001 is outside 1…1000/],
    [{ status: { period: 0.5 } }, /\$\.status\.period: 0\.5 is refused: status period must be from 1 to 3600 s \(.*\$\.status\.limits\)/],
    [{ tracing: { limits: { minPeriod: 0.05 } } }, /\$\.tracing\.limits\.minPeriod: 0\.05 is outside 0\.1…86400/],
  ])('refuses %j, past a bound', (options, message) => {
    expect(() => resolve(options)).toThrow(message);
  });

  it('takes a shorter period and a smaller interval when tracing.limits and status.limits lower the bound on purpose', () => {
    const config = resolve({
      tracing: { period: 0.5, samplingInterval: 512, limits: { minPeriod: 0.5, minSamplingInterval: 512 } },
      status: { period: 0.2, limits: { minPeriod: 0.2 } },
    });
    expect([config.tracing.period, config.tracing.samplingInterval, config.status.period]).toEqual([0.5, 512, 0.2]);
    const ranges = tracingRanges(config.tracing.limits);
    expect([ranges.period.min, ranges.samplingInterval.min, ranges.count]).toEqual([0.5, 512, SETTING_RANGES.traceCount]);
    // The same ranges bound clients' writes.
    expect(rangeRefusal(ranges.period, 0.5)).toBeUndefined();
    expect(rangeRefusal(ranges.period, 0.4)).toBe('TracePeriod must be from 0.5 to 86400 s');
  });

  it('refuses a fraction where a setting is an integer, and what is not a finite number', () => {
    expect(rangeRefusal(SETTING_RANGES.traceCount, 2.5)).toBe('TraceCount must be an integer from 1 to 1000');
    expect(rangeRefusal(SETTING_RANGES.tracePeriod, Number.NaN)).toBe('TracePeriod must be from 1 to 86400 s');
  });
});
