/**
 * Heap tracing's cost to the realistic service, measured so that the machine's drift cannot fool
 * it: SIMULTANEOUS TWINS. Two identical service processes (ioc-service.ts: the quoting service with
 * the IOC embedded by `startIoc` at its defaults, tracing switched by CA puts as an operator does)
 * run at the same time, each driven at the same FIXED request rate, below saturation, by one
 * open-loop generator (open-loop.ts). In each block one twin runs configuration X and the other
 * runs off, over the same window, so a drift of the machine's speed hits both at the same moment;
 * the roles swap every block (twin 0 on, then twin 1 on) to cancel any difference between the two
 * processes. X rotates, in a random order each cycle, through the chosen configurations (by default
 * null, defaults and caproto): off (the A/A null control: both off, which must come out at 0 within
 * its interval: the method's own error); the IOC's defaults (both samplers at their default intervals, whose
 * default TracePeriod puts no periodic snapshot in a block: the samplers' cost); the same at
 * caproto's 10 s TracePeriod (one snapshot per block: its difference is one snapshot's cost, from
 * which the defaults' cost over a whole period is derived); and, to take the cost apart, snapshots
 * alone, V8 samples alone, external samples alone, and V8 1 MiB + external 512 KiB at 10 s.
 *
 * A block: both twins switched at once, a settle period discarded (8 s by default: the first
 * snapshot's full GC, the external sampler's install, the deopts a switch brings), then 10 s
 * measured, which holds one periodic snapshot at a 10 s TracePeriod and none at the default's. The
 * figure per block is the X twin's server CPU per request over the off twin's, each the utime +
 * stime of all its threads from /proc/<pid>/stat (the IOC's worker and V8's helpers included) over
 * the requests it answered in the same window. At a fixed rate below saturation the work per second
 * is fixed, so the CPU per request is what limits throughput at saturation (throughput = cores /
 * CPU per request): its ratio is the slowdown. The main thread's CPU per request is given apart:
 * where the process's other threads (the IOC's worker, V8's GC helpers) have a core of their own,
 * it alone limits throughput. Each block also checks that each twin served its scheduled requests,
 * and records latency percentiles from when each request was due.
 *
 * The rate: unless given, a short calibration at start sets each twin at `utilisation` of a core
 * (0.35 by default), so two twins and the generator fit on the machine's 2 cores.
 *
 *   npx tsc -p tsconfig.json --outDir /tmp/bench-out
 *   ln -sfn "$PWD/records" "$PWD/node_modules" "$PWD/package.json" /tmp/bench-out/
 *   node /tmp/bench-out/bench/tracing-service-twins.js [cycles=5] [utilisation=0.35 | rate=<req/s per twin>] [settleSeconds=8] [null,defaults,caproto,snaponly,v8only,extonly,sparse,samplers] [measuredSeconds=10]
 *
 * With measuredSeconds at the default TracePeriod (60), a block holds exactly one periodic snapshot
 * at the IOC's defaults (the first, at the switch, falls in the settle period): the defaults' line is
 * then their whole period's cost, measured rather than derived.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SETTING_RANGES } from '../src/ioc/config/setting-ranges';
import { freePort, loopbackEnv } from '../test/helpers/ports';
import { loadAverage, machine, machineCpuSeconds, mainThreadCpuSeconds, median, processCpuSeconds } from './figures';
import { IOC_DEFAULTS, Operator, type ServerReady, TRACING_OFF, type TracingSettings, V8_DEFAULT } from './ioc-service';
import type { LoadCommand, LoadMark } from './open-loop';
import { formatChange, medianInterval, ratioOfRatios, type TwinBlock, twinRatios, twinSchedule } from './paired';
import { random } from './tracing-service';

/**
 * The blocks' measured part (10 s unless given). At 10 s it holds one periodic snapshot where a
 * configuration's TracePeriod is caproto's 10 s (the IOC's first snapshot, at the switch, falls in
 * the settle period), and none at the IOC's default TracePeriod: those blocks measure the samplers
 * alone, and the whole period's cost is derived (see report). At the default TracePeriod or more,
 * the defaults' blocks hold one periodic snapshot and measure the whole period.
 */
const MEASURED_MS = (Number(process.argv[6]) || 10) * 1000;
/** Whether a block spans the default TracePeriod, and so holds one of its periodic snapshots. */
const WHOLE_PERIOD = MEASURED_MS >= SETTING_RANGES.tracePeriod.default * 1000;
/** caproto's period (its MemoryTracingHelper scans every 10 s): one snapshot per measured block. */
const CAPROTO_PERIOD = 10;
/** Few samples, the same snapshots: what tracing costs apart from the samples themselves. */
const SPARSE_INTERVAL = 1048576;
/** V8's sampler cannot be off while tracing: at this interval it takes next to no samples. */
const NO_SAMPLES = 2 ** 30;

