/**
 * Heap tracing's cost to the realistic service of tracing-service.ts, at the IOC's defaults, in ONE
 * pair of processes: the service with the IOC embedded by `startIoc` (ioc-service.ts: CA from its
 * worker, tracing disabled at start), driven by the same load generator. The bench switches tracing
 * as an operator does, by CA puts to the IOC's own records (EnableTracing, TraceSamplingInterval,
 * TraceExternalSamplingInterval), between blocks: off; V8's sampler alone (TraceSamplingInterval's
 * default, 64 KiB); and V8 with the external sampler at its default (512 KiB), the IOC's defaults.
 *
 * Fresh process pairs now vary by ±25% from run to run on this machine, far more than the effect;
 * here every "on" block sits between two "off" blocks of the same processes and is taken as a ratio
 * to their mean, so a drift of the machine hits both sides alike. Each cycle runs the two "on"
 * configurations in a random order, each followed by "off". A block is a settle period right after
 * the switch (discarded: the first snapshot's full GC, the external sampler's install, deopts) and
 * then one TracePeriod (10 s) of measurement, so that it holds exactly one of the IOC's periodic
 * snapshots; windows within it show how long the switch's own cost lasts. One cycle of warm-up is
 * discarded. The figures: per configuration, the median of its ratios with a sign-test interval, in
 * throughput and in server CPU per request (all threads: the IOC's worker and V8's helpers too),
 * and the external sampler's share apart (V8 + external against V8 alone, cycle by cycle).
 *
 * With `--fresh`, the control for the method: the same three configurations measured the same way,
 * but each block in a fresh pair of processes whose IOC starts with it, as tracing-service.ts runs.
 *
 *   npx tsc -p tsconfig.json --outDir /tmp/bench-out
 *   ln -sfn "$PWD/records" "$PWD/node_modules" "$PWD/package.json" /tmp/bench-out/
 *   node /tmp/bench-out/bench/tracing-service-paired.js [cycles=10] [windowSeconds=2] [settleWindows=1]
 *   node /tmp/bench-out/bench/tracing-service-paired.js --fresh [rounds=5] [windowSeconds=2] [settleWindows=1]
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SETTING_RANGES } from '../src/ioc/config/setting-ranges';
import { freePort, loopbackEnv } from '../test/helpers/ports';
import { change, loadAverage, machine, machineCpuSeconds, median, processCpuSeconds } from './figures';
import { IOC_DEFAULTS, Operator, type ServerReady, type ServerSample, TRACING_OFF, type TracingSettings, V8_DEFAULT } from './ioc-service';
import { type Block, formatChange, medianInterval, pairedRatios, pairedSchedule, ratioOfRatios } from './paired';
import { nextMessage, random } from './tracing-service';

/** The blocks' measured part: one TracePeriod at its default, so each "on" block holds one periodic snapshot. */
const MEASURED_MS = SETTING_RANGES.tracePeriod.default * 1000;

const OFF = 'off';
const V8 = 'V8 64 KiB';
const DEFAULTS = 'V8 + external 512 KiB';
type Config = typeof OFF | typeof V8 | typeof DEFAULTS;
const SETTINGS: Record<Config, TracingSettings> = { [OFF]: TRACING_OFF, [V8]: V8_DEFAULT, [DEFAULTS]: IOC_DEFAULTS };

// ---- Orchestrator ----------------------------------------------------------------------------

interface Window {
  requestsPerSecond: number;
  cpuMicrosPerRequest: number;
}

interface BlockFigures extends Window {
  config: Config;
  switchMs: number;
  /** The windows after the switch, settle period first. */
  windows: Window[];
  /** Cores that processes other than the pair used during the measured part (NaN without /proc). */
  otherLoad: number;
}

function windowBetween(from: ServerSample, to: ServerSample): Window {
  const requests = to.served - from.served;
  return { requestsPerSecond: requests / ((to.at - from.at) / 1000), cpuMicrosPerRequest: ((to.cpuMs - from.cpuMs) * 1000) / requests };
}

interface Pair {
  server: ChildProcess;
  load: ChildProcess;
  operator: Operator;
  /** The server's scratch working directory. */
  cwd: string;
}

async function sample(server: ChildProcess): Promise<ServerSample> {
  const answer = once(server, 'message') as Promise<[ServerSample]>;
  server.send('sample');
  return (await answer)[0];
}

async function runBlock(pair: Pair, config: Config, windowMs: number, settleWindows: number): Promise<BlockFigures> {
  const switching = performance.now();
  await pair.operator.switchTo(SETTINGS[config]);
  return measureBlock(pair, config, performance.now() - switching, windowMs, settleWindows);
}

