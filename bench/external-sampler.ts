/**
 * The external memory sampler in isolation, in one process:
 *
 * - allocations: ns per `Buffer.from(1 KiB string)`, `new Uint8Array(1024)` and `Buffer.alloc(16 KiB)`
 *   with nothing installed, with the wrappers installed but sampling next to nothing (1 GiB),
 *   and sampling at 64 KiB and 512 KiB;
 * - liveness: a churn of 16 KiB Buffers whose samples are tracked by WeakRef (swept when asked, as
 *   sample-store.ts does) or by a FinalizationRegistry (a callback per dead sample): ns per
 *   allocation, peak `arrayBuffers`, GCs;
 * - the channel: what a report costs the observed thread at 1000–20 000 live samples, and the round
 *   trip from a worker through the inspector (`Runtime.evaluate`, what the engine uses) against a
 *   MessagePort, with the main thread idle and with it busy in a loop.
 *
 *   npx tsc -p tsconfig.json --outDir /tmp/bench-out
 *   node --expose-gc /tmp/bench-out/bench/external-sampler.js [rounds]
 */
import { Session } from 'node:inspector';
import { PerformanceObserver } from 'node:perf_hooks';
import { isMainThread, MessageChannel, parentPort, Worker, workerData, type MessagePort } from 'node:worker_threads';
import { ExternalSampler, registerExternalSampler } from '../src/tracing/external/external-sampler';
import { medianRange } from './figures';

const ROUNDS = Number(process.argv[2] ?? 5);
const text = 'x'.repeat(1024);

function nsPer(work: () => void, operations: number): number {
  const started = process.hrtime.bigint();
  work();
  return Number(process.hrtime.bigint() - started) / operations;
}

const ALLOCATIONS: Record<string, () => unknown> = {
  'Buffer.from(1 KiB string)': () => Buffer.from(text),
  'new Uint8Array(1024)': () => new Uint8Array(1024),
  'Buffer.alloc(16 KiB)': () => Buffer.alloc(16384),
};

/**
 * Each round measures every setting once, in turn, so that a drift of the machine's speed hits them
 * alike: install, warm up, time 100 000 allocations, uninstall.
 */
function allocationCosts(): string[] {
  const lines = [`ns per allocation: median (range) of ${ROUNDS} rounds of 100 000, the settings interleaved`];
  const settings: [string, number | null][] = [
    ['not installed', null],
    ['installed, idle', 2 ** 30],
    ['64 KiB', 65536],
    ['512 KiB', 524288],
  ];
  for (const [name, allocate] of Object.entries(ALLOCATIONS)) {
    const figures = settings.map((): number[] => []);
    const kept: unknown[] = [];
    const loop = (count: number) => () => {
      for (let i = 0; i < count; i++) kept[i & 1023] = allocate();
    };
    for (let round = 0; round < ROUNDS; round++) {
      settings.forEach(([, interval], index) => {
        const sampler = new ExternalSampler();
        if (interval !== null) sampler.start({ samplingInterval: interval, keepCollected: false });
        loop(20_000)();
        figures[index]!.push(nsPer(loop(100_000), 100_000));
        sampler.stop();
      });
    }
    lines.push(`  ${name.padEnd(28)} ${settings.map(([label], index) => `${label} ${medianRange(figures[index]!)}`).join(', ')}`);
  }
  return lines;
}

type Tracker = (buffer: ArrayBuffer) => void;

/** The two ways to learn that a sampled buffer died. */
function trackers(): Record<string, () => Tracker> {
  return {
    none: () => () => undefined,
    WeakRef: () => {
      let refs: WeakRef<ArrayBuffer>[] = [];
      let sweepAt = 4096;
      return (buffer) => {
        refs.push(new WeakRef(buffer));
        if (refs.length < sweepAt) return;
        refs = refs.filter((ref) => ref.deref() !== undefined);
        sweepAt = Math.max(4096, 2 * refs.length);
      };
    },
    FinalizationRegistry: () => {
      const live = new Map<number, number>();
      const registry = new FinalizationRegistry<number>((key) => live.delete(key));
      let next = 0;
      return (buffer) => {
        live.set(next, buffer.byteLength);
        registry.register(buffer, next++);
      };
    },
  };
}

interface LivenessTrial {
  ns: number;
  peak: number;
  majors: number;
  minors: number;
}

/** 400 000 Buffers of 16 KiB churned, one in four tracked, a turn of the event loop every 2000. */
async function livenessTrial(track: Tracker): Promise<LivenessTrial> {
  const trial = { ns: 0, peak: 0, majors: 0, minors: 0 };
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as unknown as { detail: { kind: number } }).detail.kind;
      if (kind === 4) trial.majors++;
      else trial.minors++;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  const started = process.hrtime.bigint();
  for (let round = 0; round < 200; round++) {
    for (let i = 0; i < 2000; i++) {
      const buffer = Buffer.allocUnsafe(16384);
      if ((i & 3) === 0) track(buffer.buffer);
    }
    trial.peak = Math.max(trial.peak, process.memoryUsage().arrayBuffers);
    await new Promise((resolve) => setImmediate(resolve));
  }
  trial.ns = Number(process.hrtime.bigint() - started) / 400_000;
  observer.disconnect();
  (globalThis as { gc?: () => void }).gc?.();
  return trial;
}

