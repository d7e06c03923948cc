/**
 * Channel Access load generator: measures a CA server, ours or any other (softIoc, caproto), at
 * an address. Without --address it starts bench/ca-server.js (our server) in a process of its
 * own on a free loopback port and stops it at the end.
 *
 *   npx tsc -p tsconfig.json --outDir /tmp/bench-out
 *   NODE_PATH=$PWD/node_modules node /tmp/bench-out/bench/ca-load.js [--address 127.0.0.1:5064]
 *        [--server-pid PID] [--runs 5] [--duration 3] [--only get-sequential,connect-10000] [--json]
 *        [--pv NAME] [--waveform NAME] [--prefix P] [--channels 10000] [--in-flight 64] [--warm-up-runs N]
 *
 * Each benchmark runs --runs times on fresh circuits; the median is reported, with the server's
 * CPU time per operation when its pid is known. See bench/README.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { writeEventAddRequest, writeReadNotifyRequest } from '../src/ca/protocol/client-requests';
import { Command, Dbe } from '../src/ca/protocol/constants';
import { DbrType } from '../src/ca/protocol/dbr';
import { BenchCircuit, type BenchChannel } from './ca-client';
import { processCpuSeconds } from './figures';
import { ownCpuSeconds, perOperation, putRequests, requestRate, Window, withDeadline, writeBurstRate, type Sample } from './ca-measure';
import { channelNames, DEFAULT_PVS, type BenchPvNames } from './ca-pvs';
import { searchNames, type SearchTarget } from './ca-search';

interface LoadContext {
  target: SearchTarget;
  pvs: BenchPvNames;
  durationMs: number;
  inFlight: number;
  /** The server's process, when known: its CPU time per operation is reported too. */
  serverPid: number | undefined;
}

interface Benchmark {
  name: string;
  unit: string;
  /** Whether a larger figure is better (rates) or a smaller one (times). */
  higherIsBetter: boolean;
  /** What EPICS's C server (softIoc/rsrv) and caproto do on the reference machine (the server issue). */
  reference?: { softIoc?: number; caproto?: number };
  /**
   * Uncounted runs that go first. A rate run warms up within itself; a one-shot figure would
   * otherwise include the JIT compiling both sides' code.
   */
  warmUpRuns?: number;
  run(context: LoadContext): Promise<Sample>;
}

const MONITOR_CLIENTS = 4;

/** A circuit to the server of `name`, found by UDP search, with that one channel created. */
async function openChannel(context: LoadContext, name: string): Promise<{ circuit: BenchCircuit; channel: BenchChannel }> {
  let server: { host: string; port: number } | undefined;
  await searchNames(context.target, [name], (_, host, port) => (server = { host, port }), 5000);
  const circuit = await BenchCircuit.connect(server!.host, server!.port);
  const created = circuit.createChannel(name);
  circuit.flush();
  return { circuit, channel: await withDeadline(created, 5000, `CREATE_CHAN ${name}`) };
}

function readRate(name: (pvs: BenchPvNames) => string, inFlight: (context: LoadContext) => number) {
  return async (context: LoadContext): Promise<Sample> => {
    const { circuit, channel } = await openChannel(context, name(context.pvs));
    try {
      const window = new Window(context.durationMs, context.serverPid);
      // The plain DBR of the native type: DBR codes 0..6 are the DBF codes.
      return await requestRate(circuit, window, inFlight(context), Command.READ_NOTIFY, (ioid) =>
        writeReadNotifyRequest(circuit.writer, channel.nativeType, channel.nativeCount, channel.serverId, ioid),
      );
    } finally {
      circuit.close();
    }
  };
}

function putRate(inFlight: (context: LoadContext) => number) {
  return async (context: LoadContext): Promise<Sample> => {
    const { circuit, channel } = await openChannel(context, context.pvs.scalar);
    try {
      const window = new Window(context.durationMs, context.serverPid);
      return await requestRate(circuit, window, inFlight(context), Command.WRITE_NOTIFY, putRequests(circuit, channel));
    } finally {
      circuit.close();
    }
  };
}

/**
 * Monitor updates delivered per second, summed over MONITOR_CLIENTS circuits that each subscribe
 * to the scalar (DBR_TIME, DBE_VALUE | DBE_ALARM, as camonitor does), while one more circuit
 * writes new values to it as fast as it can.
 */