/** An interval as the report names it. */
const kib = (bytes: number) => (bytes >= 1048576 ? `${bytes / 1048576} MiB` : `${bytes / 1024} KiB`);
const V8_INTERVAL = kib(IOC_DEFAULTS.sampling);
const EXTERNAL_INTERVAL = kib(IOC_DEFAULTS.external);

const OFF = 'off (A/A null)';
const DEFAULTS = `IOC defaults: V8 ${V8_INTERVAL} + external ${EXTERNAL_INTERVAL} at the default TracePeriod`;
const CAPROTO = "IOC defaults at caproto's TracePeriod 10 s (one snapshot in the block)";
const SNAPSHOTS_ONLY = 'snapshots alone (V8 every 1 GiB: no samples; no external; TracePeriod 10 s)';
const V8_ONLY = `V8 ${V8_INTERVAL} samples alone (no external)`;
const EXTERNAL_ONLY = `external ${EXTERNAL_INTERVAL} samples alone (V8 every 1 GiB)`;
const SPARSE = `V8 1 MiB + external ${EXTERNAL_INTERVAL}, TracePeriod 10 s (the cost apart from V8 samples)`;
const SAMPLERS = 'IOC defaults at TracePeriod 3600 s (no periodic snapshot in any block: the samplers alone, in blocks of any length)';
/** Longer than any block: the samplers run with no periodic snapshot in the measured part. */
const NO_SNAPSHOT_PERIOD = 3600;
/** A configuration, by its label (the labels name the defaults' intervals, so they are built at run time). */
type Config = string;
/** By the short names a run may choose them with. */
const BY_NAME: Record<string, Config> = {
  null: OFF,
  defaults: DEFAULTS,
  caproto: CAPROTO,
  snaponly: SNAPSHOTS_ONLY,
  v8only: V8_ONLY,
  extonly: EXTERNAL_ONLY,
  sparse: SPARSE,
  samplers: SAMPLERS,
};
const SETTINGS: Record<Config, TracingSettings> = {
  [OFF]: TRACING_OFF,
  [DEFAULTS]: IOC_DEFAULTS,
  [CAPROTO]: { ...IOC_DEFAULTS, period: CAPROTO_PERIOD },
  [SNAPSHOTS_ONLY]: { ...V8_DEFAULT, sampling: NO_SAMPLES, period: CAPROTO_PERIOD },
  [V8_ONLY]: V8_DEFAULT,
  [EXTERNAL_ONLY]: { ...IOC_DEFAULTS, sampling: NO_SAMPLES },
  [SPARSE]: { ...IOC_DEFAULTS, sampling: SPARSE_INTERVAL, period: CAPROTO_PERIOD },
  [SAMPLERS]: { ...IOC_DEFAULTS, period: NO_SNAPSHOT_PERIOD },
};
let CONFIGS: readonly Config[] = [OFF, DEFAULTS, CAPROTO];

/**
 * What a switch costs for a while after it (the first snapshot's GC, the deopts and recompiles that
 * installing the samplers brings) lasts longer than 2 s: with a 2 s settle the samplers read +11%,
 * with 8 s +3% (BENCHMARKS.md, "Where the cost is").
 */
const DEFAULT_SETTLE_SECONDS = 8;

/** A served fraction below this means the rate is too high for the machine: the twins are saturated. */
const MIN_SERVED = 0.99;
const PROBE_RATE = 300;

interface Twin {
  server: ChildProcess;
  operator: Operator;
  cwd: string;
  settings: TracingSettings;
}

interface Rig {
  twins: [Twin, Twin];
  load: ChildProcess;
}

async function startTwin(limitMs: number): Promise<{ twin: Twin; port: number }> {
  const env = { ...process.env, ...loopbackEnv(await freePort(), await freePort()) };
  // The IOC makes its dump directory relative to the working directory: a scratch one each.
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-twins-'));
  const server = fork(path.join(__dirname, 'ioc-service.js'), [JSON.stringify(TRACING_OFF), String(limitMs)], { env, cwd });
  const [ready] = (await once(server, 'message')) as [ServerReady];
  return { twin: { server, operator: await Operator.connect(ready.iocPort), cwd, settings: TRACING_OFF }, port: ready.port };
}

