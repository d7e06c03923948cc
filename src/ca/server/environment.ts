import { DEFAULT_REPEATER_PORT, DEFAULT_SERVER_PORT } from '../protocol/constants';
import { ANY_ADDRESS, parseAddressList, type SocketAddress } from '../../net/addresses';
import { pick, port } from '../../net/environment-values';

/** The server's view of the EPICS_CAS_* environment, read as rsrv reads it. */
export interface CaServerEnvironment {
  /** TCP port to try first, and the UDP search port. */
  serverPort: number;
  /** Where beacons go when an address list entry names no port. */
  beaconPort: number;
  /** Interfaces to serve; ['0.0.0.0'] means all. */
  interfaces: string[];
  beaconAddresses: SocketAddress[];
  autoBeaconAddresses: boolean;
  /** Clients whose searches are ignored. */
  ignoreAddresses: string[];
  /** Longest interval between beacons, seconds. */
  beaconPeriod: number;
}

type Env = Record<string, string | undefined>;

function yesNo(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  return !/^no$/i.test(value.trim());
}

/**
 * Reads the environment. Values that cannot be used fall back to the EPICS default and are
 * reported in `warnings`, as EPICS base prints a message and goes on.
 */
export function readServerEnvironment(env: Env = process.env): { config: CaServerEnvironment; warnings: string[] } {
  const warnings: string[] = [];
  const serverPort = port(pick(env, 'EPICS_CAS_SERVER_PORT', 'EPICS_CA_SERVER_PORT'), DEFAULT_SERVER_PORT, warnings);
  const beaconPort = port(pick(env, 'EPICS_CAS_BEACON_PORT', 'EPICS_CA_REPEATER_PORT'), DEFAULT_REPEATER_PORT, warnings);
  const invalid = (name: string) => (entry: string) => warnings.push(`${name}: ignoring "${entry}"`);
  const interfaces = parseAddressList(env.EPICS_CAS_INTF_ADDR_LIST, serverPort, invalid('EPICS_CAS_INTF_ADDR_LIST')).map((entry) => entry.host);
  // rsrv falls back to the client's lists when the server's are not set.
  const beaconList = env.EPICS_CAS_BEACON_ADDR_LIST ?? env.EPICS_CA_ADDR_LIST;
  const beaconAddresses = parseAddressList(beaconList, beaconPort, invalid('EPICS_CAS_BEACON_ADDR_LIST'));
  const autoBeaconAddresses = yesNo(env.EPICS_CAS_AUTO_BEACON_ADDR_LIST ?? env.EPICS_CA_AUTO_ADDR_LIST, true);
  const ignoreAddresses = parseAddressList(env.EPICS_CAS_IGNORE_ADDR_LIST, 0, invalid('EPICS_CAS_IGNORE_ADDR_LIST')).map((entry) => entry.host);
  let beaconPeriod = 15;
  const periodText = env.EPICS_CAS_BEACON_PERIOD ?? env.EPICS_CA_BEACON_PERIOD;
  if (periodText !== undefined && periodText !== '') {
    const parsed = Number(periodText);
    if (Number.isFinite(parsed) && parsed > 0) beaconPeriod = parsed;
    else warnings.push(`EPICS_CAS_BEACON_PERIOD=${periodText} is not a positive number; using 15`);
  }
  return {
    config: {
      serverPort,
      beaconPort,
      interfaces: interfaces.length > 0 ? interfaces : [ANY_ADDRESS],
      beaconAddresses,
      autoBeaconAddresses,
      ignoreAddresses,
      beaconPeriod,
    },
    warnings,
  };
}
