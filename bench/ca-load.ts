/**
 * Channel Access load generator: measures a CA server, ours or any other (softIoc, caproto), at
 * an address. Without --address it starts bench/ca-server.js (our server) in a process of its
 * own on a free loopback port and stops it at the end.
 *
 *   npx tsc -p tsconfig.json --outDir /tmp/bench-out
 *   node /tmp/bench-out/bench/ca-load.js [--address 127.0.0.1:5064] [--runs 5] [--duration 3]
 *        [--only get-sequential,connect-10000] [--json] [--pv NAME] [--waveform NAME] [--prefix P]
 *
 * Each benchmark runs --runs times on fresh circuits; the median is reported. See bench/README.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import {
  writeEchoRequest,
  writeEventAddRequest,
  writeReadNotifyRequest,
  writeWriteRequest,
} from '../src/ca/protocol/client-requests';
import { Command, Dbe, Eca } from '../src/ca/protocol/constants';
import { DbrType } from '../src/ca/protocol/dbr';
import { BenchCircuit, type BenchChannel } from './ca-client';
import { channelNames, DEFAULT_PVS, type BenchPvNames } from './ca-pvs';
import { searchNames, type SearchTarget } from './ca-search';

interface LoadContext {
  target: SearchTarget;
  pvs: BenchPvNames;
  durationMs: number;
  inFlight: number;
}

interface Benchmark {
  name: string;
  unit: string;
  /** Whether a larger figure is better (rates) or a smaller one (times). */
  higherIsBetter: boolean;
  /** What EPICS's C server (softIoc/rsrv) and caproto do on the reference machine (the server issue). */
  reference?: { softIoc?: number; caproto?: number };
  run(context: LoadContext): Promise<number>;
}

/** Replies in the first part of each run are not counted: the JIT and the socket buffers settle. */
const WARMUP_MS = 500;
const MONITOR_CLIENTS = 4;
/** How long a run may take beyond its duration before the server is declared stuck. */
const STUCK_MS = 15000;

/** The counted part of a run: [start, end) in performance.now() time. */
class Window {
  readonly start: number;
  readonly end: number;
  constructor(durationMs: number) {
    this.start = performance.now() + WARMUP_MS;
    this.end = this.start + durationMs;
  }
  get seconds(): number {
    return (this.end - this.start) / 1000;
  }
}

function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** A circuit to the server of `name`, found by UDP search, with that one channel created. */
async function openChannel(context: LoadContext, name: string): Promise<{ circuit: BenchCircuit; channel: BenchChannel }> {
  let server: { host: string; port: number } | undefined;
  await searchNames(context.target, [name], (_, host, port) => (server = { host, port }), 5000);
  const circuit = await BenchCircuit.connect(server!.host, server!.port);
  const created = circuit.createChannel(name);
  circuit.flush();
  return { circuit, channel: await withDeadline(created, 5000, `CREATE_CHAN ${name}`) };
}

/**
 * Keeps `inFlight` requests outstanding on one circuit for a window and returns completions per
 * second within it. `send(ioid)` writes one request; its reply is the `replyCommand` message whose
 * parameter 1 is the ECA status.
 */
function requestRate(
  circuit: BenchCircuit,
  window: Window,
  inFlight: number,
  replyCommand: number,
  send: (ioid: number) => void,
): Promise<number> {
  const run = new Promise<number>((resolve, reject) => {
    let ioid = 0;
    let outstanding = 0;
    let completed = 0;
    circuit.onReply = (header) => {
      if (header.command !== replyCommand) return;
      if (header.parameter1 !== Eca.NORMAL) reject(new Error(`request ${header.parameter2} failed with ECA status ${header.parameter1}`));
      outstanding--;
      const now = performance.now();
      if (now < window.end) {
        if (now >= window.start) completed++;
        send(++ioid);
        outstanding++;
      } else if (outstanding === 0) {
        resolve(completed / window.seconds);
      }
    };
    for (; outstanding < inFlight; outstanding++) send(++ioid);
    circuit.flush();
  });
  return withDeadline(run, window.end - performance.now() + STUCK_MS, 'request loop');
}

