import { parseCommandLine } from '../../../src/ioc/cli-args';
import { ConfigError, resolveIocConfig } from '../../../src/ioc/config/ioc-config';
import { fitLocation } from '../../../src/ioc/devices/memory-tracing/trace-results';

describe('tracing settings', () => {
  it('samples every 128 KiB, with exact frames off and leak suspects 5 of 6 over 12 snapshots, by default', () => {
    expect(resolveIocConfig({}, '/base').tracing).toMatchObject({
      samplingInterval: 131072,
      exactFrames: false,
      suspects: { snapshots: 12, periods: 6, grewIn: 5 },
    });
  });

  it('takes the suspect rules in part, and refuses rules that do not fit together', () => {
    expect(resolveIocConfig({ tracing: { suspects: { periods: 4, grewIn: 4 } } }, '/base').tracing.suspects).toEqual({ snapshots: 12, periods: 4, grewIn: 4 });
    expect(() => resolveIocConfig({ tracing: { suspects: { grewIn: 7 } } }, '/base')).toThrow(
      new ConfigError('config: $.tracing.suspects: grewIn must be an integer from 1 to periods (6), not 7'),
    );
    expect(() => resolveIocConfig({ tracing: { suspects: { snapshots: 5 } } }, '/base')).toThrow(
      /periods must be an integer from 1 to snapshots − 1 \(4\), not 6/,
    );
    expect(() => resolveIocConfig({ tracing: { exactFrames: 'yes' } }, '/base')).toThrow(ConfigError);
  });

  it('--exact-frames on the command line', () => {
    expect(parseCommandLine(['--exact-frames'])).toMatchObject({ kind: 'run', exactFrames: true });
    expect(parseCommandLine([])).toMatchObject({ kind: 'run', exactFrames: false });
  });
});

describe('fitLocation (a DBR_STRING element: 39 bytes and the NUL)', () => {
  it('keeps short locations and cuts long ones at the start', () => {
    expect(fitLocation('src/app.ts:42')).toBe('src/app.ts:42');
    const long = '/srv/services/orders/node_modules/some-lib/dist/index.js:1234';
    const fitted = fitLocation(long);
    expect(fitted).toBe('..._modules/some-lib/dist/index.js:1234');
    expect(Buffer.byteLength(fitted)).toBe(39);
    const wide = `/srv/${'é'.repeat(30)}/app.js:7`;
    expect(Buffer.byteLength(fitLocation(wide))).toBeLessThanOrEqual(39);
    expect(wide.endsWith(fitLocation(wide).slice(3))).toBe(true);
  });
});