async function startRig(limitMs: number): Promise<Rig> {
  const [a, b] = await Promise.all([startTwin(limitMs), startTwin(limitMs)]);
  const load = fork(path.join(__dirname, 'open-loop.js'), [JSON.stringify([a.port, b.port]), String(limitMs)]);
  await once(load, 'message');
  // A generator that dies (a refused or closed connection) ends the run rather than stalling it.
  load.once('exit', (code) => {
    if (code !== null && code !== 0) throw new Error(`the load generator exited with ${code}`);
  });
  return { twins: [a.twin, b.twin], load };
}

async function stopRig({ twins, load }: Rig): Promise<void> {
  load.removeAllListeners('exit');
  load.disconnect();
  await Promise.all(
    twins.map(async ({ server, operator, cwd }) => {
      operator.close();
      const exited = once(server, 'exit');
      server.disconnect();
      // Should its IOC hold it open, it is ended all the same.
      const stuck = setTimeout(() => server.kill(), 15_000);
      await exited;
      clearTimeout(stuck);
      fs.rmSync(cwd, { recursive: true, force: true });
    }),
  );
}

function setRate({ load }: Rig, perSecond: number): void {
  load.send({ type: 'rate', perSecond } satisfies LoadCommand);
}

/** CPU seconds so far of each twin, of the generator and of the whole machine, and the load since the last mark. */
interface Mark {
  twinCpu: [number, number];
  twinMainCpu: [number, number];
  loadCpu: number;
  machineCpu: number;
  at: number;
  load: LoadMark;
}

async function mark({ twins, load }: Rig): Promise<Mark> {
  const answer = once(load, 'message') as Promise<[LoadMark]>;
  const reading = {
    twinCpu: [processCpuSeconds(twins[0].server.pid!), processCpuSeconds(twins[1].server.pid!)] as [number, number],
    twinMainCpu: [mainThreadCpuSeconds(twins[0].server.pid!), mainThreadCpuSeconds(twins[1].server.pid!)] as [number, number],
    loadCpu: processCpuSeconds(load.pid!),
    machineCpu: machineCpuSeconds(),
    at: performance.now(),
  };
  load.send({ type: 'mark' } satisfies LoadCommand);
  return { ...reading, load: (await answer)[0] };
}

/** What both twins did between two marks. */
interface Window {
  /** Server CPU µs per answered request, per twin: all its threads. */
  cpuMicros: [number, number];
  /** The same, its main thread alone (the service's JavaScript, the sampler's work on it, the GC's pauses). */
  mainMicros: [number, number];
  /** Cores each twin used. */
  cores: [number, number];
  served: [number, number];
  p50: [number, number];
  p99: [number, number];
  outstanding: number;
  generatorCores: number;
  /** Cores that processes other than the twins and the generator used (NaN without /proc). */
  otherLoad: number;
}

function windowBetween(from: Mark, to: Mark): Window {
  const seconds = (to.at - from.at) / 1000;
  const both = <T>(of: (twin: 0 | 1) => T): [T, T] => [of(0), of(1)];
  const twinCpu = both((twin) => to.twinCpu[twin] - from.twinCpu[twin]);
  const loadCpu = to.loadCpu - from.loadCpu;
  return {
    cpuMicros: both((twin) => (twinCpu[twin] * 1e6) / to.load.completed[twin]!),
    mainMicros: both((twin) => ((to.twinMainCpu[twin] - from.twinMainCpu[twin]) * 1e6) / to.load.completed[twin]!),
    cores: both((twin) => twinCpu[twin] / seconds),
    served: both((twin) => to.load.completed[twin]! / to.load.scheduled[twin]!),
    p50: both((twin) => to.load.p50[twin]!),
    p99: both((twin) => to.load.p99[twin]!),
    outstanding: Math.max(...to.load.outstanding),
    generatorCores: loadCpu / seconds,
    otherLoad: (to.machineCpu - from.machineCpu - twinCpu[0] - twinCpu[1] - loadCpu) / seconds,
  };
}

async function measure(rig: Rig, settleMs: number, measuredMs: number): Promise<Window> {
  await sleep(settleMs);
  const from = await mark(rig);
  await sleep(measuredMs);
  return windowBetween(from, await mark(rig));
}

/** Switches both twins at once, each only if its settings change. */
async function switchTwins({ twins }: Rig, settings: [TracingSettings, TracingSettings]): Promise<void> {
  await Promise.all(
    twins.map(async (twin, index) => {
      const wanted = settings[index]!;
      if (JSON.stringify(wanted) === JSON.stringify(twin.settings)) return;
      await twin.operator.switchTo(wanted);
      twin.settings = wanted;
    }),
  );
}

