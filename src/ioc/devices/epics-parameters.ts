// What "IOC epics var" shows for an EPICS parameter: envGetConfigParam gives the environment's
// value or, when it is unset, the default EPICS base was built with (configure/CONFIG_ENV,
// CONFIG_SITE_ENV). For the parameters our CA and pvAccess servers read, the value is the one the
// server uses: the environment and the configuration file's ca/pva settings resolved as the
// server resolves them, so the PV never shows a port or list the server does not use.

import type { CaServerEnvironment } from '../../ca/server';
import type { SocketAddress } from '../../net/addresses';
import type { PvaServerEnvironment } from '../../pva/server';

type Env = Readonly<{ [name: string]: string | undefined }>;

/** base's env_param_list (envDefs.h) with CONFIG_ENV's and CONFIG_SITE_ENV's defaults. */
const BASE_DEFAULTS: { readonly [name: string]: string } = {
  EPICS_CA_ADDR_LIST: '',
  EPICS_CA_CONN_TMO: '30.0',
  EPICS_CA_AUTO_ADDR_LIST: 'YES',
  EPICS_CA_REPEATER_PORT: '5065',
  EPICS_CA_SERVER_PORT: '5064',
  EPICS_CA_MAX_ARRAY_BYTES: '16384',
  EPICS_CA_AUTO_ARRAY_BYTES: 'YES',
  EPICS_CA_MAX_SEARCH_PERIOD: '300.0',
  EPICS_CA_NAME_SERVERS: '',
  EPICS_CA_MCAST_TTL: '1',
  EPICS_CAS_INTF_ADDR_LIST: '',
  EPICS_CAS_IGNORE_ADDR_LIST: '',
  EPICS_CAS_AUTO_BEACON_ADDR_LIST: '',
  EPICS_CAS_BEACON_ADDR_LIST: '',
  EPICS_CAS_SERVER_PORT: '',
  EPICS_CA_BEACON_PERIOD: '15.0',
  EPICS_CAS_BEACON_PERIOD: '',
  EPICS_CAS_BEACON_PORT: '',
  EPICS_TZ: 'CST6CDT,M3.2.0/2,M11.1.0/2',
  EPICS_TS_NTP_INET: '',
  EPICS_IOC_IGNORE_SERVERS: '',
  EPICS_IOC_LOG_PORT: '7004',
  EPICS_IOC_LOG_INET: '',
  EPICS_IOC_LOG_FILE_LIMIT: '1000000',
  EPICS_IOC_LOG_FILE_NAME: '',
  EPICS_IOC_LOG_FILE_COMMAND: '',
  IOCSH_PS1: 'epics> ',
  IOCSH_HISTSIZE: '50',
  IOCSH_HISTEDIT_DISABLE: '',
};

const yesNo = (value: boolean) => (value ? 'YES' : 'NO');
const addresses = (list: readonly SocketAddress[]) => list.map(({ host, port }) => `${host}:${port}`).join(' ');
const hosts = (list: readonly string[]) => list.join(' ');

function caParameters(ca: CaServerEnvironment): [string, string][] {
  return [
    ['EPICS_CAS_SERVER_PORT', String(ca.serverPort)],
    ['EPICS_CA_SERVER_PORT', String(ca.serverPort)],
    ['EPICS_CAS_BEACON_PORT', String(ca.beaconPort)],
    ['EPICS_CA_REPEATER_PORT', String(ca.beaconPort)],
    ['EPICS_CAS_INTF_ADDR_LIST', hosts(ca.interfaces)],
    ['EPICS_CAS_BEACON_ADDR_LIST', addresses(ca.beaconAddresses)],
    ['EPICS_CAS_AUTO_BEACON_ADDR_LIST', yesNo(ca.autoBeaconAddresses)],
    ['EPICS_CAS_IGNORE_ADDR_LIST', hosts(ca.ignoreAddresses)],
    ['EPICS_CAS_BEACON_PERIOD', String(ca.beaconPeriod)],
  ];
}

function pvaParameters(pva: PvaServerEnvironment): [string, string][] {
  return [
    ['EPICS_PVAS_SERVER_PORT', String(pva.serverPort)],
    ['EPICS_PVA_SERVER_PORT', String(pva.serverPort)],
    ['EPICS_PVAS_BROADCAST_PORT', String(pva.broadcastPort)],
    ['EPICS_PVA_BROADCAST_PORT', String(pva.broadcastPort)],
    ['EPICS_PVAS_INTF_ADDR_LIST', hosts(pva.interfaces)],
    ['EPICS_PVAS_BEACON_ADDR_LIST', addresses(pva.beaconAddresses)],
    ['EPICS_PVAS_AUTO_BEACON_ADDR_LIST', yesNo(pva.autoBeaconAddresses)],
    ['EPICS_PVAS_IGNORE_ADDR_LIST', hosts(pva.ignoreAddresses)],
    ['EPICS_PVA_CONN_TMO', pva.connectionTimeout === undefined ? '' : String(pva.connectionTimeout)],
  ];
}

/** Every EPICS parameter "IOC epics var" knows, with its value; `servers` are the settings each server uses (or would use). */
export function epicsParameters(env: Env, servers: { ca: CaServerEnvironment; pva: PvaServerEnvironment }): Map<string, string> {
  const parameters = new Map<string, string>(Object.entries(BASE_DEFAULTS).map(([name, fallback]) => [name, env[name] ?? fallback]));
  for (const [name, value] of [...caParameters(servers.ca), ...pvaParameters(servers.pva)]) parameters.set(name, value);
  return parameters;
}
