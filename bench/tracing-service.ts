/**
 * Heap tracing's cost to a realistic service, measured from outside it: a JSON quoting service
 * (parse the request, price its items from an LRU product cache, answer JSON) in one process,
 * driven over loopback by a keep-alive load generator in another, so only the service's own
 * allocations are sampled. Tracing is off, or on at 32, 64 and 512 KiB as the IOC runs it: from
 * the main thread (`thread: 'main'` in ioc.config.json) or from a worker observing the main thread
 * (the IOC's default), with a snapshot at start and every 10 s, aggregated and formatted.
 *
 * Each run starts a fresh server and load generator, warms up, then measures a fixed duration:
 * the load generator counts requests per second, the server its CPU time (all threads, so the
 * worker's and V8's helper threads' too) per request served. Configurations alternate, in an order
 * rotated each round; medians. A run during which other processes used more than a tenth of a core
 * (from /proc/stat) is taken again after a pause (quietRun, tracing-overhead.ts): the machine is shared.
 *
 * With `--external`, the external memory sampler's cost instead: tracing off, V8's sampler at 64 KiB
 * from a worker (the IOC's way) alone, then beside the external sampler installed but sampling next to
 * nothing (1 GiB: the wrappers' own cost), and at 64 KiB, 256 KiB, 512 KiB and 1 MiB. The service's
 * Buffers are the request bodies it concatenates, and the replies Node encodes. `--defaults` runs only
 * off, V8 alone and the IOC's defaults (V8 64 KiB + external 512 KiB): the three that settle the 5% budget.
 *
 *   npx tsc -p tsconfig.json --outDir /tmp/bench-tracing-svc
 *   node /tmp/bench-tracing-svc/bench/tracing-service.js [runs] [seconds] [--external | --defaults]
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import * as tracing from '../src/tracing';
import { change, loadAverage, machineCpuSeconds, median } from './figures';
import { quietRun, type Retakes, retakesLine } from './quiet-run';
import { intervalLabel } from './tracing-overhead';

interface Config {
  /** Sampling interval in bytes; null for tracing off. */
  interval: number | null;
  /** Where the engine runs: the service's main thread, or a worker observing it. */
  thread: 'main' | 'worker';
  /** The external sampler's interval in bytes; 0 or absent: not installed. */
  external?: number;
}

const V8_CONFIGS: readonly Config[] = [
  { interval: null, thread: 'main' },
  ...[32768, 65536, 524288].flatMap((interval) => (['main', 'worker'] as const).map((thread) => ({ interval, thread }))),
];
const EXTERNAL_CONFIGS: readonly Config[] = [
  { interval: null, thread: 'main' },
  { interval: 65536, thread: 'worker' },
  ...[2 ** 30, 65536, 262144, 524288, 1048576].map((external) => ({ interval: 65536, thread: 'worker' as const, external })),
];
/** `--defaults`: only what settles the 5% budget: off, V8 alone, and the IOC's defaults (V8 64 KiB + external 512 KiB). */
const DEFAULT_CONFIGS: readonly Config[] = [EXTERNAL_CONFIGS[0]!, EXTERNAL_CONFIGS[1]!, EXTERNAL_CONFIGS[5]!];
const SNAPSHOT_PERIOD_MS = 10_000;
const WARM_UP_MS = 3000;
const CONCURRENCY = 16;
const CATALOGUE_SIZE = 20_000;
const CACHE_SIZE = 4000;
const CATEGORIES = ['books', 'garden', 'kitchen', 'toys', 'tools', 'music', 'sport'];
const WORDS = ['durable', 'compact', 'classic', 'premium', 'light', 'handmade', 'recycled', 'quiet', 'portable', 'bright', 'soft', 'sturdy'];
const COLOURS = ['red', 'green', 'blue', 'black', 'white', 'grey'];
const SIZES = ['S', 'M', 'L', 'XL'];

