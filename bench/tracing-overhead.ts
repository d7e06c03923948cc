/**
 * How much heap tracing slows a process: an allocation loop and a small HTTP service, each run as a
 * whole process with tracing off, at 32, 64 and 512 KiB, at the IOC's defaults (V8 64 KiB and the
 * external sampler at 512 KiB), and under `node --heap-prof` at 32 and 64 KiB (the same V8 sampler
 * without this engine, as a control), several times; medians compared.
 *
 *   npx tsc -p tsconfig.json --outDir /tmp/bench-tracing; node /tmp/bench-tracing/bench/tracing-overhead.js [runs] [workload] [--twins]
 *
 * With `--twins`, each mode's run is started at the same moment as a run with tracing off, the two
 * sharing the machine's two cores, and the figure is the ratio within each such pair (median and
 * sign-test interval): a drift of the machine's speed hits both runs of a pair alike. The "off"
 * mode's pairs are then the A/A null control: they must come out at 0 within their interval.
 *
 * (tsc still emits when files outside the engine fail to typecheck.) Each child does a fixed amount
 * of work; the parent times it from spawn to exit, so start-up, start() and stop() are included, and
 * the child reports its CPU time (all threads), which a busy shared machine disturbs less. A run
 * during which other processes used more than a tenth of a core (from /proc/stat) is taken again,
 * after a pause: the machine this was written on is shared. The HTTP
 * workload's load generator runs in the same process, so its allocations are sampled too; see
 * tracing-service.ts for a service measured from another process.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { SETTING_RANGES } from '../src/ioc/config/setting-ranges';
import * as tracing from '../src/tracing';
import { change, loadAverage, machineCpuSeconds, median } from './figures';
import { formatChange, medianInterval } from './paired';
import { quietRun, type Retakes, retakesLine } from './quiet-run';

const WORKLOADS = ['alloc-loop', 'http-service'] as const;
type Workload = (typeof WORKLOADS)[number];
const MODES = ['off', '32768', '65536', '524288', 'defaults', 'heap-prof-32768', 'heap-prof-65536'] as const;
type Mode = (typeof MODES)[number];
/** The IOC's defaults: V8's sampler at 64 KiB, the external sampler at 512 KiB (setting-ranges.ts). */
const IOC_DEFAULTS = {
  samplingInterval: SETTING_RANGES.traceSamplingInterval.default,
  externalSamplingInterval: SETTING_RANGES.traceExternalSamplingInterval.default,
};

/** Small objects, strings and arrays, a ring of 4096 kept so some survive the young generation. */
function allocationLoop(iterations: number): number {
  const ring = new Array<unknown>(4096);
  for (let i = 0; i < iterations; i++) ring[i & 4095] = { id: i, name: `n${i}`, values: [i, i + 1, i + 2] };
  return ring.length;
}

/** A JSON API over loopback HTTP with keep-alive: parse, validate, build and serialise per request. */
async function httpService(requests: number): Promise<number> {
  const orders = new Map<number, { id: number; items: { sku: string; qty: number }[]; total: number }>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const order = JSON.parse(body) as { id: number; items: { sku: string; qty: number; price: number }[] };
      const total = order.items.reduce((sum, item) => sum + item.qty * item.price, 0);
      orders.set(order.id % 5000, { id: order.id, items: order.items.map(({ sku, qty }) => ({ sku, qty })), total });
      const reply = JSON.stringify({ id: order.id, total, status: total > 100 ? 'review' : 'accepted', at: new Date().toISOString() });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(reply) });
      res.end(reply);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  let next = 0;
  const client = async () => {
    while (next < requests) {
      const id = next++;
      const body = JSON.stringify({ id, items: Array.from({ length: 5 }, (_, k) => ({ sku: `sku-${id}-${k}`, qty: k + 1, price: 9.5 })) });
      await new Promise<void>((resolve, reject) => {
        const req = http.request({ port, host: '127.0.0.1', method: 'POST', path: '/orders', agent }, (res) => {
          res.resume();
          res.on('end', resolve);
        });
        req.on('error', reject);
        req.end(body);
      });
    }
  };
  await Promise.all(Array.from({ length: 8 }, client));
  agent.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return orders.size;
}

