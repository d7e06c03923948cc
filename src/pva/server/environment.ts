import { parseAddressList, ANY_ADDRESS, type SocketAddress } from '../../net/addresses';
import { pick, port } from '../../net/environment-values';
import { DEFAULT_BROADCAST_PORT, DEFAULT_SERVER_PORT } from '../protocol';

/** The server's view of the EPICS_PVAS_* environment, read as pvxs's server Config::fromEnv reads it. */
export interface PvaServerEnvironment {
  /** TCP port to try first. */
  serverPort: number;
  /** UDP port searches arrive on, and where beacons go when an address list entry names no port. */
  broadcastPort: number;
  /** Interfaces to serve; ['0.0.0.0'] means all. */
  interfaces: string[];
  beaconAddresses: SocketAddress[];
  autoBeaconAddresses: boolean;
  /** Clients whose searches are ignored. */
  ignoreAddresses: string[];
  /** Seconds between beacons. */
  beaconPeriod: number;
  /** EPICS_PVA_CONN_TMO: seconds a connection may stay silent before it is probed; the limits' `inactivity` when set. */
  connectionTimeout?: number;
}

type Env = Record<string, string | undefined>;

/** pvxs's beacon period; it reads no variable for it. */
const BEACON_PERIOD = 15;

/** pvxs takes YES or NO in any case, and keeps the default, with an error, for anything else. */
function yesNo(found: [string, string] | undefined, fallback: boolean, warnings: string[]): boolean {
  if (!found) return fallback;
  const value = found[1].trim().toUpperCase();
  if (value === 'YES' || value === 'NO') return value === 'YES';
  warnings.push(`${found[0]}=${found[1]} is not YES or NO; using ${fallback ? 'YES' : 'NO'}`);
  return fallback;
}

/** A positive number of seconds; unset, or with a warning when it is not one. */
function seconds(found: [string, string] | undefined, warnings: string[]): number | undefined {
  if (!found) return undefined;
  const value = Number(found[1]);
  if (Number.isFinite(value) && value > 0) return value;
  warnings.push(`${found[0]}=${found[1]} is not a positive number of seconds; ignored`);
  return undefined;
}

/** Reads the environment; unusable values fall back to the default and are reported in `warnings`. */
export function readPvaServerEnvironment(env: Env = process.env): { config: PvaServerEnvironment; warnings: string[] } {
  const warnings: string[] = [];
  const serverPort = port(pick(env, 'EPICS_PVAS_SERVER_PORT', 'EPICS_PVA_SERVER_PORT'), DEFAULT_SERVER_PORT, warnings);
  const broadcastPort = port(pick(env, 'EPICS_PVAS_BROADCAST_PORT', 'EPICS_PVA_BROADCAST_PORT'), DEFAULT_BROADCAST_PORT, warnings);
  const list = (defaultPort: number, ...names: string[]) => {
    const found = pick(env, ...names);
    return parseAddressList(found?.[1], defaultPort, (entry) => warnings.push(`${found![0]}: ignoring "${entry}"`));
  };
  const interfaces = list(0, 'EPICS_PVAS_INTF_ADDR_LIST').map((entry) => entry.host);
  const connectionTimeout = seconds(pick(env, 'EPICS_PVA_CONN_TMO'), warnings);
  return {
    config: {
      serverPort,
      broadcastPort,
      interfaces: interfaces.length > 0 ? interfaces : [ANY_ADDRESS],
      beaconAddresses: list(broadcastPort, 'EPICS_PVAS_BEACON_ADDR_LIST', 'EPICS_PVA_ADDR_LIST'),
      autoBeaconAddresses: yesNo(pick(env, 'EPICS_PVAS_AUTO_BEACON_ADDR_LIST', 'EPICS_PVA_AUTO_ADDR_LIST'), true, warnings),
      ignoreAddresses: list(0, 'EPICS_PVAS_IGNORE_ADDR_LIST').map((entry) => entry.host),
      beaconPeriod: BEACON_PERIOD,
      ...(connectionTimeout !== undefined && { connectionTimeout }),
    },
    warnings,
  };
}
