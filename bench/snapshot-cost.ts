/**
 * Where a periodic snapshot's CPU goes, in ONE service process (so it survives a loaded machine
 * better than two processes compared): bench/ioc-service.ts, switched on by CA puts to `settings`
 * (as the twins switch it) but with TracePeriod 3600 s, driven at a fixed rate by bench/open-loop.ts, and a snapshot
 * asked for by a CA put to TraceSnapshot every `every` seconds. Each thread's CPU
 * (utime + stime from /proc/<pid>/task/<tid>/stat, named by its comm) is read every second; the
 * 1 s bins are aligned on each snapshot and averaged over the snapshots, so a snapshot's whole
 * cost shows with its shape in time (a spike, or a tail after it) and the threads that pay it.
 * The last bins before the next snapshot are the baseline; their spread is the method's noise.
 *
 *   node bench/snapshot-cost.js <req/s> <every s> <snapshots> [defaults|off|'<TracingSettings JSON>'] [node flags…]
 *
 * With `--trace-gc` among the node flags, the service's GC trace goes to snapshot-cost-gc.log in
 * the working directory, for bench/snapshot-gc-bins.ts.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { freePort, loopbackEnv } from '../test/helpers/ports';
import { cpuTicks, loadAverage, machine, readStat, TICKS_PER_SECOND } from './figures';
import { IOC_DEFAULTS, Operator, PREFIX, type ServerReady, TRACING_OFF, type TracingSettings } from './ioc-service';
import { IocClient } from './ioc-client';
import type { LoadCommand } from './open-loop';

const NO_PERIODIC_SNAPSHOT = 3600;
/** Bins shown before each snapshot. */
const BEFORE = 2;
const MIN_EVERY = 6;
/** Seconds of load before the first snapshot: what starting tracing brings (first GCs, recompiles) settles. */
const SETTLE_SECONDS = 20;
const GC_LOG = 'snapshot-cost-gc.log';

/** CPU ticks so far of each live thread, by thread id, and its name. */
export type Threads = Map<number, { name: string; ticks: number }>;

export function readThreads(pid: number): Threads {
  const threads: Threads = new Map();
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      const { name, fields } = readStat(`/proc/${pid}/task/${tid}/stat`);
      // Node names all its threads "node" (the IOC's worker, V8's GC helpers, libuv's pool): the thread id tells them apart.
      threads.set(Number(tid), { name: Number(tid) === pid ? 'main' : `${name}:${tid}`, ticks: cpuTicks(fields) });
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return threads;
}

/** CPU ms in one bin, by thread name. */
export function binOf(before: Threads, after: Threads): Map<string, number> {
  const bin = new Map<string, number>();
  for (const [tid, { name, ticks }] of after) {
    const spent = ((ticks - (before.get(tid)?.ticks ?? 0)) * 1000) / TICKS_PER_SECOND;
    bin.set(name, (bin.get(name) ?? 0) + spent);
  }
  return bin;
}

function settingsOf(argument: string | undefined): TracingSettings {
  if (argument === undefined || argument === 'defaults') return { ...IOC_DEFAULTS, period: NO_PERIODIC_SNAPSHOT };
  if (argument === 'off') return TRACING_OFF;
  return { period: NO_PERIODIC_SNAPSHOT, ...(JSON.parse(argument) as TracingSettings) };
}

async function startService(settings: TracingSettings, nodeFlags: readonly string[], limitMs: number): Promise<{ server: ChildProcess; ready: ServerReady }> {
  const env = { ...process.env, ...loopbackEnv(await freePort(), await freePort()) };
  const gcLog = nodeFlags.some((flag) => flag.startsWith('--trace')) ? fs.openSync(GC_LOG, 'w') : 'ignore';
  const server = fork(path.join(__dirname, 'ioc-service.js'), [JSON.stringify(settings), String(limitMs)], {
    env,
    execArgv: [...nodeFlags],
    stdio: ['ignore', gcLog, 'inherit', 'ipc'],
  });
  const [ready] = (await once(server, 'message')) as [ServerReady];
  return { server, ready };
}

function sleepUntil(at: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, at - performance.now())));
}

function formatRow(label: string, bins: Map<string, number>[], names: string[]): string {
  const mean = (name: string) => bins.reduce((sum, bin) => sum + (bin.get(name) ?? 0), 0) / bins.length;
  const total = names.reduce((sum, name) => sum + mean(name), 0);
  return `${label.padStart(9)} ${total.toFixed(1).padStart(7)} ${names.map((name) => mean(name).toFixed(1).padStart(Math.max(7, name.length))).join(' ')}`;
}

