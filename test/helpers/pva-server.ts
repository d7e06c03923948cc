import { createPvaServer, type PvaServer } from '../../src/pva/server';
import type { PvProvider } from '../../src/database/pv';
import { silentLogger, type Logger } from '../../src/logger';
import type { ServerLimits } from '../../src/net/limits';
import { freePort } from './ports';

export interface TestPvaServer {
  server: PvaServer;
  /** The environment a pvAccess client on loopback needs to find this server. */
  clientEnv: Record<string, string>;
  close(): Promise<void>;
}

/** A pvAccess server on loopback, on ports of its own, with the environment for its clients. */
export async function startTestPvaServer(provider: PvProvider, logger: Logger = silentLogger(), limits: Partial<ServerLimits> = {}): Promise<TestPvaServer> {
  const tcpPort = await freePort();
  const udpPort = await freePort();
  const env = {
    EPICS_PVAS_INTF_ADDR_LIST: '127.0.0.1',
    EPICS_PVAS_SERVER_PORT: String(tcpPort),
    EPICS_PVAS_BROADCAST_PORT: String(udpPort),
    EPICS_PVAS_BEACON_ADDR_LIST: '127.0.0.1',
    EPICS_PVAS_AUTO_BEACON_ADDR_LIST: 'NO',
  };
  const server = await createPvaServer({ provider, env, logger, limits });
  const clientEnv = {
    EPICS_PVA_ADDR_LIST: '127.0.0.1',
    EPICS_PVA_AUTO_ADDR_LIST: 'NO',
    EPICS_PVA_SERVER_PORT: String(server.tcpPort),
    EPICS_PVA_BROADCAST_PORT: String(udpPort),
    // epics-tca needs a CA address list even when it speaks only pvAccess.
    EPICS_CA_ADDR_LIST: '127.0.0.1',
    EPICS_CA_SERVER_PORT: String(await freePort()),
  };
  return { server, clientEnv, close: () => server.close() };
}