async function monitorFanOut(context: LoadContext): Promise<Sample> {
  const opened = await Promise.all(Array.from({ length: MONITOR_CLIENTS + 1 }, () => openChannel(context, context.pvs.scalar)));
  const writer = opened.pop()!;
  try {
    let window: Window | undefined = undefined;
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
    window = new Window(context.durationMs, context.serverPid);
    const writes = await writeBurstRate(writer.circuit, writer.channel, window, context.inFlight);
    process.stderr.write(`  (writer: ${Math.round(writes.value)} writes/s)\n`);
    return window.sample(delivered);
  } finally {
    for (const { circuit } of [...opened, writer]) circuit.close();
  }
}

/**
 * Seconds from the first search datagram to the last CREATE_CHAN reply for all the prefixed
 * names, as libca connects them: search over UDP, open the circuit at the first reply, and ask
 * for each channel as its search reply comes in. The server's CPU time is per channel.
 */
async function connectChannels(context: LoadContext): Promise<Sample> {
  const names = channelNames(context.pvs);
  const serverCpu = context.serverPid === undefined ? [] : [processCpuSeconds(context.serverPid)];
  const clientCpu = [ownCpuSeconds()];
  const start = performance.now();
  let circuit: BenchCircuit | undefined;
  let connecting: Promise<BenchCircuit> | undefined;
  let createdAll!: () => void;
  let failed!: (error: Error) => void;
  const created = new Promise<void>((resolve, reject) => ((createdAll = resolve), (failed = reject)));
  let remaining = names.length;
  const answered = (answer: BenchChannel | Error) => {
    if (answer instanceof Error) failed(answer);
    else if (--remaining === 0) createdAll();
  };
  const waiting: number[] = [];
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
      circuit.requestChannel(names[index]!, answered);
      scheduleFlush();
      return;
    }
    waiting.push(index);
    connecting ??= BenchCircuit.connect(host, port).then((open) => {
      circuit = open;
      for (const waitingIndex of waiting) open.requestChannel(names[waitingIndex]!, answered);
      open.flush();
      return open;
    });
  });
  try {
    const searchedAgain = await searched;
    if (searchedAgain > 0) process.stderr.write(`  (${searchedAgain} names searched for again)\n`);
    await withDeadline(connecting!, 5000, 'circuit');
    await withDeadline(created, 20000, 'CREATE_CHAN');
    const value = (performance.now() - start) / 1000;
    clientCpu.push(ownCpuSeconds());
    if (context.serverPid !== undefined) serverCpu.push(processCpuSeconds(context.serverPid));
    return {
      value,
      serverCpuPerOperation: perOperation(serverCpu, names.length),
      clientCpuPerOperation: perOperation(clientCpu, names.length),
    };
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
    run: readRate(
      (pvs) => pvs.scalar,
      () => 1,
    ),
  },
  {
    name: 'get-pipelined',
    unit: 'gets/s',
    higherIsBetter: true,
    reference: { softIoc: 300000 },
    run: readRate(
      (pvs) => pvs.scalar,
      (context) => context.inFlight,
    ),
  },
  { name: 'put-callback', unit: 'puts/s', higherIsBetter: true, run: putRate(() => 1) },
  { name: 'put-callback-pipelined', unit: 'puts/s', higherIsBetter: true, run: putRate((context) => context.inFlight) },
  { name: 'monitor-fanout', unit: 'updates/s', higherIsBetter: true, run: monitorFanOut },
  {
    name: 'connect-10000',
    unit: 's',
    higherIsBetter: false,
    reference: { softIoc: 0.05, caproto: 8.7 },
    warmUpRuns: 3,
    run: connectChannels,
  },
  {
    name: 'waveform-get',
    unit: 'gets/s',
    higherIsBetter: true,
    run: readRate(
      (pvs) => pvs.waveform,
      () => 1,
    ),
  },
  {
    name: 'waveform-get-pipelined',
    unit: 'gets/s',
    higherIsBetter: true,
    run: readRate(
      (pvs) => pvs.waveform,
      (context) => context.inFlight,
    ),
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
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /^ready (\d+)$/m.exec(output);
      if (ready) resolve({ child, port: Number(ready[1]) });
    });
    child.once('exit', (code) => reject(new Error(`ca-server exited (${code}) before it was ready`)));
  });
}