/** The settle windows, then MEASURED_MS in windows. */
async function measureBlock({ server, load }: Pair, config: Config, switchMs: number, windowMs: number, settleWindows: number): Promise<BlockFigures> {
  const samples = [await sample(server)];
  const windowCount = settleWindows + Math.round(MEASURED_MS / windowMs);
  let machineAt = 0;
  let pairAt = 0;
  for (let window = 0; window < windowCount; window++) {
    if (window === settleWindows) {
      machineAt = machineCpuSeconds();
      pairAt = processCpuSeconds(server.pid!) + processCpuSeconds(load.pid!);
    }
    await sleep(windowMs);
    samples.push(await sample(server));
  }
  const measured = windowBetween(samples[settleWindows]!, samples[windowCount]!);
  const measuredSeconds = (samples[windowCount]!.at - samples[settleWindows]!.at) / 1000;
  const others = machineCpuSeconds() - machineAt - (processCpuSeconds(server.pid!) + processCpuSeconds(load.pid!) - pairAt);
  return {
    config,
    switchMs,
    ...measured,
    windows: samples.slice(1).map((to, index) => windowBetween(samples[index]!, to)),
    otherLoad: others / measuredSeconds,
  };
}

async function startPair(limitMs: number, config: Config = OFF): Promise<Pair> {
  const env = { ...process.env, ...loopbackEnv(await freePort(), await freePort()) };
  // The IOC makes its dump directory relative to the working directory: a scratch one.
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-paired-'));
  const server = fork(path.join(__dirname, 'ioc-service.js'), [JSON.stringify(SETTINGS[config]), String(limitMs)], { env, cwd });
  const [ready] = (await once(server, 'message')) as [ServerReady];
  const load = fork(path.join(__dirname, 'tracing-service.js'), ['load', String(ready.port), String(limitMs), String(limitMs)]);
  await nextMessage(load, 'warm');
  load.send('go');
  const operator = await Operator.connect(ready.iocPort);
  if (config !== OFF) await operator.tracing();
  return { server, load, operator, cwd };
}

async function stopPair({ server, load, operator, cwd }: Pair): Promise<void> {
  operator.close();
  const exited = Promise.all([once(server, 'exit'), once(load, 'exit')]);
  load.kill();
  server.disconnect();
  // Should its IOC hold it open, it is ended all the same.
  const stuck = setTimeout(() => server.kill(), 15_000);
  await exited;
  clearTimeout(stuck);
  fs.rmSync(cwd, { recursive: true, force: true });
}

/** Each "on" block's `onFigure` as a ratio to its neighbouring "off" blocks' `figure`, by configuration. */
function ratiosOf(
  blocks: readonly BlockFigures[],
  figure: (block: Window) => number,
  onFigure: (block: BlockFigures) => number = figure,
): Map<Config, number[]> {
  return pairedRatios<Config>(
    blocks.map((block): Block<Config> => ({ config: block.config, value: block.config === OFF ? figure(block) : onFigure(block) })),
    OFF,
  );
}

/** The settle windows in brackets. */
function windowRatios(ratios: readonly number[], settleWindows: number): string {
  return ratios.map((ratio, index) => (index < settleWindows ? `(${ratio.toFixed(3)})` : ratio.toFixed(3))).join(' ');
}

function report(blocks: readonly BlockFigures[], windowMs: number, settleWindows: number): string[] {
  const rate = ratiosOf(blocks, (block) => block.requestsPerSecond);
  const cpu = ratiosOf(blocks, (block) => block.cpuMicrosPerRequest);
  const off = blocks.filter((block) => block.config === OFF);
  const offRates = off.map((block) => block.requestsPerSecond);
  const lines = [
    `off: ${median(offRates).toFixed(0)} req/s (blocks ${Math.min(...offRates).toFixed(0)}–${Math.max(...offRates).toFixed(0)}), ` +
      `server CPU ${median(off.map((block) => block.cpuMicrosPerRequest)).toFixed(1)} µs/req`,
  ];
  for (const config of [V8, DEFAULTS] as const) {
    const own = blocks.filter((block) => block.config === config);
    lines.push(
      `${config}: throughput ${formatChange(medianInterval(rate.get(config) ?? []))}; server CPU per request ${formatChange(medianInterval(cpu.get(config) ?? []))}; ` +
        `switch ${median(own.map((block) => block.switchMs)).toFixed(0)} ms (median)`,
    );
  }
  const share = (ratios: Map<Config, number[]>) => formatChange(medianInterval(ratioOfRatios(ratios.get(DEFAULTS) ?? [], ratios.get(V8) ?? [])));
  lines.push(`the external sampler's share (V8 + external against V8 alone, cycle by cycle): throughput ${share(rate)}; server CPU per request ${share(cpu)}`);
  lines.push(
    `settle check: throughput by ${windowMs / 1000} s window after the switch, median ratio to the neighbouring "off" blocks (first ${settleWindows} discarded)`,
  );
  const windowCount = blocks[0]?.windows.length ?? 0;
  for (const config of [V8, DEFAULTS] as const) {
    const byWindow = Array.from({ length: windowCount }, (_, index) =>
      median(
        ratiosOf(
          blocks,
          (block) => block.requestsPerSecond,
          (block) => block.windows[index]!.requestsPerSecond,
        ).get(config) ?? [],
      ),
    );
    lines.push(`  ${config}: ${windowRatios(byWindow, settleWindows)}`);
  }
  // After a switch off: the samplers' stop, and the deopts it may bring.
  const offByWindow = Array.from({ length: windowCount }, (_, index) =>
    median(off.map((block) => block.windows[index]!.requestsPerSecond / block.requestsPerSecond)),
  );
  lines.push(`  off, to its own measured part: ${windowRatios(offByWindow, settleWindows)}`);
  const others = blocks.map((block) => block.otherLoad);
  lines.push(`other processes (cores, per block): median ${median(others).toFixed(2)}, max ${Math.max(...others).toFixed(2)}`);
  return lines;
}