async function main(): Promise<void> {
  const [rate, every, snapshots] = process.argv.slice(2, 5).map(Number) as [number, number, number];
  const settings = settingsOf(process.argv[5]);
  const nodeFlags = process.argv.slice(6);
  // The baseline is the second half of each period before the next snapshot's first bins: it needs at least 6 s.
  if (!(rate > 0 && every >= MIN_EVERY && snapshots >= 1))
    throw new Error(`usage: snapshot-cost.js <req/s> <every s ≥ ${MIN_EVERY}> <snapshots> [settings] [node flags…]`);
  const limitMs = (SETTLE_SECONDS + every * (snapshots + 1) + 60) * 1000;
  console.log(machine());
  console.log(`load average before: ${loadAverage()}`);
  console.log(
    `${rate} req/s; settings ${JSON.stringify(settings)}; a snapshot every ${every} s, ${snapshots} of them; node flags ${nodeFlags.join(' ') || 'none'}`,
  );

  // Started off and switched on by CA puts, as the twins do (tracing-service-twins.ts).
  const { server, ready } = await startService(TRACING_OFF, nodeFlags, limitMs);
  const pid = server.pid!;
  const operator = await Operator.connect(ready.iocPort);
  await operator.switchTo(settings);
  const client = await IocClient.connect(ready.iocPort);
  const [snapshot] = await client.channels([`${PREFIX}TraceSnapshot`]);
  const load = fork(path.join(__dirname, 'open-loop.js'), [JSON.stringify([ready.port]), String(limitMs)]);
  await once(load, 'message');
  load.send({ type: 'rate', perSecond: rate } satisfies LoadCommand);

  // Bins of 1 s on a fixed grid; a snapshot is asked for right after a bin starts.
  const bins: Map<string, number>[] = [];
  const snapshotBins: number[] = [];
  const firstSnapshotBin = SETTLE_SECONDS;
  const lastBin = firstSnapshotBin + every * snapshots;
  const start = performance.now();
  let previous = readThreads(pid);
  for (let bin = 0; bin < lastBin; bin++) {
    if (bin >= firstSnapshotBin && (bin - firstSnapshotBin) % every === 0) {
      snapshotBins.push(bin);
      // With tracing off the IOC refuses the put: the same bins are then the control.
      if (settings.enable === 1) void client.write(snapshot!, 1);
    }
    await sleepUntil(start + (bin + 1) * 1000);
    const now = readThreads(pid);
    bins.push(binOf(previous, now));
    previous = now;
  }

  const names = [...new Set(bins.flatMap((bin) => [...bin.keys()]))].filter((name) => bins.some((bin) => (bin.get(name) ?? 0) > 0));
  names.sort((a, b) => (a === 'main' ? -1 : b === 'main' ? 1 : a.localeCompare(b)));
  console.log(`\nCPU ms per 1 s bin, mean over ${snapshots} snapshots (bin 0 starts as the snapshot is asked for)`);
  console.log(`${'bin'.padStart(9)} ${'all'.padStart(7)} ${names.map((name) => name.padStart(Math.max(7, name.length))).join(' ')}`);
  for (let offset = -BEFORE; offset < every - BEFORE; offset++) {
    const aligned = snapshotBins.map((at) => bins[at + offset]).filter((bin): bin is Map<string, number> => bin !== undefined);
    console.log(formatRow(String(offset), aligned, names));
  }
  // Baseline: the second half of each period, before the next snapshot's BEFORE bins; its two halves against each other are the noise.
  const far = snapshotBins.flatMap((at) => bins.slice(at + Math.ceil(every / 2), at + every - BEFORE));
  const allThreads = (some: Map<string, number>[]) => some.reduce((sum, bin) => sum + [...bin.values()].reduce((a, b) => a + b, 0), 0);
  const excess = (from: number, to: number) => allThreads(snapshotBins.flatMap((at) => bins.slice(at + from, at + to))) / snapshotBins.length;
  const farMean = allThreads(far) / Math.max(1, far.length);
  console.log(formatRow('far', far, names));
  console.log(
    formatRow(
      'far, 1st',
      far.filter((_, i) => i % 2 === 0),
      names,
    ),
  );
  console.log(
    formatRow(
      'far, 2nd',
      far.filter((_, i) => i % 2 === 1),
      names,
    ),
  );
  for (const span of [1, 3, 5, 10, every - BEFORE].filter((span, i, all) => span <= every - BEFORE && all.indexOf(span) === i)) {
    console.log(`a snapshot's excess over bins 0..${span - 1}: ${(excess(0, span) - span * farMean).toFixed(1)} ms of CPU (all threads)`);
  }
  console.log(`load average after: ${loadAverage()}`);

  client.close();
  operator.close();
  load.disconnect();
  server.disconnect();
  await once(server, 'exit');
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