/** The engine's options for a mode, or null where the engine does not run (off, and the --heap-prof controls). */
function engineOptions(mode: Mode): tracing.StartOptions | null {
  if (mode === 'off' || mode.startsWith('heap-prof')) return null;
  return mode === 'defaults' ? IOC_DEFAULTS : { samplingInterval: Number(mode) };
}

async function child(workload: Workload, mode: Mode): Promise<void> {
  const options = engineOptions(mode);
  const engine = options !== null;
  if (engine) await tracing.start(options);
  if (workload === 'alloc-loop') allocationLoop(30_000_000);
  else await httpService(40_000);
  if (engine) await tracing.stop();
  const { user, system } = process.cpuUsage();
  process.stdout.write(`${(user + system) / 1000}\n`);
}

export function intervalLabel(bytes: number): string {
  return `${bytes / 1024} KiB`;
}

/** Node's own flags for a mode: the control runs V8's sampler through --heap-prof instead of the engine. */
function nodeFlags(mode: Mode, profileDirectory: string): string[] {
  if (!mode.startsWith('heap-prof')) return [];
  return ['--heap-prof', `--heap-prof-interval=${mode.slice('heap-prof-'.length)}`, `--heap-prof-dir=${profileDirectory}`];
}

function modeLabel(mode: Mode): string {
  if (mode === 'off') return 'off';
  if (mode === 'defaults') return `${intervalLabel(IOC_DEFAULTS.samplingInterval)} + ext ${intervalLabel(IOC_DEFAULTS.externalSamplingInterval)}`;
  if (mode.startsWith('heap-prof')) return `--heap-prof ${intervalLabel(Number(mode.slice('heap-prof-'.length)))}`;
  return intervalLabel(Number(mode));
}

interface ChildRun {
  wallMs: number;
  cpuMs: number;
  otherLoad: number;
}

/** One child from spawn to exit: its wall time, and the CPU time (all threads) it reports. */
async function spawnChild(workload: Workload, mode: Mode, profileDirectory: string): Promise<{ wallMs: number; cpuMs: number }> {
  const started = process.hrtime.bigint();
  const args = [...nodeFlags(mode, profileDirectory), __filename, 'child', workload, mode];
  const { stdout } = await promisify(execFile)(process.execPath, args, { encoding: 'utf8' });
  return { wallMs: Number(process.hrtime.bigint() - started) / 1e6, cpuMs: Number(stdout.trim()) };
}

async function runChild(workload: Workload, mode: Mode, profileDirectory: string): Promise<ChildRun> {
  const machineBefore = machineCpuSeconds();
  const { wallMs, cpuMs } = await spawnChild(workload, mode, profileDirectory);
  return { wallMs, cpuMs, otherLoad: (machineCpuSeconds() - machineBefore - cpuMs / 1000) / (wallMs / 1000) };
}

/** A run of `mode` and one with tracing off, started at the same moment: the ratios of the first to the second. */
interface TwinRun {
  wall: number;
  cpu: number;
  otherLoad: number;
}

async function runTwins(workload: Workload, mode: Mode, profileDirectory: string): Promise<TwinRun> {
  const machineBefore = machineCpuSeconds();
  const [on, off] = await Promise.all([spawnChild(workload, mode, profileDirectory), spawnChild(workload, 'off', profileDirectory)]);
  const seconds = Math.max(on.wallMs, off.wallMs) / 1000;
  return {
    wall: on.wallMs / off.wallMs,
    cpu: on.cpuMs / off.cpuMs,
    otherLoad: (machineCpuSeconds() - machineBefore - (on.cpuMs + off.cpuMs) / 1000) / seconds,
  };
}

