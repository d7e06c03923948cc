import type { Context } from 'epics-tca';
import { startTestServer } from '../helpers/ca-server';
import { startTestPvaServer } from '../helpers/pva-server';
import { startTcaContext, stopTcaContext } from '../helpers/tca';
import { monitorCounter, slowClientPvs, startSlowClient } from './slow-client';

// A client that never reads must not hold up the others (issue 16). The CI version checks that a
// fast epics-tca client sees every update, in order, while a slow client monitors and reads a
// 8 MB array, and that what the server holds for the slow one stays bounded; bench/slow-client.ts
// measures the fast client's latency (RELIABILITY.md).

const MiB = 1024 * 1024;

describe.each(['ca', 'pva'] as const)('%s: one client that never reads', (protocol) => {
  it('does not keep a fast epics-tca client from any update, and costs bounded memory', async () => {
    const { pvs, counter, wave } = slowClientPvs();
    const server = protocol === 'ca' ? await startTestServer(pvs) : await startTestPvaServer(pvs);
    const statistics = () => server.server.statistics();
    const context: Context = await startTcaContext(server.clientEnv);
    const values: number[] = [];
    const stopFast = await monitorCounter(context, protocol, (value) => values.push(value));
    const stopSlow = await startSlowClient(protocol, server.server.tcpPort);
    try {
      let mostQueued = 0;
      for (let i = 1; i <= 50; i++) {
        wave.post(new Float64Array(wave.maxElements).fill(i));
        counter.post(i);
        for (const end = Date.now() + 5000; !values.includes(i) && Date.now() < end;) await new Promise((r) => setTimeout(r, 2));
        mostQueued = Math.max(mostQueued, statistics().queuedBytes);
      }
      expect(values.filter((value) => value > 0)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      // The slow client's socket holds what the kernel took; the server holds at most a batch and one message beyond.
      expect(mostQueued).toBeLessThan(32 * MiB);
    } finally {
      stopSlow();
      await stopFast();
      await stopTcaContext(context);
      await server.close();
    }
  }, 60_000);
});
