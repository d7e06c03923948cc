/**
 * One client that never reads beside one that does (issue 16): the fast client's monitor-update
 * latency (epics-tca, post to callback) with no slow client, then with one that monitors and
 * asks for an 8 MB array and never reads, for CA and pvAccess. Prints the figures as JSON.
 *
 *   node /tmp/bench-out/bench/slow-client.js [--updates 300] [--rate 50]
 *
 * The test suite checks the behaviour without timing (test/slow). See bench/README.md for compiling.
 */
import { parseArgs } from 'node:util';
import { startTestServer } from '../test/helpers/ca-server';
import { startTestPvaServer } from '../test/helpers/pva-server';
import { startTcaContext, stopTcaContext } from '../test/helpers/tca';
import { monitorCounter, slowClientPvs, startSlowClient } from '../test/slow/slow-client';

const { values } = parseArgs({ options: { updates: { type: 'string', default: '300' }, rate: { type: 'string', default: '50' } } });
const UPDATES = Number(values.updates);
const PERIOD_MS = 1000 / Number(values.rate);

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

/** Posts the counter (and the array) UPDATES times; the latencies, in ms, of the fast client's updates. */
async function phase(protocol: 'ca' | 'pva', slow: boolean): Promise<{ median: number; p95: number; received: number }> {
  const { pvs, counter, wave } = slowClientPvs();
  const server = protocol === 'ca' ? await startTestServer(pvs) : await startTestPvaServer(pvs);
  const context = await startTcaContext(server.clientEnv);
  const postedAt = new Map<number, bigint>();
  const latencies: number[] = [];
  const stopFast = await monitorCounter(context, protocol, (value) => {
    const at = postedAt.get(value);
    if (at !== undefined) latencies.push(Number(process.hrtime.bigint() - at) / 1e6);
  });
  const stopSlow = slow ? await startSlowClient(protocol, server.server.tcpPort) : undefined;
  for (let i = 1; i <= UPDATES; i++) {
    wave.post(new Float64Array(wave.maxElements).fill(i));
    postedAt.set(i, process.hrtime.bigint());
    counter.post(i);
    await new Promise((resolve) => setTimeout(resolve, PERIOD_MS));
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
  stopSlow?.();
  await stopFast();
  await stopTcaContext(context);
  await server.close();
  const sorted = [...latencies].sort((a, b) => a - b);
  return { median: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), received: latencies.length };
}

async function main(): Promise<void> {
  const figures: Record<string, unknown> = { updates: UPDATES, periodMs: PERIOD_MS };
  for (const protocol of ['ca', 'pva'] as const) {
    const alone = await phase(protocol, false);
    const withSlow = await phase(protocol, true);
    figures[protocol] = { alone, withSlow, medianRatio: withSlow.median / alone.median, p95Ratio: withSlow.p95 / alone.p95 };
  }
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
  process.exit(0);
}

void main();
