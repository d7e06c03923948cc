/**
 * How much heap tracing slows a process: an allocation loop and a small HTTP service, each run as a
 * whole process with tracing off, at 32 KiB and at 512 KiB, several times; medians compared.
 *
 *   npx tsc -p tsconfig.json --outDir /tmp/bench-tracing; node /tmp/bench-tracing/bench/tracing-overhead.js [runs]
 *
 * (tsc still emits when files outside the engine fail to typecheck.) Each child does a fixed amount
 * of work; the parent times it from spawn to exit, so start-up, start() and stop() are included, and
 * the child reports its CPU time (all threads), which a busy shared machine disturbs less.
 */
import { execFileSync } from 'node:child_process';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as tracing from '../src/tracing';

type Workload = 'alloc-loop' | 'http-service';
const MODES = ['off', '32768', '524288'] as const;
type Mode = (typeof MODES)[number];

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

async function child(workload: Workload, mode: Mode): Promise<void> {
  if (mode !== 'off') await tracing.start({ samplingInterval: Number(mode) });
  if (workload === 'alloc-loop') allocationLoop(30_000_000);
  else await httpService(40_000);
  if (mode !== 'off') await tracing.stop();
  const { user, system } = process.cpuUsage();
  process.stdout.write(`${(user + system) / 1000}\n`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function parent(runs: number): void {
  const results: string[] = [];
  for (const workload of ['alloc-loop', 'http-service'] as Workload[]) {
    const wall = new Map<Mode, number[]>(MODES.map((mode) => [mode, []]));
    const cpu = new Map<Mode, number[]>(MODES.map((mode) => [mode, []]));
    // Interleaved, so drift in the machine's load spreads over every mode alike.
    for (let run = 0; run < runs; run++) {
      for (const mode of MODES) {
        const started = process.hrtime.bigint();
        const output = execFileSync(process.execPath, [__filename, 'child', workload, mode], { encoding: 'utf8' });
        wall.get(mode)?.push(Number(process.hrtime.bigint() - started) / 1e6);
        cpu.get(mode)?.push(Number(output.trim()));
      }
    }
    const offWall = median(wall.get('off') as number[]);
    const offCpu = median(cpu.get('off') as number[]);
    for (const mode of MODES) {
      const w = median(wall.get(mode) as number[]);
      const c = median(cpu.get(mode) as number[]);
      const label = mode === 'off' ? 'off' : `${Number(mode) / 1024} KiB`;
      const slowdown = (value: number, off: number) => (mode === 'off' ? '' : ` (${value >= off ? '+' : ''}${(((value - off) / off) * 100).toFixed(1)}%)`);
      const all = (wall.get(mode) as number[]).map((t) => t.toFixed(0)).join(' ');
      results.push(
        `${workload.padEnd(13)} ${label.padEnd(8)} wall ${w.toFixed(0)} ms${slowdown(w, offWall)}, cpu ${c.toFixed(0)} ms${slowdown(c, offCpu)}  [wall runs: ${all}]`,
      );
    }
  }
  process.stdout.write(`${results.join('\n')}\n`);
}

if (process.argv[2] === 'child') {
  child(process.argv[3] as Workload, process.argv[4] as Mode).catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  });
} else {
  parent(Number(process.argv[2] ?? 7));
}