function readRate(name: (pvs: BenchPvNames) => string, inFlight: (context: LoadContext) => number) {
  return async (context: LoadContext): Promise<number> => {
    const { circuit, channel } = await openChannel(context, name(context.pvs));
    try {
      // The plain DBR of the native type: DBR codes 0..6 are the DBF codes.
      return await requestRate(circuit, new Window(context.durationMs), inFlight(context), Command.READ_NOTIFY, (ioid) =>
        writeReadNotifyRequest(circuit.writer, channel.nativeType, channel.nativeCount, channel.serverId, ioid),
      );
    } finally {
      circuit.close();
    }
  };
}

/** WRITE_NOTIFY of DBR_DOUBLE values that change every time, so that each write posts a monitor. */
function putRequests(circuit: BenchCircuit, channel: BenchChannel): (ioid: number) => void {
  const dbr = Buffer.alloc(8);
  return (ioid) => {
    dbr.writeDoubleBE(ioid);
    writeWriteRequest(circuit.writer, DbrType.DOUBLE, 1, channel.serverId, ioid, dbr);
  };
}

function putRate(inFlight: (context: LoadContext) => number) {
  return async (context: LoadContext): Promise<number> => {
    const { circuit, channel } = await openChannel(context, context.pvs.scalar);
    try {
      return await requestRate(circuit, new Window(context.durationMs), inFlight(context), Command.WRITE_NOTIFY, putRequests(circuit, channel));
    } finally {
      circuit.close();
    }
  };
}

/**
 * Plain WRITEs (no callback, as ca_put sends them) as fast as the server takes them: bursts of
 * `burst` writes, each followed by an ECHO whose reply shows the server has handled the burst
 * (a circuit is served in order); two bursts are outstanding so that the server never waits.
 * Returns writes per second within the window.
 */
function writeBurstRate(circuit: BenchCircuit, channel: BenchChannel, window: Window, burst: number): Promise<number> {
  const run = new Promise<number>((resolve) => {
    const dbr = Buffer.alloc(8);
    let value = 0;
    let outstanding = 0;
    let completed = 0;
    const sendBurst = () => {
      for (let i = 0; i < burst; i++) {
        dbr.writeDoubleBE(++value);
        writeWriteRequest(circuit.writer, DbrType.DOUBLE, 1, channel.serverId, 0, dbr, false);
      }
      writeEchoRequest(circuit.writer);
      outstanding++;
    };
    circuit.onReply = (header) => {
      if (header.command !== Command.ECHO) return;
      outstanding--;
      const now = performance.now();
      if (now < window.end) {
        if (now >= window.start) completed += burst;
        sendBurst();
      } else if (outstanding === 0) {
        resolve(completed / window.seconds);
      }
    };
    sendBurst();
    sendBurst();
    circuit.flush();
  });
  return withDeadline(run, window.end - performance.now() + STUCK_MS, 'write loop');
}

/**
 * Monitor updates delivered per second, summed over MONITOR_CLIENTS circuits that each subscribe
 * to the scalar (DBR_TIME, DBE_VALUE | DBE_ALARM, as camonitor does), while one more circuit
 * writes new values to it as fast as it can.
 */
