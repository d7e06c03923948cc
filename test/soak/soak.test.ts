import { freePort, loopbackEnv } from '../helpers/ports';
import { startSoakServer, type SoakServer } from './soak-server';
import { CA_SOAK, runWave } from './waves';
import { waitUntil } from '../helpers/wait';

// The CI version of `bench/soak-ca.ts`: clients connect, monitor and leave in waves, and the
// server's memory returns to where it was after the first wave.

const MiB = 1024 * 1024;

describe('clients that come and go in waves', () => {
  let soak: SoakServer;
  let clientEnv: Record<string, string>;
  beforeAll(async () => {
    const port = await freePort();
    const beaconPort = await freePort();
    soak = await startSoakServer(port, beaconPort);
    clientEnv = loopbackEnv(port, beaconPort);
  });
  afterAll(() => soak.close());

  it('are all served, and leave no memory behind', async () => {
    const wave = (libcaClients: number) =>
      runWave({ protocol: CA_SOAK, tcpPort: soak.server.tcpPort, clientEnv, clients: 100, channelsPerClient: 20, libcaClients, holdMs: 1500 });
    // The first wave warms up what is made once (compiled code, buffer pools): the baseline is after it.
    await wave(0);
    await waitUntil(() => soak.measure().clients === 0, 'every client of the wave to be released');
    const baseline = soak.measure();
    for (let i = 0; i < 3; i++) {
      const figures = await wave(2);
      expect(figures.starved).toBe(0);
      expect(figures.clients).toBe(102);
      for (const updates of figures.libcaUpdates) expect(updates).toBeGreaterThanOrEqual(20);
    }
    await waitUntil(() => soak.measure().clients === 0, 'every client of the wave to be released');
    const after = soak.measure();
    expect(after).toMatchObject({ clients: 0, channels: 0, subscriptions: 0 });
    expect(after.heapUsed - baseline.heapUsed).toBeLessThan(4 * MiB);
  }, 60_000);
});
