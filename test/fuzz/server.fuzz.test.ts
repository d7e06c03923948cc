import { startTestServer, type TestServer } from '../helpers/ca-server';
import { RawCircuit, request } from '../helpers/raw-client';
import { Command } from '../../src/ca/protocol/constants';
import { emptyCounts, totalMessages } from './core-fuzz';
import { fuzzPvs, HEALTH_COUNTER } from './fuzz-pvs';
import { MessageSource } from './messages';
import { Random } from './random';
import { caFuzzProtocol, LibcaWatcher, peakDuring, ServerFuzzer } from './server-fuzz';

// The CI version of `bench/fuzz-ca.ts`, with the server in this process; FUZZ_SEED reproduces a run.

const seed = Number(process.env.FUZZ_SEED ?? 20261121);
const BATCHES = 10;

describe(`a server fed fuzzed messages over TCP and UDP (seed ${seed})`, () => {
  let server: TestServer;
  let ticker: NodeJS.Timeout;
  let watcher: LibcaWatcher;
  let reader: RawCircuit;

  beforeAll(async () => {
    const { pvs, tick } = fuzzPvs();
    server = await startTestServer(pvs, {}, { maxChannelsPerCircuit: 64, maxSubscriptionsPerCircuit: 64 });
    ticker = setInterval(tick, 10);
    watcher = new LibcaWatcher(server.clientEnv, 120_000);
    reader = await RawCircuit.connect(server.server.tcpPort);
  });
  afterAll(async () => {
    clearInterval(ticker);
    watcher.close();
    reader.close();
    await server.close();
  });

  it('keeps serving a well-behaved libca client correct values, in bounded memory', async () => {
    const random = new Random(seed);
    const fuzzer = new ServerFuzzer(random, caFuzzProtocol(new MessageSource(random)), server.server.tcpPort, server.server.udpPort);
    const tcp = emptyCounts();
    const udp = emptyCounts();
    const sid = await reader.createChannel(HEALTH_COUNTER, 1);
    await watcher.check(15_000);
    const rssBefore = process.memoryUsage().rss;
    let lastCount = -1;
    try {
      for (let batch = 1; batch <= BATCHES; batch++) {
        const rss = await peakDuring(() => process.memoryUsage().rss, fuzzer.batch({ circuits: 8, messagesPerCircuit: 500, datagrams: 200 }, tcp, udp));
        expect(rss - rssBefore).toBeLessThan(256 * 1024 * 1024);
        reader.send(request(Command.READ_NOTIFY, 5, 1, sid, batch));
        const reply = await reader.waitFor((m) => m.command === Command.READ_NOTIFY && m.parameter2 === batch);
        expect(reply.payload.readInt32BE(0)).toBeGreaterThan(lastCount);
        lastCount = reply.payload.readInt32BE(0);
        await watcher.check();
      }
    } finally {
      fuzzer.close();
    }
    expect(totalMessages(tcp) + totalMessages(udp)).toBeGreaterThanOrEqual(50_000);
    // Every fuzzed circuit has gone: wait for the server to count them out, then check.
    for (const end = Date.now() + 3000; server.server.statistics().clients > 2 && Date.now() < end;) await new Promise((r) => setTimeout(r, 20));
    expect(server.server.statistics().clients).toBe(2);
  }, 120_000);
});