interface Result {
  benchmark: string;
  unit: string;
  higherIsBetter: boolean;
  median: number;
  runs: number[];
  /** Median server CPU per operation, µs, when the server's pid is known. */
  serverCpuPerOperation?: number;
  /** Median load generator CPU per operation, µs. */
  clientCpuPerOperation?: number;
  reference: { softIoc?: number; caproto?: number };
}

const cpuNote = (sample: Sample) =>
  [
    sample.serverCpuPerOperation === undefined ? '' : `server CPU ${sample.serverCpuPerOperation.toFixed(2)} µs/op`,
    sample.clientCpuPerOperation === undefined ? '' : `load generator CPU ${sample.clientCpuPerOperation.toFixed(2)} µs/op`,
  ]
    .filter(Boolean)
    .join(', ');

/** The median of the figures present. */
function medianOf(values: (number | undefined)[]): number | undefined {
  const present = values.filter((value): value is number => value !== undefined);
  return present.length === 0 ? undefined : median(present);
}

async function measure(benchmark: Benchmark, context: LoadContext, runs: number, warmUpRuns: number | undefined): Promise<Result> {
  for (let run = 0; run < (warmUpRuns ?? benchmark.warmUpRuns ?? 0); run++) await benchmark.run(context);
  const samples: Sample[] = [];
  for (let run = 0; run < runs; run++) {
    const sample = await benchmark.run(context);
    samples.push(sample);
    process.stderr.write(`${benchmark.name} run ${run + 1}: ${withUnit(sample.value, benchmark.unit)} (${cpuNote(sample)})\n`);
  }
  return {
    benchmark: benchmark.name,
    unit: benchmark.unit,
    higherIsBetter: benchmark.higherIsBetter,
    median: median(samples.map((sample) => sample.value)),
    runs: samples.map((sample) => sample.value),
    serverCpuPerOperation: medianOf(samples.map((sample) => sample.serverCpuPerOperation)),
    clientCpuPerOperation: medianOf(samples.map((sample) => sample.clientCpuPerOperation)),
    reference: benchmark.reference ?? {},
  };
}

function printTable(results: Result[]): void {
  const rows = results.map((result) => [
    result.benchmark,
    withUnit(result.median, result.unit),
    result.runs.map((figure) => formatFigure(figure, result.unit)).join(', '),
    result.serverCpuPerOperation?.toFixed(2) ?? '',
    result.clientCpuPerOperation?.toFixed(2) ?? '',
    formatFigure(result.reference.softIoc, result.unit),
    versus(result.median, result.reference.softIoc, result.higherIsBetter),
    formatFigure(result.reference.caproto, result.unit),
  ]);
  const header = ['benchmark', 'median', 'runs', 'server CPU µs/op', 'client CPU µs/op', 'softIoc (issue)', 'vs softIoc', 'caproto (issue)'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  for (const row of [header, ...rows])
    process.stdout.write(
      `${row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd()}\n`,
    );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      address: { type: 'string' },
      'server-pid': { type: 'string' },
      pv: { type: 'string', default: DEFAULT_PVS.scalar },
      waveform: { type: 'string', default: DEFAULT_PVS.waveform },
      prefix: { type: 'string', default: DEFAULT_PVS.prefix },
      channels: { type: 'string', default: String(DEFAULT_PVS.channelCount) },
      duration: { type: 'string', default: '3' },
      runs: { type: 'string', default: '5' },
      'warm-up-runs': { type: 'string' },
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
  let serverPid = values['server-pid'] === undefined ? undefined : Number(values['server-pid']);
  if (values.address === undefined) {
    const started = await startOurServer(values['server-node-option']);
    ours = started.child;
    serverPid = ours.pid;
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
    serverPid,
  };
  const results: Result[] = [];
  try {
    const warmUpRuns = values['warm-up-runs'] === undefined ? undefined : Number(values['warm-up-runs']);
    for (const benchmark of selected) results.push(await measure(benchmark, context, Number(values.runs), warmUpRuns));
  } finally {
    ours?.kill('SIGTERM');
  }
  if (values.json) {
    const server = values.address ?? 'memtrace-ioc (bench/ca-server.js)';
    process.stdout.write(`${JSON.stringify({ server, results }, null, 2)}\n`);
  } else {
    printTable(results);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