type ChildMessage =
  | { type: 'ready'; port: number }
  | { type: 'begun' }
  | { type: 'ended'; cpuMs: number; wallMs: number; requests: number; hitRate: number }
  | { type: 'warm' }
  | { type: 'done'; requests: number; ms: number; cpuMs: number };
type ParentMessage = 'begin' | 'end' | 'go';

function label({ interval, thread, external }: Config): string {
  if (interval === null) return 'off';
  return `${intervalLabel(interval)} ${thread}${external ? ` + ext ${external === 2 ** 30 ? 'idle' : intervalLabel(external)}` : ''}`;
}

function send(message: ChildMessage): void {
  process.send?.(message);
}

// ---- The service ----------------------------------------------------------------------------

interface Product {
  sku: string;
  name: string;
  description: string;
  category: string;
  price: number;
  tags: string[];
  attributes: { weightGrams: number; colour: string; size: string };
  stock: number;
}
interface QuoteRequest {
  customer: string;
  currency: string;
  items: { sku: string; qty: number }[];
}

class Lru<V> {
  private readonly entries = new Map<string, V>();
  hits = 0;
  misses = 0;

  constructor(private readonly capacity: number) {}

  getOrLoad(key: string, load: (key: string) => V): V {
    let value = this.entries.get(key);
    if (value === undefined) {
      this.misses++;
      value = load(key);
    } else {
      this.hits++;
      this.entries.delete(key);
    }
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    return value;
  }
}

/** Stands in for a database read: a row arrives as JSON and becomes an object. */
function loadProduct(sku: string): Product {
  const n = Number(sku.slice(4));
  const category = CATEGORIES[n % CATEGORIES.length];
  const description = Array.from({ length: 16 }, (_, k) => WORDS[(n + k * 7) % WORDS.length]).join(' ');
  const attributes = { weightGrams: 50 + ((n * 13) % 5000), colour: COLOURS[n % COLOURS.length], size: SIZES[n % SIZES.length] };
  const row = {
    sku,
    name: `${category} item ${n}`,
    description,
    category,
    price: 1 + ((n * 7919) % 10_000) / 100,
    tags: [category, `s${n % 13}`, attributes.colour],
    attributes,
    stock: (n * 31) % 500,
  };
  return JSON.parse(JSON.stringify(row)) as Product;
}

function isQuoteRequest(value: unknown): value is QuoteRequest {
  // Parsed JSON: any member may be missing or of another type.
  const request = value as Partial<Record<keyof QuoteRequest, unknown>> | null;
  return (
    typeof request?.customer === 'string' &&
    Array.isArray(request.items) &&
    (request.items as (Partial<QuoteRequest['items'][number]> | null)[]).every(
      (item) => typeof item?.sku === 'string' && item.sku.startsWith('sku-') && typeof item.qty === 'number' && Number.isInteger(item.qty) && item.qty > 0,
    )
  );
}

const cents = (value: number) => Math.round(value * 100) / 100;

function quote(request: QuoteRequest, cache: Lru<Product>, id: number) {
  const lines = request.items.map(({ sku, qty }) => {
    const product = cache.getOrLoad(sku, loadProduct);
    const discount = qty >= 10 ? 0.1 : qty >= 5 ? 0.05 : 0;
    return {
      sku,
      name: product.name,
      summary: `${product.name} (${product.attributes.colour}, ${product.attributes.size}): ${product.description.slice(0, 60)}`,
      category: product.category,
      tags: product.tags,
      qty,
      unitPrice: product.price,
      discount,
      subtotal: cents(product.price * qty * (1 - discount)),
      shippingGrams: product.attributes.weightGrams * qty,
      available: product.stock >= qty,
    };
  });
  const byCategory: Record<string, number> = {};
  for (const line of lines) byCategory[line.category] = cents((byCategory[line.category] ?? 0) + line.subtotal);
  const net = cents(lines.reduce((sum, line) => sum + line.subtotal, 0));
  const tax = cents(net * 0.2);
  const shippingGrams = lines.reduce((sum, line) => sum + line.shippingGrams, 0);
  return {
    quoteId: `${request.customer}-${id}`,
    currency: request.currency,
    lines: lines.sort((a, b) => b.subtotal - a.subtotal),
    byCategory,
    net,
    tax,
    total: cents(net + tax),
    shipping: { grams: shippingGrams, cost: cents(4.9 + shippingGrams / 1000) },
    validUntil: new Date(Date.now() + 3_600_000).toISOString(),
  };
}

