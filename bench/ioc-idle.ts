/**
 * What the IOC costs a host that does nothing: CPU time (every thread, from /proc/<pid>/stat) over
 * a window of an otherwise idle host (ioc-host.ts, a ~200 MB live heap, no churn), and its resident
 * memory (VmRSS, the median of readings through the window), each against the same host without
 * the IOC. Scenarios: worker and main-thread modes, without clients and with one client monitoring
 * every PV (DBR_TIME, DBE_VALUE | DBE_ALARM, as camonitor), and tracing on at the defaults in each mode. Each run
 * starts every scenario afresh, interleaved; medians over runs.
 *
 *   npx tsc -p tsconfig.json --outDir /tmp/bench-ioc
 *   ln -sfn "$PWD/records" "$PWD/node_modules" "$PWD/package.json" /tmp/bench-ioc/
 *   node /tmp/bench-ioc/bench/ioc-idle.js [--runs 3] [--seconds 60] [--heap 200] [--only 'tracing on']
 */
import { constants } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Dbe } from '../src/ca/protocol/constants';
import { resolveIocConfig } from '../src/ioc/config/ioc-config';
import { loadDatabase } from '../src/ioc/ioc-core';
import type { StartIocOptions } from '../src/ioc/start-ioc';
import { silentLogger } from '../src/logger';
import { IocClient } from './ioc-client';
import { loadAverage, machine, median, mib } from './figures';
import { startHost } from './ioc-host-control';

const PREFIX = 'BENCH:';
/**
 * When the host's heap is first compacted decides its RSS by 20–40 MiB and costs 0.3–0.6 s of CPU,
 * more than the IOC's own figures: V8's memory reducer does it at a moment of its own, 15 to over
 * 100 s after the build here, and in main-thread mode the IOC's start-up allocations may tip the
 * heap over its first limit instead. So every host's heap is collected once before the window
 * (gc(), hence --expose-gc) and the memory reducer is off: each window sees the same heap.
 */
const HOST_FLAGS = ['--expose-gc', '--no-memory-reducer'];
/** After start-up, before the collection: the first stats periods pass and the beacons slow down. */
const SETTLE_MS = 20_000;
/** After the collection, before the window: V8's concurrent sweepers give the pages back. */
const AFTER_GC_MS = 5_000;
const RSS_EVERY_MS = 5_000;

interface Scenario {
  name: string;
  /** null: the host without the IOC, the baseline. */
  ioc: StartIocOptions | null;
  monitorEveryPv: boolean;
}

const quiet = { prefix: PREFIX, logging: { level: 'warn', pretty: false } } as const;
const SCENARIOS: Scenario[] = [
  { name: 'host without IOC', ioc: null, monitorEveryPv: false },
  { name: 'worker, no client', ioc: { ...quiet, thread: 'worker' }, monitorEveryPv: false },
  { name: 'worker, monitor every PV', ioc: { ...quiet, thread: 'worker' }, monitorEveryPv: true },
  { name: 'main, no client', ioc: { ...quiet, thread: 'main' }, monitorEveryPv: false },
  { name: 'main, monitor every PV', ioc: { ...quiet, thread: 'main' }, monitorEveryPv: true },
  { name: 'worker, tracing on (defaults), no client', ioc: { ...quiet, thread: 'worker', tracing: { enabled: true } }, monitorEveryPv: false },
  { name: 'main, tracing on (defaults), no client', ioc: { ...quiet, thread: 'main', tracing: { enabled: true } }, monitorEveryPv: false },
];

interface Figures {
  /** CPU time over wall time, % of one CPU. */
  cpuPercent: number;
  rss: number;
  /** Monitor updates received per second. */
  updatesPerSecond: number;
  /** Full GCs of the host's main thread within the window (tracing's snapshots), each a few hundred ms of CPU. */
  majorGcs: number;
}

/** Every record the groups serve, named as the IOC names them. */
function everyPv(): string[] {
  return loadDatabase(resolveIocConfig({ prefix: PREFIX }, process.cwd()), silentLogger()).database.recordNames();
}

