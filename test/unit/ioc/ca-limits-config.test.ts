import { DEFAULT_CA_LIMITS } from '../../../src/ca/server';
import { ConfigError, resolveIocConfig } from '../../../src/ioc/config/ioc-config';
import { protocolLimits } from '../../../src/ioc/ioc-core';
import { DEFAULT_LIMITS } from '../../../src/net/limits';

describe('limits in ioc.config.json', () => {
  it('defaults to limits no normal client reaches, the same for both protocols', () => {
    const config = resolveIocConfig({}, '/base');
    expect(protocolLimits(config, 'ca')).toEqual({});
    expect(protocolLimits(config, 'pva')).toEqual({});
    expect(DEFAULT_CA_LIMITS).toBe(DEFAULT_LIMITS);
    expect(DEFAULT_LIMITS).toMatchObject({ maxCircuits: 1000, maxPayloadSize: 64 * 1024 * 1024, inactivity: 30, echoTimeout: 5 });
  });

  it('keeps ca.limits working, over the shared limits', () => {
    const config = resolveIocConfig({ limits: { maxCircuits: 20, maxQueuedBytes: 1 << 20 }, ca: { limits: { maxCircuits: 10, inactivity: 60 } } }, '/base');
    expect(protocolLimits(config, 'ca')).toEqual({ maxCircuits: 10, inactivity: 60, maxQueuedBytes: 1 << 20 });
    expect(protocolLimits(config, 'pva')).toEqual({ maxCircuits: 20, maxQueuedBytes: 1 << 20 });
  });

  it('takes pva.limits over the shared limits', () => {
    const config = resolveIocConfig(
      { limits: { maxChannelsPerCircuit: 50 }, pva: { limits: { maxChannelsPerCircuit: 5, maxSearchRepliesPerSecond: 100 } } },
      '/base',
    );
    expect(protocolLimits(config, 'pva')).toEqual({ maxChannelsPerCircuit: 5, maxSearchRepliesPerSecond: 100 });
    expect(protocolLimits(config, 'ca')).toEqual({ maxChannelsPerCircuit: 50 });
  });

  it('refuses bad values and the old place of maxPayloadSize with their JSON path', () => {
    const bad = () =>
      resolveIocConfig(
        { ca: { maxPayloadSize: 1 << 20, limits: { maxCircuits: 0, echoTimeout: 'x' } }, limits: { maxQueuedBytes: 10, maxRequestsInFlight: 0 } },
        '/base',
        'test.json',
      );
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/\$\.ca\.maxPayloadSize: unknown key/);
    expect(bad).toThrow(/\$\.ca\.limits\.maxCircuits: 0 is outside/);
    expect(bad).toThrow(/\$\.ca\.limits\.echoTimeout: expected a number/);
    expect(bad).toThrow(/\$\.limits\.maxQueuedBytes: 10 is outside/);
    expect(bad).toThrow(/\$\.limits\.maxRequestsInFlight: 0 is outside/);
  });
});
