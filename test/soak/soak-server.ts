import { createCaServer } from '../../src/ca/server';
import { createPvaServer } from '../../src/pva/server';
import { FieldType } from '../../src/database/pv';
import { PvMap, SimplePv } from '../../src/database/simple-pv';
import { silentLogger } from '../../src/logger';
import { exposedGc } from '../helpers/exposed-gc';
import { loopbackEnv } from '../helpers/ports';

/** The pvAccess server's environment on loopback, as loopbackEnv is CA's. */
export const pvaLoopbackEnv = (port: number, searchPort: number) => ({
  EPICS_PVAS_INTF_ADDR_LIST: '127.0.0.1',
  EPICS_PVAS_SERVER_PORT: String(port),
  EPICS_PVAS_BROADCAST_PORT: String(searchPort),
  EPICS_PVAS_BEACON_ADDR_LIST: '127.0.0.1',
  EPICS_PVAS_AUTO_BEACON_ADDR_LIST: 'NO',
});

/** PVs the soak clients monitor; all change every tick. */
const SOAK_PV_COUNT = 200;
export const soakPvName = (index: number) => `SOAK:${index % SOAK_PV_COUNT}`;

export interface MemoryFigures {
  rss: number;
  heapUsed: number;
  external: number;
  clients: number;
  channels: number;
  subscriptions: number;
}

export interface SoakServer {
  server: { readonly tcpPort: number };
  /** After full garbage collections: what the process holds, and what the server counts. */
  measure(): MemoryFigures;
  close(): Promise<void>;
}

/** A server with the soak PVs, each posted a new value every `tickMs`: CA's, or pvAccess's on `port` and `beaconPort` as its search port. */
export async function startSoakServer(port: number, beaconPort: number, tickMs = 200, protocol: 'ca' | 'pva' = 'ca'): Promise<SoakServer> {
  const pvs = Array.from({ length: SOAK_PV_COUNT }, (_, index) => new SimplePv({ name: soakPvName(index), type: FieldType.DOUBLE, value: 0 }));
  const provider = new PvMap(pvs);
  const server =
    protocol === 'ca'
      ? await createCaServer({ provider, env: loopbackEnv(port, beaconPort), logger: silentLogger() })
      : await createPvaServer({ provider, env: pvaLoopbackEnv(port, beaconPort), logger: silentLogger() }).then((pva) => ({
          tcpPort: pva.tcpPort,
          statistics: () => ({ ...pva.statistics(), subscriptions: pva.statistics().monitors }),
          close: () => pva.close(),
        }));
  let value = 0;
  const ticker = setInterval(() => {
    value++;
    for (const pv of pvs) pv.post(value);
  }, tickMs);
  const gc = exposedGc();
  return {
    server,
    measure() {
      gc();
      gc();
      const memory = process.memoryUsage();
      const { clients, channels, subscriptions } = server.statistics();
      return { rss: memory.rss, heapUsed: memory.heapUsed, external: memory.external, clients, channels, subscriptions };
    },
    async close() {
      clearInterval(ticker);
      await server.close();
    },
  };
}