async function monitorFanOut(context: LoadContext): Promise<number> {
  const opened = await Promise.all(Array.from({ length: MONITOR_CLIENTS + 1 }, () => openChannel(context, context.pvs.scalar)));
  const writer = opened.pop()!;
  try {
    let window: Window | undefined;
    let delivered = 0;
    const subscribed = opened.map(({ circuit, channel }) => {
      const first = new Promise<void>((resolve) => {
        circuit.onReply = (header) => {
          if (header.command !== Command.EVENT_ADD) return;
          resolve();
          const now = performance.now();
          if (window && now >= window.start && now < window.end) delivered++;
        };
      });
      writeEventAddRequest(circuit.writer, DbrType.TIME_STRING + channel.nativeType, 1, channel.serverId, 1, Dbe.VALUE | Dbe.ALARM);
      circuit.flush();
      return first;
    });
    await withDeadline(Promise.all(subscribed), 5000, 'first monitor update');
    window = new Window(context.durationMs);
    const writes = await writeBurstRate(writer.circuit, writer.channel, window, context.inFlight);
    process.stderr.write(`  (writer: ${Math.round(writes)} writes/s)\n`);
    return delivered / window.seconds;
  } finally {
    for (const { circuit } of [...opened, writer]) circuit.close();
  }
}

/**
 * Seconds from the first search datagram to the last CREATE_CHAN reply for all the prefixed
 * names, as libca connects them: search over UDP, open the circuit at the first reply, and ask
 * for each channel as its search reply comes in.
 */
async function connectChannels(context: LoadContext): Promise<number> {
  const names = channelNames(context.pvs);
  const start = performance.now();
  let circuit: BenchCircuit | undefined;
  let connecting: Promise<BenchCircuit> | undefined;
  const waiting: number[] = [];
  const created: Promise<BenchChannel>[] = [];
  const create = (open: BenchCircuit, index: number) => created.push(open.createChannel(names[index]!));
  let flushScheduled = false;
  const scheduleFlush = () => {
    if (flushScheduled) return;
    flushScheduled = true;
    queueMicrotask(() => {
      flushScheduled = false;
      circuit?.flush();
    });
  };
  const searched = searchNames(context.target, names, (index, host, port) => {
    if (circuit) {
      create(circuit, index);
      scheduleFlush();
      return;
    }
    waiting.push(index);
    connecting ??= BenchCircuit.connect(host, port).then((open) => {
      circuit = open;
      for (const waitingIndex of waiting) create(open, waitingIndex);
      open.flush();
      return open;
    });
  });
  try {
    await searched;
    await withDeadline(connecting!, 5000, 'circuit');
    await withDeadline(Promise.all(created), 20000, 'CREATE_CHAN');
    return (performance.now() - start) / 1000;
  } finally {
    circuit?.close();
  }
}

