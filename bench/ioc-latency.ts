/**
 * What heap tracing costs another CA client: a host with a ~200 MB live heap that keeps replacing
 * a few orders (ioc-host.ts) embeds the IOC; this process reads $(P)HEARTBEAT with READ_NOTIFY,
 * one read at a time, back to back (or --gap ms apart), first with tracing off, then with tracing
 * on at the defaults but a TracePeriod of 2 s, so that a snapshot (and the full GC V8 forces for
 * it) falls every 2 s. Each read is attributed to the nearest snapshot; a snapshot's stall is the
 * longest of its reads, compared with the GC pause the host's PerformanceObserver saw for it.
 * Worker and main-thread modes, interleaved; medians over runs.
 *
 *   npx tsc -p tsconfig.json --outDir /tmp/bench-ioc
 *   ln -sfn "$PWD/records" "$PWD/node_modules" "$PWD/package.json" /tmp/bench-ioc/
 *   node /tmp/bench-ioc/bench/ioc-latency.js [--runs 5] [--seconds 30] [--heap 200] [--threads worker,main] [--gap 0]
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { constants } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Dbe } from '../src/ca/protocol/constants';
import { decodeDbr, DbrType } from '../src/ca/protocol/dbr';
import { POSIX_TIME_AT_EPICS_EPOCH } from '../src/database/pv';
import { IocClient, type ReadLatencies } from './ioc-client';
import { loadAverage, machine, maximum, median, ms, percentile } from './figures';
import type { GcPause } from './ioc-host';
import { startHost } from './ioc-host-control';

const PREFIX = 'BENCH:';
const TRACE_PERIOD_S = 2;
/** After start-up: the first stats periods pass and the heap build's last GCs settle. */
const SETTLE_MS = 3000;
/** Margin for clocks read in different processes (Date has 1 ms resolution). */
const CLOCK_SLACK_MS = 5;

type Thread = 'worker' | 'main';

interface Snapshot {
  /** The snapshot's time stamp (after V8 answered), epoch ms. */
  takenAt: number;
  /** TraceDuration: the engine's takeSnapshot, from request to aggregated result, ms. */
  duration: number;
}

interface RunFigures {
  /**
   * Reads per second and the latency distribution, ms; with tracing off, `stall` is the median of
   * the longest read of every TracePeriod, what a snapshot's stall is compared with.
   */
  off: { rate: number; p50: number; p99: number; max: number; stall: number; hostGcMax: number };
  on: { rate: number; p50: number; p99: number; max: number };
  snapshots: number;
  traceDuration: number;
  /** Medians and maxima over snapshots: the forced GC, the longest read around it, their difference. */
  gcPause: { median: number; max: number };
  stall: { median: number; max: number };
  excess: { median: number; max: number };
}

const distribution = (reads: ReadLatencies, seconds: number) => ({
  rate: reads.latency.length / seconds,
  p50: percentile(reads.latency, 50),
  p99: percentile(reads.latency, 99),
  max: maximum(reads.latency),
});

/** The major GC V8 forced for a snapshot: it starts between the request and the time stamp. */
function forcedGc(snapshot: Snapshot, gc: readonly GcPause[]): number {
  const from = snapshot.takenAt - snapshot.duration - CLOCK_SLACK_MS;
  const found = gc.filter(
    (pause) => pause.kind === constants.NODE_PERFORMANCE_GC_MAJOR && pause.start >= from && pause.start <= snapshot.takenAt + CLOCK_SLACK_MS,
  );
  return found.reduce((sum, pause) => sum + pause.duration, 0);
}

/** The longest read around each of `times` (ascending, epoch ms): every read belongs to the time nearest to it. */
function longestReadNear(reads: ReadLatencies, times: readonly number[]): number[] {
  const longest = times.map(() => 0);
  let nearest = 0;
  reads.sentAt.forEach((sentAt, i) => {
    const middle = sentAt + reads.latency[i]! / 2;
    while (nearest + 1 < times.length && Math.abs(times[nearest + 1]! - middle) < Math.abs(times[nearest]! - middle)) nearest++;
    longest[nearest] = Math.max(longest[nearest]!, reads.latency[i]!);
  });
  return longest;
}

/** The middle of every TracePeriod of a window: where snapshots would be, had tracing been on. */
function periodMiddles(reads: ReadLatencies): number[] {
  const middles: number[] = [];
  for (let at = reads.sentAt[0]! + (TRACE_PERIOD_S * 1000) / 2; at < reads.sentAt.at(-1)!; at += TRACE_PERIOD_S * 1000) middles.push(at);
  return middles;
}