/** Subscribes to every PV and resolves once each has sent its first update. */
async function monitorEveryPv(client: IocClient, onUpdate: () => void): Promise<void> {
  const channels = await client.channels(everyPv());
  let waiting = channels.length;
  const first = new Promise<void>((resolve) => {
    const seen = new Set<number>();
    for (const channel of channels) {
      client.monitor(channel, Dbe.VALUE | Dbe.ALARM, () => {
        onUpdate();
        if (seen.has(channel.clientId)) return;
        seen.add(channel.clientId);
        if (--waiting === 0) resolve();
      });
    }
    client.flush();
  });
  await Promise.race([first, sleep(10_000).then(() => Promise.reject(new Error(`${waiting} PVs sent no first update`)))]);
}

async function measure(scenario: Scenario, seconds: number, heapMegabytes: number): Promise<Figures> {
  const host = await startHost(
    { ioc: scenario.ioc, heapMegabytes, churn: false, lifetimeSeconds: (SETTLE_MS + AFTER_GC_MS) / 1000 + seconds + 60 },
    HOST_FLAGS,
  );
  let client: IocClient | undefined;
  try {
    await sleep(SETTLE_MS);
    await host.collectGarbage();
    await sleep(AFTER_GC_MS);
    let updates = 0;
    if (scenario.monitorEveryPv) {
      client = await IocClient.connect(host.tcpPort);
      await monitorEveryPv(client, () => updates++);
    }
    const startUpdates = updates;
    const startCpu = host.cpuSeconds();
    const started = performance.now();
    const rss: number[] = [];
    for (let waited = 0; waited < seconds * 1000; waited += RSS_EVERY_MS) {
      await sleep(Math.min(RSS_EVERY_MS, seconds * 1000 - waited));
      rss.push(host.rss());
    }
    const wallSeconds = (performance.now() - started) / 1000;
    const cpuPercent = (100 * (host.cpuSeconds() - startCpu)) / wallSeconds;
    const windowStart = performance.timeOrigin + started;
    return {
      cpuPercent,
      rss: median(rss),
      updatesPerSecond: (updates - startUpdates) / wallSeconds,
      majorGcs: (await host.report()).gc.filter((pause) => pause.kind === constants.NODE_PERFORMANCE_GC_MAJOR && pause.start >= windowStart).length,
    };
  } finally {
    client?.close();
    await host.stop();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '3' },
      seconds: { type: 'string', default: '60' },
      heap: { type: 'string', default: '200' },
      only: { type: 'string' },
    },
  });
  // The baseline always runs: every figure is given against it.
  const scenarios = SCENARIOS.filter((scenario, index) => index === 0 || !values.only || scenario.name.includes(values.only));
  const seconds = Number(values.seconds);
  process.stdout.write(`${machine()}; ${seconds} s windows, heap ${values.heap} MB\n`);
  const results = new Map<Scenario, Figures[]>(scenarios.map((scenario) => [scenario, []]));
  for (let run = 1; run <= Number(values.runs); run++) {
    for (const scenario of scenarios) {
      const figures = await measure(scenario, seconds, Number(values.heap));
      results.get(scenario)!.push(figures);
      process.stdout.write(
        `run ${run} ${scenario.name.padEnd(42)} CPU ${figures.cpuPercent.toFixed(3)}%  RSS ${mib(figures.rss)}  ` +
          `${figures.updatesPerSecond.toFixed(1)} updates/s  ${figures.majorGcs} host major GCs  (load ${loadAverage()})\n`,
      );
    }
  }
  const medianOf = (scenario: Scenario, pick: (figures: Figures) => number) => median(results.get(scenario)!.map(pick));
  const baseline = scenarios[0]!;
  const baseCpu = medianOf(baseline, (f) => f.cpuPercent);
  const baseRss = medianOf(baseline, (f) => f.rss);
  process.stdout.write(`medians of ${values.runs} runs (CPU in % of one CPU; added = minus the host without IOC):\n`);
  for (const scenario of scenarios) {
    const cpu = medianOf(scenario, (f) => f.cpuPercent);
    const rss = medianOf(scenario, (f) => f.rss);
    const spread = results
      .get(scenario)!
      .map((f) => (f.rss / 1048576).toFixed(1))
      .join(' ');
    process.stdout.write(
      `${scenario.name.padEnd(42)} CPU ${cpu.toFixed(3)}% (added ${(cpu - baseCpu).toFixed(3)}%)  ` +
        `RSS ${mib(rss)} (added ${mib(rss - baseRss)}; runs ${spread} MiB)\n`,
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
