import { readServerEnvironment } from '../../../../src/ca/server';
import { readPvaServerEnvironment } from '../../../../src/pva/server';
import { epicsParameters } from '../../../../src/ioc/devices';

// "IOC epics var" (devIocStatsString.c devStringinEpics) shows envGetConfigParam's answer: the
// environment's value, else base's default (configure/CONFIG_ENV); for what our servers read,
// the value the server uses.
function parameters(env: { [name: string]: string }, ca = {}, pva = {}) {
  return epicsParameters(env, {
    ca: { ...readServerEnvironment(env).config, ...ca },
    pva: { ...readPvaServerEnvironment(env).config, ...pva },
  });
}

describe('EPICS parameters', () => {
  it("gives base's CONFIG_ENV default for an unset parameter our servers do not read, and the environment's value when set", () => {
    expect(parameters({}).get('EPICS_CA_MAX_ARRAY_BYTES')).toBe('16384');
    expect(parameters({}).get('EPICS_IOC_LOG_PORT')).toBe('7004');
    expect(parameters({ EPICS_CA_MAX_ARRAY_BYTES: '100000' }).get('EPICS_CA_MAX_ARRAY_BYTES')).toBe('100000');
  });

  it('gives the CA server port and beacon settings the server uses: environment, then the configuration over it', () => {
    const fromEnv = parameters({ EPICS_CA_SERVER_PORT: '5070', EPICS_CAS_BEACON_ADDR_LIST: '10.0.0.255' });
    expect(fromEnv.get('EPICS_CAS_SERVER_PORT')).toBe('5070');
    expect(fromEnv.get('EPICS_CA_SERVER_PORT')).toBe('5070');
    // rsrv sends beacons to the repeater port when an entry names none (EPICS_CA_REPEATER_PORT 5065).
    expect(fromEnv.get('EPICS_CAS_BEACON_ADDR_LIST')).toBe('10.0.0.255:5065');
    const configured = parameters({ EPICS_CA_SERVER_PORT: '5070' }, { serverPort: 6000, autoBeaconAddresses: false });
    expect(configured.get('EPICS_CAS_SERVER_PORT')).toBe('6000');
    expect(configured.get('EPICS_CAS_AUTO_BEACON_ADDR_LIST')).toBe('NO');
  });

  it('gives the pvAccess ports the server uses (pvxs defaults 5075 and 5076)', () => {
    const defaults = parameters({});
    expect(defaults.get('EPICS_PVAS_SERVER_PORT')).toBe('5075');
    expect(defaults.get('EPICS_PVAS_BROADCAST_PORT')).toBe('5076');
    expect(parameters({ EPICS_PVA_SERVER_PORT: '5999' }).get('EPICS_PVAS_SERVER_PORT')).toBe('5999');
  });

  it('knows no made-up name', () => {
    expect(parameters({ EPICS_MADE_UP: 'x' }).has('EPICS_MADE_UP')).toBe(false);
  });
});