async function orchestrate(cycles: number, windowSeconds: number, settleWindows: number): Promise<void> {
  const windowMs = windowSeconds * 1000;
  const seed = Date.now() >>> 0;
  const next = random(seed);
  const warmUp = pairedSchedule<Config>(OFF, [V8, DEFAULTS], 1, next);
  const schedule = pairedSchedule<Config>(OFF, [V8, DEFAULTS], cycles, next);
  const blockMs = MEASURED_MS + settleWindows * windowMs + 1000;
  const limitMs = (warmUp.length + schedule.length) * blockMs + 120_000;
  const lines = [
    machine(),
    `load average before: ${loadAverage()}`,
    `${cycles} cycles after 1 of warm-up, order seed ${seed}, ${windowSeconds} s windows, ${settleWindows} discarded after each switch, ${MEASURED_MS / 1000} s measured per block`,
  ];
  const pair = await startPair(limitMs);
  const started = performance.now();
  try {
    for (const config of warmUp) await runBlock(pair, config, windowMs, settleWindows);
    const blocks: BlockFigures[] = [];
    for (const config of schedule) blocks.push(await runBlock(pair, config, windowMs, settleWindows));
    lines.push(...report(blocks, windowMs, settleWindows));
  } finally {
    await stopPair(pair);
  }
  lines.push(`took ${((performance.now() - started) / 60_000).toFixed(1)} min; load average after: ${loadAverage()}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

/**
 * The control for the method: the same server, measured the same way, but each block in a fresh
 * pair of processes whose IOC starts with the configuration (tracing enabled by startIoc's options),
 * configurations rotated round by round; medians of the blocks, as tracing-service.ts does.
 */
async function orchestrateFresh(rounds: number, windowSeconds: number, settleWindows: number): Promise<void> {
  const windowMs = windowSeconds * 1000;
  const configs = [OFF, V8, DEFAULTS] as const;
  const limitMs = MEASURED_MS + settleWindows * windowMs + 120_000;
  const lines = [
    machine(),
    `load average before: ${loadAverage()}`,
    `fresh pairs: ${rounds} rounds, ${MEASURED_MS / 1000} s measured after ${settleWindows} windows of ${windowSeconds} s`,
  ];
  const started = performance.now();
  const blocks = new Map<Config, BlockFigures[]>(configs.map((config) => [config, []]));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < configs.length; i++) {
      const config = configs[(i + round) % configs.length]!;
      const pair = await startPair(limitMs, config);
      try {
        blocks.get(config)!.push(await measureBlock(pair, config, 0, windowMs, settleWindows));
      } finally {
        await stopPair(pair);
      }
    }
  }
  const of = (config: Config, figure: (block: BlockFigures) => number) => blocks.get(config)!.map(figure);
  const offRate = median(of(OFF, (block) => block.requestsPerSecond));
  const offCpu = median(of(OFF, (block) => block.cpuMicrosPerRequest));
  for (const config of configs) {
    const rates = of(config, (block) => block.requestsPerSecond);
    const cpu = median(of(config, (block) => block.cpuMicrosPerRequest));
    lines.push(
      `${config}: ${median(rates).toFixed(0)} req/s${config === OFF ? '' : change(median(rates), offRate)} (runs ${Math.min(...rates).toFixed(0)}–${Math.max(...rates).toFixed(0)}), ` +
        `server CPU ${cpu.toFixed(1)} µs/req${config === OFF ? '' : change(cpu, offCpu)}; other processes (cores) max ${Math.max(...of(config, (block) => block.otherLoad)).toFixed(2)}`,
    );
  }
  lines.push(`took ${((performance.now() - started) / 60_000).toFixed(1)} min; load average after: ${loadAverage()}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

function main(): Promise<void> {
  const fresh = process.argv.includes('--fresh');
  const [role, ...args] = process.argv.slice(2).filter((arg) => arg !== '--fresh');
  const figures = [Number(args[0] ?? 2), Number(args[1] ?? 1)] as const;
  return fresh ? orchestrateFresh(Number(role ?? 5), ...figures) : orchestrate(Number(role ?? 10), ...figures);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