export function createService(): { server: http.Server; served: () => number; cache: Lru<Product> } {
  const cache = new Lru<Product>(CACHE_SIZE);
  let served = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let request: unknown;
      try {
        request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        request = undefined;
      }
      const ok = req.method === 'POST' && req.url === '/quote' && isQuoteRequest(request);
      const reply = ok ? JSON.stringify(quote(request as QuoteRequest, cache, ++served)) : '{"error":"expected POST /quote with a quote request"}';
      res.writeHead(ok ? 200 : 400, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(reply) });
      res.end(reply);
    });
  });
  return { server, served: () => served, cache };
}

// ---- Tracing as the IOC runs it --------------------------------------------------------------

/** What the IOC does with each snapshot (memory-tracing.ts); the text goes to its records, unused here. */
async function snapshotLikeTheIoc(previous?: tracing.Snapshot): Promise<tracing.Snapshot> {
  const snapshot = (await tracing.takeSnapshot()).filterTraces();
  tracing.formatTopStatistics(snapshot.statistics('lineno'), { limit: 10 });
  for (const diff of previous ? snapshot.compareTo(previous, 'lineno').slice(0, 10) : []) tracing.formatStatisticDiff(diff);
  return snapshot;
}

/** Starts tracing with a snapshot at once and one every period; resolves to the function that stops it. */
async function traceLikeTheIoc(samplingInterval: number, thread: tracing.ObservedThread, externalSamplingInterval = 0): Promise<() => Promise<void>> {
  await tracing.start({ samplingInterval, thread, externalSamplingInterval });
  let previous = await snapshotLikeTheIoc();
  let last = Promise.resolve();
  const timer = setInterval(() => {
    last = last.then(async () => {
      previous = await snapshotLikeTheIoc(previous);
    });
  }, SNAPSHOT_PERIOD_MS);
  return async () => {
    clearInterval(timer);
    await last;
    await tracing.stop();
  };
}

async function traceInWorker(samplingInterval: number, external = 0): Promise<() => Promise<void>> {
  // The external sampler lives in the observed thread, as startIoc registers it.
  if (external > 0) tracing.registerExternalSampler();
  const worker = new Worker(__filename, { workerData: { samplingInterval, external } });
  await once(worker, 'message');
  return async () => {
    worker.postMessage('stop');
    await once(worker, 'exit');
  };
}

async function tracerWorker({ samplingInterval, external }: { samplingInterval: number; external: number }): Promise<void> {
  const port = parentPort as NonNullable<typeof parentPort>;
  const stop = await traceLikeTheIoc(samplingInterval, 'main', external);
  port.postMessage('started');
  await once(port, 'message');
  await stop();
  port.close();
}

// ---- Server process --------------------------------------------------------------------------

async function serverProcess(config: Config, limitMs: number): Promise<void> {
  // Bounded even if the parent vanishes without a word.
  setTimeout(() => process.exit(2), limitMs).unref();
  const stopTracing =
    config.interval === null
      ? () => Promise.resolve()
      : config.thread === 'main'
        ? await traceLikeTheIoc(config.interval, 'current', config.external)
        : await traceInWorker(config.interval, config.external);
  const { server, served, cache } = createService();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  let began = { cpu: process.cpuUsage(), at: performance.now(), served: 0, hits: 0, misses: 0 };
  process.on('message', (message: ParentMessage) => {
    if (message === 'begin') {
      began = { cpu: process.cpuUsage(), at: performance.now(), served: served(), hits: cache.hits, misses: cache.misses };
      send({ type: 'begun' });
    } else if (message === 'end') {
      const { user, system } = process.cpuUsage(began.cpu);
      const hits = cache.hits - began.hits;
      send({
        type: 'ended',
        cpuMs: (user + system) / 1000,
        wallMs: performance.now() - began.at,
        requests: served() - began.served,
        hitRate: hits / (hits + cache.misses - began.misses),
      });
    }
  });
  process.once('disconnect', () => {
    server.closeAllConnections();
    server.close();
    void stopTracing();
  });
  send({ type: 'ready', port: (server.address() as AddressInfo).port });
}

