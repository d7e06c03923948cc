import { freePort } from '../helpers/ports';
import { PVA_SOAK } from './pva-soak-client';
import { startSoakServer, type SoakServer } from './soak-server';
import { runWave } from './waves';
import { waitUntil } from '../helpers/wait';

// The pvAccess twin of soak.test.ts: clients
// connect, monitor and leave in waves, and the server's memory returns to where it was after the
// first wave. SOAK_CLIENTS=500 gives RELIABILITY.md's figures.

const MiB = 1024 * 1024;
const CLIENTS = Number(process.env.SOAK_CLIENTS ?? 100);

describe('pvAccess clients that come and go in waves', () => {
  let soak: SoakServer;
  let clientEnv: Record<string, string>;
  beforeAll(async () => {
    const port = await freePort();
    const searchPort = await freePort();
    soak = await startSoakServer(port, searchPort, 200, 'pva');
    clientEnv = {
      EPICS_PVA_ADDR_LIST: '127.0.0.1',
      EPICS_PVA_AUTO_ADDR_LIST: 'NO',
      EPICS_PVA_SERVER_PORT: String(port),
      EPICS_PVA_BROADCAST_PORT: String(searchPort),
      EPICS_CA_ADDR_LIST: '127.0.0.1',
      EPICS_CA_SERVER_PORT: String(await freePort()),
    };
  });
  afterAll(() => soak.close());

  it('are all served, and leave no memory behind', async () => {
    const wave = (realClients: number) =>
      runWave({
        protocol: PVA_SOAK,
        tcpPort: soak.server.tcpPort,
        clientEnv,
        clients: CLIENTS,
        channelsPerClient: 20,
        libcaClients: realClients,
        holdMs: 1500,
      });
    // The first wave warms up what is made once (compiled code, buffer pools): the baseline is after it.
    await wave(0);
    await waitUntil(() => soak.measure().clients === 0, 'every client of the wave to be released');
    const baseline = soak.measure();
    for (let i = 0; i < 3; i++) {
      const figures = await wave(1);
      expect(figures.starved).toBe(0);
      expect(figures.clients).toBe(CLIENTS + 1);
      for (const updates of figures.libcaUpdates) expect(updates).toBeGreaterThanOrEqual(20);
    }
    await waitUntil(() => soak.measure().clients === 0, 'every client of the wave to be released');
    const after = soak.measure();
    if (process.env.SOAK_CLIENTS) process.stderr.write(`${JSON.stringify({ clients: CLIENTS, baseline, after })}\n`);
    expect(after).toMatchObject({ clients: 0, channels: 0, subscriptions: 0 });
    expect(after.heapUsed - baseline.heapUsed).toBeLessThan(4 * MiB);
  }, 120_000);
});
