import { readPvaServerEnvironment } from '../../../../src/pva/server/environment';

// EPICS_PVAS_* as pvxs's server Config reads them (config.cpp _fromDefs): each variable, its
// EPICS_PVA_* fallback where pvxs has one, and what a bad value leaves in force.

const read = (env: Record<string, string>) => readPvaServerEnvironment(env);

describe('readPvaServerEnvironment', () => {
  it('defaults to 5075/5076, every interface, automatic beacons every 15 s', () => {
    expect(read({})).toEqual({
      config: {
        serverPort: 5075,
        broadcastPort: 5076,
        interfaces: ['0.0.0.0'],
        beaconAddresses: [],
        autoBeaconAddresses: true,
        ignoreAddresses: [],
        beaconPeriod: 15,
      },
      warnings: [],
    });
  });

  it('reads every EPICS_PVAS_* variable', () => {
    const { config, warnings } = read({
      EPICS_PVAS_SERVER_PORT: '15075',
      EPICS_PVAS_BROADCAST_PORT: '15076',
      EPICS_PVAS_INTF_ADDR_LIST: '127.0.0.1 10.0.0.2',
      EPICS_PVAS_BEACON_ADDR_LIST: '10.0.0.255 10.0.1.255:6000',
      EPICS_PVAS_AUTO_BEACON_ADDR_LIST: 'no',
      EPICS_PVAS_IGNORE_ADDR_LIST: '10.0.0.7',
    });
    expect(warnings).toEqual([]);
    expect(config).toMatchObject({
      serverPort: 15075,
      broadcastPort: 15076,
      interfaces: ['127.0.0.1', '10.0.0.2'],
      // An entry without a port is sent beacons on the broadcast port.
      beaconAddresses: [
        { host: '10.0.0.255', port: 15076 },
        { host: '10.0.1.255', port: 6000 },
      ],
      autoBeaconAddresses: false,
      ignoreAddresses: ['10.0.0.7'],
    });
  });

  it('falls back to the client variables where pvxs does', () => {
    const { config } = read({
      EPICS_PVA_SERVER_PORT: '25075',
      EPICS_PVA_BROADCAST_PORT: '25076',
      EPICS_PVA_ADDR_LIST: '10.0.0.255',
      EPICS_PVA_AUTO_ADDR_LIST: 'NO',
    });
    expect(config).toMatchObject({
      serverPort: 25075,
      broadcastPort: 25076,
      beaconAddresses: [{ host: '10.0.0.255', port: 25076 }],
      autoBeaconAddresses: false,
    });
  });

  it('prefers the server variable to its fallback, and counts an empty one as unset', () => {
    const { config } = read({
      EPICS_PVAS_SERVER_PORT: '15075',
      EPICS_PVA_SERVER_PORT: '25075',
      EPICS_PVAS_AUTO_BEACON_ADDR_LIST: 'YES',
      EPICS_PVA_AUTO_ADDR_LIST: 'NO',
      EPICS_PVAS_BEACON_ADDR_LIST: '',
      EPICS_PVA_ADDR_LIST: '10.0.0.255',
    });
    expect(config).toMatchObject({ serverPort: 15075, autoBeaconAddresses: true, beaconAddresses: [{ host: '10.0.0.255', port: 5076 }] });
  });

  it('has no client fallback for the interface and ignore lists', () => {
    const { config } = read({ EPICS_PVA_INTF_ADDR_LIST: '127.0.0.1', EPICS_PVA_IGNORE_ADDR_LIST: '10.0.0.7' });
    expect(config).toMatchObject({ interfaces: ['0.0.0.0'], ignoreAddresses: [] });
  });

  it('keeps the default for a bad value and says why', () => {
    const { config, warnings } = read({
      EPICS_PVAS_SERVER_PORT: 'http',
      EPICS_PVAS_BROADCAST_PORT: '70000',
      EPICS_PVAS_AUTO_BEACON_ADDR_LIST: 'maybe',
      EPICS_PVAS_INTF_ADDR_LIST: '127.0.0.1 localhost',
      EPICS_PVAS_BEACON_ADDR_LIST: '10.0.0.255:0 10.0.1.255',
    });
    expect(config).toMatchObject({
      serverPort: 5075,
      broadcastPort: 5076,
      autoBeaconAddresses: true,
      interfaces: ['127.0.0.1'],
      beaconAddresses: [{ host: '10.0.1.255', port: 5076 }],
    });
    expect(warnings).toEqual([
      'EPICS_PVAS_SERVER_PORT=http is not a port; using 5075',
      'EPICS_PVAS_BROADCAST_PORT=70000 is not a port; using 5076',
      'EPICS_PVAS_INTF_ADDR_LIST: ignoring "localhost"',
      'EPICS_PVAS_BEACON_ADDR_LIST: ignoring "10.0.0.255:0"',
      'EPICS_PVAS_AUTO_BEACON_ADDR_LIST=maybe is not YES or NO; using YES',
    ]);
  });

  it('serves every interface when no interface entry is usable', () => {
    const { config, warnings } = read({ EPICS_PVAS_INTF_ADDR_LIST: 'nowhere' });
    expect(config.interfaces).toEqual(['0.0.0.0']);
    expect(warnings).toEqual(['EPICS_PVAS_INTF_ADDR_LIST: ignoring "nowhere"']);
  });
});
