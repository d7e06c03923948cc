import { DEFAULT_CA_LIMITS } from '../../../src/ca/server';
import { ConfigError, resolveIocConfig } from '../../../src/ioc/config/ioc-config';

describe('ca.limits in ioc.config.json', () => {
  it('defaults to limits no normal client reaches', () => {
    expect(resolveIocConfig({}, '/base').ca.limits).toEqual(DEFAULT_CA_LIMITS);
    expect(DEFAULT_CA_LIMITS).toMatchObject({ maxCircuits: 1000, maxPayloadSize: 64 * 1024 * 1024, inactivity: 30, echoTimeout: 5 });
  });

  it('takes some limits and keeps the defaults of the others', () => {
    const { limits } = resolveIocConfig({ ca: { limits: { maxCircuits: 10, inactivity: 60 } } }, '/base').ca;
    expect(limits).toEqual({ ...DEFAULT_CA_LIMITS, maxCircuits: 10, inactivity: 60 });
  });

  it('refuses bad values and the old place of maxPayloadSize with their JSON path', () => {
    const bad = () => resolveIocConfig({ ca: { maxPayloadSize: 1 << 20, limits: { maxCircuits: 0, echoTimeout: 'x' } } }, '/base', 'test.json');
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/\$\.ca\.maxPayloadSize: unknown key/);
    expect(bad).toThrow(/\$\.ca\.limits\.maxCircuits: 0 is outside/);
    expect(bad).toThrow(/\$\.ca\.limits\.echoTimeout: expected a number/);
  });
});