async function livenessCosts(): Promise<string[]> {
  const lines = [`liveness: 400 000 Buffers of 16 KiB churned, 1 in 4 tracked; median (range) of ${ROUNDS} trials, the trackers interleaved`];
  const kinds = Object.entries(trackers());
  const trials = kinds.map((): LivenessTrial[] => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [index, [, make]] of kinds.entries()) trials[index]!.push(await livenessTrial(make()));
  }
  for (const [index, [name]] of kinds.entries()) {
    const of = (key: keyof LivenessTrial) => trials[index]!.map((trial) => trial[key]);
    lines.push(
      `  ${name.padEnd(22)} ${medianRange(of('ns'))} ns/allocation, peak arrayBuffers ${medianRange(of('peak').map((bytes) => bytes / 1e6))} MB, ` +
        `major GCs ${medianRange(of('majors'))}, minor ${medianRange(of('minors'))}`,
    );
  }
  return lines;
}

function reportCosts(): string[] {
  const lines = [`a report on the observed thread (JSON of the live samples per site): median (range) of ${ROUNDS}`];
  for (const samples of [1000, 5000, 20000]) {
    const sampler = new ExternalSampler(() => 0);
    sampler.start({ samplingInterval: 1, keepCollected: false });
    const kept: Buffer[] = [];
    // 50 sites, as many stacks as a service has allocation paths. Each needs source text of its own:
    // a site is located at its function's start, so closures of one function would be one site.
    const sites = Array.from({ length: 50 }, (_, site) => {
      // eslint-disable-next-line @typescript-eslint/no-implied-eval -- 50 functions at 50 source positions, made from constant text
      const make = new Function('b', `return function site${site}() { return b.alloc(100); }`) as (b: typeof Buffer) => () => Buffer;
      return make(Buffer);
    });
    for (let i = 0; i < samples; i++) kept.push(sites[i % sites.length]!());
    const figures = Array.from({ length: ROUNDS }, () => nsPer(() => sampler.report(), 1) / 1e6);
    sampler.stop();
    lines.push(`  ${String(samples).padStart(5)} samples: ${medianRange(figures, 2)} ms`);
  }
  return lines;
}

/** The two ways a worker asks the main thread for a report. */
type Channel = 'inspector' | 'MessagePort';

/** From a worker: the inspector's Runtime.evaluate and a MessagePort, each asking the main thread for a report. */
async function channelWorker(port: MessagePort): Promise<void> {
  const session = new Session();
  session.connectToMainThread();
  // Answers from the main thread hold nothing open: without this the worker would exit waiting.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  const evaluate = () =>
    new Promise<void>((resolve, reject) =>
      session.post('Runtime.evaluate', { expression: `Buffer[Symbol.for('memtrace-ioc.externalSampler')].report(-1)`, returnByValue: true }, (error) =>
        error ? reject(error) : resolve(),
      ),
    );
  const viaPort = () =>
    new Promise<void>((resolve) => {
      port.once('message', () => resolve());
      port.postMessage('report');
    });
  const results: Record<Channel, number[]> = { inspector: [], MessagePort: [] };
  for (let round = 0; round < ROUNDS * 4; round++) {
    for (const [name, call] of [
      ['inspector', evaluate],
      ['MessagePort', viaPort],
    ] as const) {
      const started = process.hrtime.bigint();
      await call();
      results[name].push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  }
  clearInterval(keepAlive);
  parentPort?.postMessage(results);
}

async function channelCosts(): Promise<string[]> {
  const sampler = registerExternalSampler();
  sampler.start({ samplingInterval: 16384, keepCollected: false });
  const kept = Array.from({ length: 5000 }, () => Buffer.alloc(16384));
  const samples = sampler.report()?.sites.reduce((sum, site) => sum + site.samples, 0);
  const lines = [`the channel from a worker, ${samples} live samples of ${kept.length} Buffers (round trip, ms: median (range) of ${ROUNDS * 4})`];
  for (const busy of [false, true]) {
    const { port1, port2 } = new MessageChannel();
    port1.on('message', () => port1.postMessage(JSON.stringify(sampler.report(-1))));
    const worker = new Worker(__filename, { workerData: { channel: port2 }, transferList: [port2] });
    const answer = new Promise<Record<Channel, number[]>>((resolve) => worker.once('message', resolve));
    if (busy) {
      // The main thread in 20 ms slices of work with a turn of the event loop between.
      const worked = { done: false };
      void answer.then(() => (worked.done = true));
      while (!worked.done) {
        const until = Date.now() + 20;
        while (Date.now() < until);
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    const result = await answer;
    await worker.terminate();
    port1.close();
    lines.push(
      `  main thread ${busy ? 'busy in 20 ms slices' : 'idle'}: inspector ${medianRange(result.inspector, 2)}, MessagePort ${medianRange(result.MessagePort, 2)}`,
    );
  }
  sampler.stop();
  return lines;
}

async function main(): Promise<void> {
  if (!isMainThread) return channelWorker((workerData as { channel: MessagePort }).channel);
  const lines = [...allocationCosts(), ...(await livenessCosts()), ...reportCosts(), ...(await channelCosts())];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