/**
 * Twins: no run is taken again for other processes' load, since a pair shares it; the load is
 * reported instead. The "off" pairs are the null control.
 */
async function parentTwins(runs: number, workloads: readonly Workload[]): Promise<void> {
  const results: string[] = [`load average before: ${loadAverage()}`, `twins: each mode started beside a run with tracing off, ${runs} pairs per mode`];
  const profileDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'tracing-overhead-'));
  for (const workload of workloads) {
    const measured = new Map<Mode, TwinRun[]>(MODES.map((mode) => [mode, []]));
    for (let run = 0; run < runs; run++) for (const mode of MODES) measured.get(mode)?.push(await runTwins(workload, mode, profileDirectory));
    for (const mode of MODES) {
      const pairs = measured.get(mode) as TwinRun[];
      const others = pairs.map((pair) => pair.otherLoad);
      results.push(
        `${workload.padEnd(13)} ${modeLabel(mode).padEnd(20)} against off: cpu ${formatChange(medianInterval(pairs.map((pair) => pair.cpu)))}, ` +
          `wall ${formatChange(medianInterval(pairs.map((pair) => pair.wall)))}; other processes (cores) median ${median(others).toFixed(2)}, max ${Math.max(...others).toFixed(2)}`,
      );
    }
  }
  fs.rmSync(profileDirectory, { recursive: true, force: true });
  results.push(`load average after: ${loadAverage()}`);
  process.stdout.write(`${results.join('\n')}\n`);
}

async function parent(runs: number, workloads: readonly Workload[]): Promise<void> {
  const results: string[] = [`load average before: ${loadAverage()}`];
  const retakes: Retakes = { count: 0, busyKept: 0 };
  const profileDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'tracing-overhead-'));
  for (const workload of workloads) {
    const measured = new Map<Mode, ChildRun[]>(MODES.map((mode) => [mode, []]));
    // Interleaved, so drift in the machine's load spreads over every mode alike.
    for (let run = 0; run < runs; run++) {
      for (const mode of MODES) measured.get(mode)?.push(await quietRun(() => runChild(workload, mode, profileDirectory), retakes));
    }
    const of = (mode: Mode, key: keyof ChildRun) => (measured.get(mode) as ChildRun[]).map((run) => run[key]);
    const offWall = median(of('off', 'wallMs'));
    const offCpu = median(of('off', 'cpuMs'));
    for (const mode of MODES) {
      const w = median(of(mode, 'wallMs'));
      const c = median(of(mode, 'cpuMs'));
      const slowdown = (value: number, off: number) => (mode === 'off' ? '' : change(value, off));
      const all = of(mode, 'wallMs')
        .map((t) => t.toFixed(0))
        .join(' ');
      results.push(
        `${workload.padEnd(13)} ${modeLabel(mode).padEnd(20)} wall ${w.toFixed(0)} ms${slowdown(w, offWall)}, cpu ${c.toFixed(0)} ms${slowdown(c, offCpu)}  [wall runs: ${all}]`,
      );
    }
  }
  fs.rmSync(profileDirectory, { recursive: true, force: true });
  results.push(retakesLine(retakes), `load average after: ${loadAverage()}`);
  process.stdout.write(`${results.join('\n')}\n`);
}

// Only when run: tracing-service.ts imports the helpers above.
if (require.main === module) {
  if (process.argv[2] === 'child') {
    child(process.argv[3] as Workload, process.argv[4] as Mode).catch((error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    });
  } else {
    const [runs, only] = process.argv.slice(2).filter((arg) => arg !== '--twins') as [string | undefined, Workload | undefined];
    if (only !== undefined && !WORKLOADS.includes(only)) throw new RangeError(`workload must be one of ${WORKLOADS.join(', ')}`);
    void (process.argv.includes('--twins') ? parentTwins : parent)(Number(runs ?? 7), only ? [only] : WORKLOADS);
  }
}