// ---- Load generator process ------------------------------------------------------------------

/** Deterministic, so every run and configuration gets the same requests. */
export function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Prepared in advance, so the generator's own work per request stays small. Skewed towards popular products. */
export function requestBodies(count: number): string[] {
  const next = random(42);
  return Array.from({ length: count }, () => {
    const items = Array.from({ length: 5 + Math.floor(next() * 16) }, () => ({
      sku: `sku-${Math.floor(CATALOGUE_SIZE * next() ** 4)}`,
      qty: 1 + Math.floor(next() * 12),
    }));
    return JSON.stringify({ customer: `c${Math.floor(next() * 1000)}`, currency: 'EUR', items });
  });
}

function post(agent: http.Agent, port: number, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/quote', agent, headers }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function loadProcess(port: number, durationMs: number, limitMs: number): Promise<void> {
  setTimeout(() => process.exit(2), limitMs).unref();
  const bodies = requestBodies(20_000);
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let sent = 0;
  /** Keeps CONCURRENCY requests in flight until `ms` have passed; resolves to how many completed. */
  const drive = async (ms: number): Promise<number> => {
    const until = performance.now() + ms;
    let completed = 0;
    const connection = async () => {
      while (performance.now() < until) {
        await post(agent, port, bodies[sent++ % bodies.length]!);
        completed++;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, connection));
    return completed;
  };
  await drive(WARM_UP_MS);
  send({ type: 'warm' });
  await new Promise((resolve) => process.once('message', resolve));
  const started = performance.now();
  const cpu = process.cpuUsage();
  const requests = await drive(durationMs);
  const { user, system } = process.cpuUsage(cpu);
  send({ type: 'done', requests, ms: performance.now() - started, cpuMs: (user + system) / 1000 });
  process.once('disconnect', () => agent.destroy());
}

// ---- Orchestrator ----------------------------------------------------------------------------

export function nextMessage<T extends ChildMessage['type']>(child: ChildProcess, type: T): Promise<Extract<ChildMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: ChildMessage) => {
      if (message.type !== type) return;
      cleanUp();
      resolve(message as Extract<ChildMessage, { type: T }>);
    };
    const onExit = (code: number | null) => {
      cleanUp();
      reject(new Error(`a child exited (${code}) before sending '${type}'`));
    };
    const cleanUp = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

interface RunResult {
  requestsPerSecond: number;
  cpuMicrosPerRequest: number;
  /** Server CPU time over wall time: near 1 or above when the server, not the generator, limits throughput. */
  utilisation: number;
  hitRate: number;
  generatorCpuMicrosPerRequest: number;
  /** Cores other processes used meanwhile (NaN where /proc/stat is missing). */
  otherLoad: number;
}

