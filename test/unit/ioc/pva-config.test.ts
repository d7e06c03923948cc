import { ConfigError, resolveIocConfig } from '../../../src/ioc/config/ioc-config';
import { pvaServerSettings } from '../../../src/ioc/ioc-core';

describe('protocols and pva in ioc.config.json', () => {
  it('serves both protocols by default, and switches each on its own', () => {
    expect(resolveIocConfig({}, '/base').protocols).toEqual({ ca: true, pva: true });
    expect(resolveIocConfig({ protocols: { pva: false } }, '/base').protocols).toEqual({ ca: true, pva: false });
    expect(resolveIocConfig({ protocols: { ca: false } }, '/base').protocols).toEqual({ ca: false, pva: true });
  });

  it('leaves to the environment what the file does not say', () => {
    const config = resolveIocConfig({}, '/base');
    expect(config.pva).toEqual({ limits: {} });
    expect(pvaServerSettings(config, {})).toEqual({});
  });

  it('turns the pva section into server settings, beacon entries without a port on the broadcast port', () => {
    const config = resolveIocConfig(
      {
        pva: {
          serverPort: 15075,
          broadcastPort: 15076,
          interfaces: ['127.0.0.1'],
          beaconAddresses: ['127.255.255.255', '10.0.0.255:6000'],
          autoBeaconAddresses: false,
          ignoreAddresses: ['10.0.0.7'],
          limits: { maxPayloadSize: 1 << 20 },
        },
      },
      '/base',
    );
    expect(config.pva.limits).toEqual({ maxPayloadSize: 1 << 20 });
    expect(pvaServerSettings(config, {})).toEqual({
      serverPort: 15075,
      broadcastPort: 15076,
      interfaces: ['127.0.0.1'],
      beaconAddresses: [
        { host: '127.255.255.255', port: 15076 },
        { host: '10.0.0.255', port: 6000 },
      ],
      autoBeaconAddresses: false,
      ignoreAddresses: ['10.0.0.7'],
    });
  });

  it('sends beacons to the broadcast port of the environment when the file names none', () => {
    const config = resolveIocConfig({ pva: { beaconAddresses: ['10.0.0.255'] } }, '/base');
    expect(pvaServerSettings(config, { EPICS_PVA_BROADCAST_PORT: '7076' }).beaconAddresses).toEqual([{ host: '10.0.0.255', port: 7076 }]);
  });

  it('refuses bad values with their JSON path', () => {
    const bad = () =>
      resolveIocConfig(
        {
          protocols: { ca: 'yes', pvxs: true },
          pva: { serverPort: 0, broadcastPort: 5076.5, interfaces: [''], autoBeaconAddresses: 'NO', limits: { maxPayloadSize: 1024 }, beaconPeriod: 15 },
        },
        '/base',
        'test.json',
      );
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/test\.json: \$\.protocols\.ca: expected true or false, got/);
    expect(bad).toThrow(/\$\.protocols\.pvxs: unknown key/);
    expect(bad).toThrow(/\$\.pva\.serverPort: 0 is outside 1…65535/);
    expect(bad).toThrow(/\$\.pva\.broadcastPort: expected an integer, got 5076\.5/);
    expect(bad).toThrow(/\$\.pva\.interfaces\[0\]: must not be empty/);
    expect(bad).toThrow(/\$\.pva\.autoBeaconAddresses: expected true or false/);
    expect(bad).toThrow(/\$\.pva\.limits\.maxPayloadSize: 1024 is outside/);
    // pvxs has no beacon period setting; neither has the pva section.
    expect(bad).toThrow(/\$\.pva\.beaconPeriod: unknown key/);
  });

  it('refuses an address list entry that is not an IPv4 address when the server is set up', () => {
    const config = resolveIocConfig({ pva: { beaconAddresses: ['broadcast'] } }, '/base');
    expect(() => pvaServerSettings(config, {})).toThrow(new ConfigError('pva.beaconAddresses: "broadcast" is not an IPv4 address[:port]'));
  });
});