interface BlockFigures extends TwinBlock<Config> {
  window: Window;
}

async function runBlock(rig: Rig, block: TwinBlock<Config>, settleMs: number): Promise<BlockFigures> {
  const on = SETTINGS[block.config];
  if (!on) throw new Error(`no settings for ${block.config}`);
  const settings: [TracingSettings, TracingSettings] = block.on === 0 ? [on, TRACING_OFF] : [TRACING_OFF, on];
  await switchTwins(rig, settings);
  return { ...block, window: await measure(rig, settleMs, MEASURED_MS) };
}

/**
 * Each twin's rate for `utilisation` of a core: measured at a low probe rate, then once more at the
 * first estimate, since a fixed cost (the idle IOC) weighs more per request at the probe rate.
 */
async function calibrate(rig: Rig, utilisation: number, lines: string[]): Promise<number> {
  setRate(rig, PROBE_RATE);
  const probe = await measure(rig, 3000, 4000);
  const first = Math.round((utilisation * 1e6) / median(probe.cpuMicros));
  setRate(rig, first);
  const check = await measure(rig, 2000, 4000);
  const rate = Math.round((first * utilisation) / median(check.cores));
  lines.push(
    `calibration: ${median(probe.cpuMicros).toFixed(0)} µs/req at ${PROBE_RATE} req/s; at ${first} req/s each twin used ${check.cores.map((cores) => cores.toFixed(2)).join(' and ')} cores, ` +
      `the generator ${check.generatorCores.toFixed(2)}; so ${rate} req/s per twin for ${utilisation} of a core`,
  );
  return rate;
}

/** A configuration as the report names it: the blocks at the default TracePeriod say what they hold. */
function label(config: Config): string {
  if (config !== DEFAULTS && config !== V8_ONLY && config !== EXTERNAL_ONLY) return config;
  return `${config} (${WHOLE_PERIOD ? 'one periodic snapshot in the block: a whole period, measured' : 'no snapshot in the block: the samplers'})`;
}

const percent = (fraction: number) => `${(fraction * 100).toFixed(1)}%`;
const pair = (values: readonly number[]) => values.map((value) => value.toFixed(1)).join('/');

/**
 * The IOC defaults over a whole TracePeriod, block by block: the samplers' ratio (a DEFAULTS block)
 * plus one snapshot's extra (a CAPROTO block over the DEFAULTS block of the same cycle) spread over
 * the default period instead of the 10 s block. A snapshot's cost is fixed (the forced full GC),
 * so it scales with 1/period.
 */
function derivedDefaults(ratios: Map<Config, number[]>, figure: string): string[] {
  const samplers = ratios.get(DEFAULTS);
  const withSnapshot = ratios.get(CAPROTO);
  // Blocks of a whole period measure it: their defaults' blocks already hold the snapshot.
  if (WHOLE_PERIOD || !samplers || !withSnapshot) return [];
  const spread = MEASURED_MS / 1000 / SETTING_RANGES.tracePeriod.default;
  const whole = ratioOfRatios(withSnapshot, samplers).map((snapshot, index) => samplers[index]! * (1 + (snapshot - 1) * spread));
  return [
    `IOC defaults over a whole ${SETTING_RANGES.tracePeriod.default} s TracePeriod (derived, block by block): ${figure} ${formatChange(medianInterval(whole))}`,
  ];
}

