import type { Channel, Context } from 'epics-tca';
import pino from 'pino';
import { startTestPvaServer, type TestPvaServer } from '../helpers/pva-server';
import { startTcaContext, stopTcaContext } from '../helpers/tca';
import { emptyCounts, totalMessages } from './core-fuzz';
import { fuzzPvs, HEALTH_COUNTER } from './fuzz-pvs';
import { pvaFuzzProtocol, PvaMessageSource } from './pva-messages';
import { Random } from './random';
import { peakDuring, ServerFuzzer } from './server-fuzz';

// The pvAccess server fed fuzzed messages over TCP and UDP, with the harness of the CA fuzzer
// (server-fuzz.ts), while epics-tca on a connection of its own keeps reading a counter that goes
// up. FUZZ_SEED reproduces a run; FUZZ_MESSAGES makes it longer (RELIABILITY.md's figures:
// FUZZ_MESSAGES=1000000).

const seed = Number(process.env.FUZZ_SEED ?? 20261204);
const MESSAGES = Number(process.env.FUZZ_MESSAGES ?? 50_000);
const BATCH = { circuits: 8, messagesPerCircuit: 500, datagrams: 200 };
const MiB = 1024 * 1024;

describe(`the pvAccess server fed fuzzed messages over TCP and UDP (seed ${seed})`, () => {
  let server: TestPvaServer;
  let ticker: NodeJS.Timeout;
  let context: Context;
  let health: Channel;

  beforeAll(async () => {
    const { pvs, tick } = fuzzPvs();
    // FUZZ_LOG=file keeps the server's warnings, to tell why a run failed.
    const logger = process.env.FUZZ_LOG ? pino({ level: 'warn' }, pino.destination(process.env.FUZZ_LOG)) : undefined;
    // epics-tca leaves each GET operation on the connection (no DESTROY_REQUEST): its reads between
    // batches count against maxSubscriptionsPerCircuit, which keeps fuzzed connections small.
    server = await startTestPvaServer(pvs, logger, { maxChannelsPerCircuit: 64, maxSubscriptionsPerCircuit: 4096 });
    ticker = setInterval(tick, 10);
    context = await startTcaContext(server.clientEnv);
    health = (await context.createChannel(HEALTH_COUNTER, 'pva', 10))!;
  });
  afterAll(async () => {
    clearInterval(ticker);
    await stopTcaContext(context);
    await server.close();
  });

  const count = async () => ((await health.getPva(10, 'value')) as { value: number }).value;

  it(
    'keeps serving epics-tca correct values, in bounded memory',
    async () => {
      const random = new Random(seed);
      const fuzzer = new ServerFuzzer(random, pvaFuzzProtocol(new PvaMessageSource(random)), server.server.tcpPort, server.server.udpPort);
      const tcp = emptyCounts();
      const udp = emptyCounts();
      let last = await count();
      const rssBefore = process.memoryUsage().rss;
      let peakRss = rssBefore;
      try {
        while (totalMessages(tcp) + totalMessages(udp) < MESSAGES) {
          peakRss = Math.max(peakRss, await peakDuring(() => process.memoryUsage().rss, fuzzer.batch(BATCH, tcp, udp)));
          expect(peakRss - rssBefore).toBeLessThan(256 * MiB);
          const now = await count();
          expect(now).toBeGreaterThan(last);
          last = now;
        }
      } finally {
        fuzzer.close();
      }
      if (process.env.FUZZ_MESSAGES) {
        process.stderr.write(`${JSON.stringify({ seed, tcp: tcp.messages, udp: udp.messages, rssBeforeMiB: rssBefore / MiB, peakRssMiB: peakRss / MiB })}\n`);
      }
      // Every fuzzed connection goes; epics-tca's stays.
      for (const end = Date.now() + 3000; server.server.statistics().clients > 1 && Date.now() < end;) await new Promise((r) => setTimeout(r, 20));
      expect(server.server.statistics().clients).toBe(1);
    },
    30 * 60_000,
  );
});