async function measure(thread: Thread, seconds: number, heapMegabytes: number, gapMs: number): Promise<RunFigures> {
  const host = await startHost({
    ioc: { prefix: PREFIX, thread, logging: { level: 'warn', pretty: false } },
    heapMegabytes,
    churn: true,
    lifetimeSeconds: 2 * seconds + 120,
  });
  let client: IocClient | undefined;
  try {
    client = await IocClient.connect(host.tcpPort);
    const [heartbeat, enable, period, duration] = await client.channels(
      ['HEARTBEAT', 'EnableTracing', 'TracePeriod', 'TraceDuration'].map((name) => PREFIX + name),
    );
    await sleep(SETTLE_MS);
    const offStart = Date.now();
    const off = await client.readRepeatedly(heartbeat!, seconds * 1000, gapMs);
    const offEnd = Date.now();

    const snapshots: Snapshot[] = [];
    const enabledAt = Date.now();
    client.monitor(duration!, Dbe.VALUE, (_, payload) => {
      const dbr = decodeDbr(payload, DbrType.TIME_DOUBLE, 1);
      const takenAt = (dbr.timeStamp!.secondsPastEpoch + POSIX_TIME_AT_EPICS_EPOCH) * 1000 + dbr.timeStamp!.nanoseconds / 1e6;
      if (takenAt >= enabledAt) snapshots.push({ takenAt, duration: dbr.value[0] as number });
    });
    await client.write(period!, TRACE_PERIOD_S);
    await client.write(enable!, 1);
    const on = await client.readRepeatedly(heartbeat!, seconds * 1000, gapMs);
    await client.write(enable!, 0);
    const { gc } = await host.report();
    // A snapshot still running at the end of the window has no reads after it; it is left out.
    const counted = snapshots.filter((snapshot) => snapshot.takenAt <= on.sentAt.at(-1)!);
    if (counted.length === 0) throw new Error('no snapshot arrived during the window');
    const gcPauses = counted.map((snapshot) => forcedGc(snapshot, gc));
    const stalls = longestReadNear(
      on,
      counted.map((snapshot) => snapshot.takenAt),
    );
    const excess = stalls.map((stall, i) => stall - gcPauses[i]!);
    const hostGcOff = gc.filter((pause) => pause.start >= offStart && pause.start <= offEnd).map((pause) => pause.duration);
    return {
      off: { ...distribution(off, seconds), stall: median(longestReadNear(off, periodMiddles(off))), hostGcMax: hostGcOff.length ? maximum(hostGcOff) : 0 },
      on: distribution(on, seconds),
      snapshots: counted.length,
      traceDuration: median(counted.map((snapshot) => snapshot.duration)),
      gcPause: { median: median(gcPauses), max: maximum(gcPauses) },
      stall: { median: median(stalls), max: maximum(stalls) },
      excess: { median: median(excess), max: maximum(excess) },
    };
  } finally {
    client?.close();
    await host.stop();
  }
}

function describe(figures: RunFigures): string {
  const { off, on } = figures;
  const f2 = (value: number) => value.toFixed(2);
  return (
    `off: ${off.rate.toFixed(0)} reads/s, p50 ${f2(off.p50)} p99 ${f2(off.p99)} max ${ms(off.max)}, per ${TRACE_PERIOD_S} s ${ms(off.stall)} (host's longest GC ${ms(off.hostGcMax)}) | ` +
    `on: ${on.rate.toFixed(0)} reads/s, p50 ${f2(on.p50)} p99 ${f2(on.p99)} max ${ms(on.max)} | ${figures.snapshots} snapshots, TraceDuration ${ms(figures.traceDuration)}, ` +
    `forced GC ${ms(figures.gcPause.median)} (max ${ms(figures.gcPause.max)}), stall ${ms(figures.stall.median)} (max ${ms(figures.stall.max)}), ` +
    `stall − GC ${ms(figures.excess.median)} (max ${ms(figures.excess.max)})`
  );
}

/** The median over runs of every figure. */
function medianOfRuns(runs: RunFigures[]): RunFigures {
  const pick = (get: (figures: RunFigures) => number) => median(runs.map(get));
  return {
    off: {
      rate: pick((r) => r.off.rate),
      p50: pick((r) => r.off.p50),
      p99: pick((r) => r.off.p99),
      max: pick((r) => r.off.max),
      stall: pick((r) => r.off.stall),
      hostGcMax: pick((r) => r.off.hostGcMax),
    },
    on: { rate: pick((r) => r.on.rate), p50: pick((r) => r.on.p50), p99: pick((r) => r.on.p99), max: pick((r) => r.on.max) },
    snapshots: pick((r) => r.snapshots),
    traceDuration: pick((r) => r.traceDuration),
    gcPause: { median: pick((r) => r.gcPause.median), max: pick((r) => r.gcPause.max) },
    stall: { median: pick((r) => r.stall.median), max: pick((r) => r.stall.max) },
    excess: { median: pick((r) => r.excess.median), max: pick((r) => r.excess.max) },
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '5' },
      seconds: { type: 'string', default: '30' },
      heap: { type: 'string', default: '200' },
      threads: { type: 'string', default: 'worker,main' },
      gap: { type: 'string', default: '0' },
    },
  });
  const threads = values.threads.split(',') as Thread[];
  process.stdout.write(
    `${machine()}; ${values.seconds} s per window, TracePeriod ${TRACE_PERIOD_S} s, heap ${values.heap} MB, ${values.gap} ms between reads; latencies in ms\n`,
  );
  const results = new Map<Thread, RunFigures[]>(threads.map((thread) => [thread, []]));
  // Modes interleaved, so that drift in the machine's load spreads over both.
  for (let run = 1; run <= Number(values.runs); run++) {
    for (const thread of threads) {
      process.stdout.write(`run ${run} ${thread} (load ${loadAverage()}): `);
      const figures = await measure(thread, Number(values.seconds), Number(values.heap), Number(values.gap));
      results.get(thread)!.push(figures);
      process.stdout.write(`${describe(figures)}\n`);
    }
  }
  for (const [thread, runs] of results) process.stdout.write(`median of ${runs.length} runs, ${thread}: ${describe(medianOfRuns(runs))}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