const BENCHMARKS: Benchmark[] = [
  {
    name: 'get-sequential',
    unit: 'gets/s',
    higherIsBetter: true,
    reference: { softIoc: 5000, caproto: 3000 },
    run: readRate((pvs) => pvs.scalar, () => 1),
  },
  {
    name: 'get-pipelined',
    unit: 'gets/s',
    higherIsBetter: true,
    reference: { softIoc: 300000 },
    run: readRate((pvs) => pvs.scalar, (context) => context.inFlight),
  },
  { name: 'put-callback', unit: 'puts/s', higherIsBetter: true, run: putRate(() => 1) },
  { name: 'put-callback-pipelined', unit: 'puts/s', higherIsBetter: true, run: putRate((context) => context.inFlight) },
  { name: 'monitor-fanout', unit: 'updates/s', higherIsBetter: true, run: monitorFanOut },
  { name: 'connect-10000', unit: 's', higherIsBetter: false, reference: { softIoc: 0.05, caproto: 8.7 }, run: connectChannels },
  { name: 'waveform-get', unit: 'gets/s', higherIsBetter: true, run: readRate((pvs) => pvs.waveform, () => 1) },
  {
    name: 'waveform-get-pipelined',
    unit: 'gets/s',
    higherIsBetter: true,
    run: readRate((pvs) => pvs.waveform, (context) => context.inFlight),
  },
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Times in ms or s, rates as whole numbers of their unit. */
function formatFigure(value: number | undefined, unit: string): string {
  if (value === undefined) return '';
  if (unit === 's') return value < 1 ? `${(value * 1000).toFixed(1)} ms` : `${value.toFixed(2)} s`;
  return Math.round(value).toLocaleString('en-US');
}

const withUnit = (value: number, unit: string) => (unit === 's' ? formatFigure(value, unit) : `${formatFigure(value, unit)} ${unit}`);

/** How many times better than the reference ours is: above 1 ahead, below 1 short. */
function versus(ours: number, reference: number | undefined, higherIsBetter: boolean): string {
  if (reference === undefined) return '';
  return `${(higherIsBetter ? ours / reference : reference / ours).toFixed(2)}x`;
}

/** Starts bench/ca-server.js on a free port; resolves with its UDP port once it is ready. */
function startOurServer(nodeOptions: string[]): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [...nodeOptions, path.join(__dirname, 'ca-server.js'), '--seconds', '3600'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /^ready (\d+)$/m.exec(output);
      if (ready) resolve({ child, port: Number(ready[1]) });
    });
    child.once('exit', (code) => reject(new Error(`ca-server exited (${code}) before it was ready`)));
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      address: { type: 'string' },
      pv: { type: 'string', default: DEFAULT_PVS.scalar },
      waveform: { type: 'string', default: DEFAULT_PVS.waveform },
      prefix: { type: 'string', default: DEFAULT_PVS.prefix },
      channels: { type: 'string', default: String(DEFAULT_PVS.channelCount) },
      duration: { type: 'string', default: '3' },
      runs: { type: 'string', default: '5' },
      'in-flight': { type: 'string', default: '64' },
      only: { type: 'string' },
      json: { type: 'boolean', default: false },
      'server-node-option': { type: 'string', multiple: true, default: [] },
    },
  });
  const only = values.only?.split(',');
  const selected = only ? BENCHMARKS.filter((benchmark) => only.includes(benchmark.name)) : BENCHMARKS;
  if (only && selected.length !== only.length) throw new Error(`--only takes some of: ${BENCHMARKS.map((b) => b.name).join(', ')}`);

  let ours: ChildProcess | undefined;
  let target: SearchTarget;
  if (values.address === undefined) {
    const started = await startOurServer(values['server-node-option']);
    ours = started.child;
    target = { host: '127.0.0.1', port: started.port };
  } else {
    const [host, port] = values.address.split(':');
    target = { host: host!, port: Number(port ?? 5064) };
  }
  const context: LoadContext = {
    target,
    pvs: { scalar: values.pv, waveform: values.waveform, prefix: values.prefix, channelCount: Number(values.channels) },
    durationMs: Number(values.duration) * 1000,
    inFlight: Number(values['in-flight']),
  };
  const runs = Number(values.runs);
  const results = [];
  try {
    for (const benchmark of selected) {
      const figures: number[] = [];
      for (let run = 0; run < runs; run++) {
        figures.push(await benchmark.run(context));
        process.stderr.write(`${benchmark.name} run ${run + 1}: ${withUnit(figures[run]!, benchmark.unit)}\n`);
      }
      results.push({
        benchmark: benchmark.name,
        unit: benchmark.unit,
        higherIsBetter: benchmark.higherIsBetter,
        median: median(figures),
        runs: figures,
        reference: benchmark.reference ?? {},
      });
    }
  } finally {
    ours?.kill('SIGTERM');
  }
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ server: values.address ?? 'memtrace-ioc (bench/ca-server.js)', results }, null, 2)}\n`);
    return;
  }
  const rows = results.map((result) => {
    return [
      result.benchmark,
      withUnit(result.median, result.unit),
      result.runs.map((figure) => formatFigure(figure, result.unit)).join(', '),
      formatFigure(result.reference.softIoc, result.unit),
      versus(result.median, result.reference.softIoc, result.higherIsBetter),
      formatFigure(result.reference.caproto, result.unit),
    ];
  });
  const header = ['benchmark', 'median', 'runs', 'softIoc (issue)', 'vs softIoc', 'caproto (issue)'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  for (const row of [header, ...rows]) process.stdout.write(`${row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