async function run(config: Config, durationMs: number): Promise<RunResult> {
  const limitMs = WARM_UP_MS + durationMs + 60_000;
  const server = fork(__filename, ['server', JSON.stringify(config), String(limitMs)]);
  const { port } = await nextMessage(server, 'ready');
  const load = fork(__filename, ['load', String(port), String(durationMs), String(limitMs)]);
  await nextMessage(load, 'warm');
  const machineBefore = machineCpuSeconds();
  server.send('begin' satisfies ParentMessage);
  await nextMessage(server, 'begun');
  load.send('go' satisfies ParentMessage);
  const done = await nextMessage(load, 'done');
  server.send('end' satisfies ParentMessage);
  const ended = await nextMessage(server, 'ended');
  const othersCpuSeconds = machineCpuSeconds() - machineBefore - (ended.cpuMs + done.cpuMs) / 1000;
  const exited = Promise.all([once(server, 'exit'), once(load, 'exit')]);
  load.disconnect();
  server.disconnect();
  await exited;
  return {
    requestsPerSecond: done.requests / (done.ms / 1000),
    cpuMicrosPerRequest: (ended.cpuMs * 1000) / ended.requests,
    utilisation: ended.cpuMs / ended.wallMs,
    hitRate: ended.hitRate,
    generatorCpuMicrosPerRequest: (done.cpuMs * 1000) / done.requests,
    otherLoad: othersCpuSeconds / (ended.wallMs / 1000),
  };
}

async function orchestrate(CONFIGS: readonly Config[], runs: number, seconds: number): Promise<void> {
  const lines = [`load average before: ${loadAverage()}`];
  const results = new Map<Config, RunResult[]>(CONFIGS.map((config) => [config, []]));
  const retakes: Retakes = { count: 0, busyKept: 0 };
  for (let round = 0; round < runs; round++) {
    // Rotated, so no configuration always runs right after the same one.
    for (let i = 0; i < CONFIGS.length; i++) {
      const config = CONFIGS[(i + round) % CONFIGS.length]!;
      results.get(config)?.push(await quietRun(() => run(config, seconds * 1000), retakes));
    }
  }
  const of = (config: Config, key: keyof RunResult) => (results.get(config) as RunResult[]).map((result) => result[key]);
  const off = CONFIGS[0]!;
  const offRate = median(of(off, 'requestsPerSecond'));
  const offCpu = median(of(off, 'cpuMicrosPerRequest'));
  for (const config of CONFIGS) {
    const rate = median(of(config, 'requestsPerSecond'));
    const cpu = median(of(config, 'cpuMicrosPerRequest'));
    const slowdown = (value: number, off: number) => (config.interval === null ? '' : change(value, off));
    const runsOf = (key: keyof RunResult, digits: number) =>
      of(config, key)
        .map((value) => value.toFixed(digits))
        .join(' ');
    lines.push(
      `${label(config).padEnd(14)} ${rate.toFixed(0)} req/s${slowdown(rate, offRate)}, server CPU ${cpu.toFixed(1)} µs/req${slowdown(cpu, offCpu)}, ` +
        `utilisation ${median(of(config, 'utilisation')).toFixed(2)}, generator CPU ${median(of(config, 'generatorCpuMicrosPerRequest')).toFixed(1)} µs/req, cache hits ${(median(of(config, 'hitRate')) * 100).toFixed(0)}%\n` +
        `  runs: req/s ${runsOf('requestsPerSecond', 0)}; server µs/req ${runsOf('cpuMicrosPerRequest', 1)}; other processes (cores) ${runsOf('otherLoad', 2)}`,
    );
  }
  lines.push(retakesLine(retakes), `load average after: ${loadAverage()}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

function main(): Promise<void> {
  if (!isMainThread) return tracerWorker(workerData as { samplingInterval: number; external: number });
  const external = process.argv.includes('--external');
  const defaults = process.argv.includes('--defaults');
  const [role, ...args] = process.argv.slice(2).filter((arg) => arg !== '--external' && arg !== '--defaults');
  if (role === 'server') return serverProcess(JSON.parse(args[0] ?? '') as Config, Number(args[1]));
  if (role === 'load') return loadProcess(Number(args[0]), Number(args[1]), Number(args[2]));
  return orchestrate(defaults ? DEFAULT_CONFIGS : external ? EXTERNAL_CONFIGS : V8_CONFIGS, Number(role ?? 7), Number(args[0] ?? 20));
}

// Its service and load generator serve tracing-service-paired.ts too, which imports this file.
if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