/** Per configuration: the ratio over blocks, the latencies of the on and off twins, the worst served fraction. */
function report(blocks: readonly BlockFigures[]): string[] {
  const cpu = twinRatios(blocks.map((block) => ({ ...block, values: block.window.cpuMicros })));
  const main = twinRatios(blocks.map((block) => ({ ...block, values: block.window.mainMicros })));
  const lines: string[] = [];
  for (const config of CONFIGS) {
    const own = blocks.filter((block) => block.config === config);
    const onOff = (figure: (window: Window) => [number, number]) => [
      median(own.map((block) => figure(block.window)[block.on])),
      median(own.map((block) => figure(block.window)[1 - block.on]!)),
    ];
    const served = Math.min(...own.flatMap((block) => block.window.served));
    const extra = median(own.map(({ window, on }) => window.cpuMicros[on] - window.cpuMicros[1 - on]!));
    lines.push(
      `${label(config)}: server CPU per request ${formatChange(medianInterval(cpu.get(config) ?? []))}, ${extra >= 0 ? '+' : '−'}${Math.abs(extra).toFixed(1)} µs (median); ` +
        `main thread alone ${formatChange(medianInterval(main.get(config) ?? []))}; ` +
        `latency p50 ${pair(onOff((window) => window.p50))} ms, p99 ${pair(onOff((window) => window.p99))} ms (on/off twin, medians of blocks); ` +
        `served ≥ ${percent(served)} of the schedule${served < MIN_SERVED ? ' — TOO LOW: the rate saturates the machine, lower it' : ''}`,
    );
  }
  const share = (what: string, over: Config, under: Config) => {
    if (CONFIGS.includes(over) && CONFIGS.includes(under)) {
      lines.push(`${what}, block by block: server CPU per request ${formatChange(medianInterval(ratioOfRatios(cpu.get(over) ?? [], cpu.get(under) ?? [])))}`);
    }
  };
  share(`the external sampler's share (the defaults' samplers against V8 ${V8_INTERVAL} alone)`, DEFAULTS, V8_ONLY);
  if (WHOLE_PERIOD) share("one snapshot's share of a whole period (the defaults against the samplers alone)", DEFAULTS, SAMPLERS);
  else share("one snapshot's share of a 10 s block (caproto's period against the defaults' samplers)", CAPROTO, DEFAULTS);
  lines.push(...derivedDefaults(cpu, 'server CPU per request'), ...derivedDefaults(main, 'main thread alone'));
  const off = blocks.map((block) => block.window.cpuMicros[1 - block.on]!);
  const nulls = blocks.filter((block) => block.config === OFF).map((block) => block.window.cpuMicros[1] / block.window.cpuMicros[0]);
  lines.push(
    `off twin: ${median(off).toFixed(1)} µs/req (blocks ${Math.min(...off).toFixed(1)}–${Math.max(...off).toFixed(1)})` +
      (nulls.length > 0 ? `; twin 1 over twin 0 with both off: ${formatChange(medianInterval(nulls))}` : ''),
  );
  const windows = blocks.map((block) => block.window);
  const others = windows.map((window) => window.otherLoad);
  lines.push(
    `cores per block (medians): twins ${pair([median(windows.map((window) => window.cores[0])), median(windows.map((window) => window.cores[1]))])}, ` +
      `generator ${median(windows.map((window) => window.generatorCores)).toFixed(2)}, other processes ${median(others).toFixed(2)} (max ${Math.max(...others).toFixed(2)}); ` +
      `most requests outstanding at a block's end ${Math.max(...windows.map((window) => window.outstanding))}`,
  );
  return lines;
}

async function orchestrate(cycles: number, rateArgument: string, settleSeconds: number): Promise<void> {
  const settleMs = settleSeconds * 1000;
  const seed = Date.now() >>> 0;
  const warmUp = twinSchedule<Config>([OFF], 1, random(seed));
  const schedule = twinSchedule<Config>(CONFIGS, cycles, random(seed));
  const limitMs = (warmUp.length + schedule.length) * (MEASURED_MS + settleMs + 2000) + 180_000;
  const lines = [
    machine(),
    `load average before: ${loadAverage()}`,
    `${cycles} cycles of ${CONFIGS.length} configurations × 2 blocks (twin 0 on, twin 1 on), order seed ${seed}; ` +
      `${settleSeconds} s settle discarded after each switch, ${MEASURED_MS / 1000} s measured per block`,
  ];
  const started = performance.now();
  const rig = await startRig(limitMs);
  try {
    const rate = rateArgument.startsWith('rate=') ? Number(rateArgument.slice('rate='.length)) : await calibrate(rig, Number(rateArgument), lines);
    lines.push(`each twin driven at ${rate} req/s`);
    setRate(rig, rate);
    for (const block of warmUp) await runBlock(rig, block, settleMs);
    const blocks: BlockFigures[] = [];
    for (const block of schedule) blocks.push(await runBlock(rig, block, settleMs));
    lines.push(...report(blocks));
  } finally {
    await stopRig(rig);
  }
  lines.push(`took ${((performance.now() - started) / 60_000).toFixed(1)} min; load average after: ${loadAverage()}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

if (process.argv[5]) {
  CONFIGS = process.argv[5].split(',').map((name) => {
    const config = BY_NAME[name];
    if (!config) throw new Error(`no configuration "${name}"; the names are ${Object.keys(BY_NAME).join(', ')}`);
    return config;
  });
}
orchestrate(Number(process.argv[2] ?? 5), process.argv[3] ?? '0.35', Number(process.argv[4] ?? DEFAULT_SETTLE_SECONDS)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
