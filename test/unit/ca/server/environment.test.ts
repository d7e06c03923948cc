import { readServerEnvironment } from '../../../../src/ca/server/environment';

describe('the EPICS_CAS_* environment, read as rsrv reads it', () => {
  it('has the EPICS defaults', () => {
    expect(readServerEnvironment({})).toEqual({
      config: {
        serverPort: 5064,
        beaconPort: 5065,
        interfaces: ['0.0.0.0'],
        beaconAddresses: [],
        autoBeaconAddresses: true,
        ignoreAddresses: [],
        beaconPeriod: 15,
      },
      warnings: [],
    });
  });

  it('prefers the server variables and falls back to the client ones', () => {
    const { config } = readServerEnvironment({
      EPICS_CA_SERVER_PORT: '6000',
      EPICS_CA_REPEATER_PORT: '6001',
      EPICS_CA_ADDR_LIST: '10.0.0.255 10.0.1.255:7000',
      EPICS_CA_AUTO_ADDR_LIST: 'NO',
      EPICS_CA_BEACON_PERIOD: '30',
    });
    expect(config).toMatchObject({
      serverPort: 6000,
      beaconPort: 6001,
      beaconAddresses: [
        { host: '10.0.0.255', port: 6001 },
        { host: '10.0.1.255', port: 7000 },
      ],
      autoBeaconAddresses: false,
      beaconPeriod: 30,
    });
    const server = readServerEnvironment({
      EPICS_CA_SERVER_PORT: '6000',
      EPICS_CAS_SERVER_PORT: '7000',
      EPICS_CAS_BEACON_PORT: '7001',
      EPICS_CAS_BEACON_ADDR_LIST: '127.0.0.1',
      EPICS_CA_ADDR_LIST: '10.0.0.255',
      EPICS_CAS_AUTO_BEACON_ADDR_LIST: 'no',
      EPICS_CAS_INTF_ADDR_LIST: '127.0.0.1 192.168.1.2',
      EPICS_CAS_IGNORE_ADDR_LIST: '10.1.1.1 10.1.1.2',
      EPICS_CAS_BEACON_PERIOD: '2.5',
    }).config;
    expect(server).toEqual({
      serverPort: 7000,
      beaconPort: 7001,
      interfaces: ['127.0.0.1', '192.168.1.2'],
      beaconAddresses: [{ host: '127.0.0.1', port: 7001 }],
      autoBeaconAddresses: false,
      ignoreAddresses: ['10.1.1.1', '10.1.1.2'],
      beaconPeriod: 2.5,
    });
  });

  it('reports values it cannot use and keeps the defaults', () => {
    const { config, warnings } = readServerEnvironment({
      EPICS_CAS_SERVER_PORT: 'lots',
      EPICS_CAS_BEACON_PERIOD: '-1',
      EPICS_CAS_BEACON_ADDR_LIST: 'nowhere 127.0.0.1:99999 127.0.0.2',
    });
    expect(config.serverPort).toBe(5064);
    expect(config.beaconPeriod).toBe(15);
    expect(config.beaconAddresses).toEqual([{ host: '127.0.0.2', port: 5065 }]);
    expect(warnings).toEqual([
      'EPICS_CAS_SERVER_PORT=lots is not a port; using 5064',
      'EPICS_CAS_BEACON_ADDR_LIST: ignoring "nowhere"',
      'EPICS_CAS_BEACON_ADDR_LIST: ignoring "127.0.0.1:99999"',
      'EPICS_CAS_BEACON_PERIOD=-1 is not a positive number; using 15',
    ]);
  });
});
