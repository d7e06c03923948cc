/**
 * The IOC database beside softIoc, on the same .db files and the same load (issue: records
 * processed as EPICS does). Each server is started fresh by this script, on loopback, with only
 * the benchmark's database (our groups and pvAccess off, as a plain softIoc has neither):
 *
 *   npm run build && node /tmp/bench-out/bench/db-processing.js         # ours (dist/ioc/cli.js, or --cli)
 *   node /tmp/bench-out/bench/db-processing.js --softioc /path/to/softIoc
 *   node /tmp/bench-out/bench/db-processing.js --only memory --runs 3 --json
 *
 * - `memory`: RSS of the idle server with 1 and with `--memory-records` (10 000) `ao` records; the
 *   difference per record. Node's part holds a fixed cost beside the records: V8 grows its young
 *   generation (up to 2 × 16 MiB of semi-spaces) while a large load's objects survive, and keeps it
 *   while idle, so 100 000 records tell the cost per record better than 10 000.
 * - `process`: 10 000 records, 2 000 of them calc records in 100 CP-linked chains of 20 behind 100
 *   `ao` sources. A writer puts to the sources at `--rate` (10 kHz) over one circuit for
 *   `--seconds`; each calc counts its own passes (`CALC "B+1"`, INPB its own VAL), so the sum of
 *   the calc values read back is the number of calc passes whatever the server coalesced. Reported:
 *   the writes the server took, records processed per second (sources + calc passes), and the
 *   server's CPU time per processed record.
 * - `connect`: libca (through pyepics' binding, as caget uses it) on a freshly started server with
 *   `--connect-channels` (10 000) `ao` records: the time from the first ca_create_channel until
 *   every channel is connected, then until a first get of each is answered, and the server's CPU
 *   time (every thread, to the ns) for both and for the connect alone; and the client's CPU over
 *   the connect, by libca thread (CAC-UDP reads the search replies, CAC-TCP-send sends
 *   CREATE_CHAN): how a server answers changes how much libca works.
 * - `warm`: the same libca client run `--warm-clients` (8) times in a row against one server, each a
 *   new process, after a first client that is left out: each client's figures as `connect` gives
 *   them, with the server's minor page faults (a later connect of softIoc's reuses its free lists).
 *
 * `connect` and `warm` need a CA repeater, as a site's libca has (libca starts `caRepeater` from
 * PATH): `--ca-repeater /path/to/caRepeater` (by default the one beside `--softioc`). One is started
 * for each server, on that server's beacon port. Without one, every libca client here spent ~30 ms
 * more on a connect of 10 000 (measured 5 December 2026: softIoc 0.073–0.078 s without, 0.038–0.046
 * s with), which hid the servers' difference.
 *
 * `--node-option` (repeatable) goes to our server's node, e.g. `--node-option=--cpu-prof`.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { writeEchoRequest, writeReadNotifyRequest, writeWriteRequest } from '../src/ca/protocol/client-requests';
import { Command } from '../src/ca/protocol/constants';
import { DbrType } from '../src/ca/protocol/dbr';
import { freePort, loopbackEnv } from '../test/helpers/ports';
import { BenchCircuit, type BenchChannel } from './ca-client';
import { withDeadline } from './ca-measure';
import { searchNames } from './ca-search';
import { machine, median, minorFaults, processCpuSeconds, readStat } from './figures';
import { PYTHON } from '../test/helpers/pyepics';

const CHAINS = 100;
const CHAIN_LENGTH = 20;
const TOTAL_RECORDS = 10_000;
const IDLE_MS = 3000;

const sourceName = (chain: number) => `BENCH:SRC:${chain}`;
const calcName = (chain: number, link: number) => `BENCH:CALC:${chain}:${link}`;

/** 100 ao sources, each heading a chain of 20 CP-linked calc records; ai records fill up to 10 000. */
export function chainsDatabase(): string {
  const lines: string[] = [];
  for (let chain = 0; chain < CHAINS; chain++) {
    lines.push(`record(ao, "${sourceName(chain)}") {}`);
    for (let link = 0; link < CHAIN_LENGTH; link++) {
      const input = link === 0 ? sourceName(chain) : calcName(chain, link - 1);
      const self = calcName(chain, link);
      lines.push(`record(calc, "${self}") {\n  field(INPA, "${input} CP")\n  field(INPB, "${self}.VAL NPP")\n  field(CALC, "B+1")\n}`);
    }
  }
  for (let filler = CHAINS * (CHAIN_LENGTH + 1); filler < TOTAL_RECORDS; filler++) lines.push(`record(ai, "BENCH:FILL:${filler}") {}`);
  return lines.join('\n') + '\n';
}

export function aoDatabase(count: number): string {
  return Array.from({ length: count }, (_, index) => `record(ao, "BENCH:AO:${index}") {}`).join('\n') + '\n';
}

export interface Server {
  readonly child: ChildProcess;
  readonly port: number;
  /** The EPICS environment of a client of this server. */
  readonly env: Record<string, string>;
}

export interface ServerKind {
  readonly label: string;
  command(dbFile: string, workDir: string): [string, string[]];
}

/** The caRepeater binary that libca clients of this run get, if any. */
let caRepeater: string | undefined;

/** Each server started from now on gets a CA repeater started from `binary` on its beacon port. */
export function useCaRepeater(binary: string | undefined): void {
  caRepeater = binary;
}

/** Our IOC as shipped: the built CLI (`npm run build` first), with only the benchmark's database. */
export function ours(cli: string, nodeOptions: readonly string[]): ServerKind {
  return {
    label: `memtrace-ioc (${cli})`,
    command(dbFile, workDir) {
      const config = path.join(workDir, 'bench.config.json');
      writeFileSync(
        config,
        JSON.stringify({
          groups: { memoryTracing: { enabled: false }, iocStats: { enabled: false } },
          protocols: { ca: true, pva: false },
          logging: { level: 'warn' },
          thread: 'main',
        }),
      );
      return [process.execPath, [...nodeOptions, cli, '--config', config, '-d', dbFile]];
    },
  };
}

export function softIoc(binary: string): ServerKind {
  return { label: `softIoc (${binary})`, command: (dbFile) => [binary, ['-S', '-d', dbFile]] };
}

export async function startServer(kind: ServerKind, database: string, probeName: string): Promise<Server & { dispose(): void }> {
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'db-bench-'));
  const dbFile = path.join(workDir, 'bench.db');
  writeFileSync(dbFile, database);
  const port = await freePort();
  const beaconPort = await freePort();
  const [command, args] = kind.command(dbFile, workDir);
  const env = loopbackEnv(port, beaconPort);
  const repeater = caRepeater ? spawn(caRepeater, [], { env: { ...process.env, ...env }, stdio: 'ignore' }) : undefined;
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'ignore', 'inherit'] });
  const dispose = () => {
    // SIGINT lets a node server write its --cpu-prof profile; SIGKILL whatever is left.
    child.kill('SIGINT');
    setTimeout(() => child.kill('SIGKILL'), 2000).unref();
    repeater?.kill('SIGKILL');
    rmSync(workDir, { recursive: true, force: true });
  };
  try {
    if (repeater) await udpPortBound(beaconPort);
    await waitForSearchReply(port, probeName, child);
  } catch (error) {
    dispose();
    throw error;
  }
  return { child, port, env, dispose };
}

/** Until a socket is bound to the UDP port (the repeater is up), from /proc/net/udp; 5 s at most. */
async function udpPortBound(port: number): Promise<void> {
  const local = `:${port.toString(16).toUpperCase().padStart(4, '0')} `;
  for (let tries = 0; tries < 250; tries++) {
    if (readFileSync('/proc/net/udp', 'utf8').includes(local)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no caRepeater bound to UDP port ${port} within 5 s`);
}

async function waitForSearchReply(port: number, name: string, child: ChildProcess): Promise<void> {
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`the server exited (${code}) before it answered`))));
  await Promise.race([searchNames({ host: '127.0.0.1', port }, [name], () => undefined, 60_000), exited]);
}

function rssBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for ${pid}`);
  return Number(match[1]) * 1024;
}

const idle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function idleRss(kind: ServerKind, count: number): Promise<number> {
  const server = await startServer(kind, aoDatabase(count), 'BENCH:AO:0');
  try {
    // Start-up garbage is collected on the idle server's own schedule; read once it has settled.
    await idle(IDLE_MS);
    return rssBytes(server.child.pid!);
  } finally {
    server.dispose();
  }
}

interface MemoryFigures {
  rssOne: number;
  rssMany: number;
  perRecord: number;
}

async function memory(kind: ServerKind, records: number): Promise<MemoryFigures> {
  const rssOne = await idleRss(kind, 1);
  const rssMany = await idleRss(kind, records);
  return { rssOne, rssMany, perRecord: (rssMany - rssOne) / (records - 1) };
}

/** Resolves when the server has handled everything sent before: a circuit is served in order. */
function echo(circuit: BenchCircuit): Promise<void> {
  return withDeadline(
    new Promise<void>((resolve) => {
      circuit.onReply = (header) => {
        if (header.command === Command.ECHO) resolve();
      };
      writeEchoRequest(circuit.writer);
      circuit.flush();
    }),
    60_000,
    'echo',
  );
}

async function sumOf(circuit: BenchCircuit, channels: readonly BenchChannel[]): Promise<number> {
  return withDeadline(
    new Promise<number>((resolve) => {
      let sum = 0;
      let pending = channels.length;
      circuit.onReply = (header, framer) => {
        if (header.command !== Command.READ_NOTIFY) return;
        sum += framer.payload().readDoubleBE(0);
        if (--pending === 0) resolve(sum);
      };
      channels.forEach((channel, ioid) => writeReadNotifyRequest(circuit.writer, DbrType.DOUBLE, 1, channel.serverId, ioid));
      circuit.flush();
    }),
    60_000,
    'reading the calc records',
  );
}

/** Reads the calc sum until two readings 200 ms apart agree: softIoc's CP links run on a task of their own. */
async function settledSum(circuit: BenchCircuit, channels: readonly BenchChannel[]): Promise<number> {
  let previous = await sumOf(circuit, channels);
  for (;;) {
    await idle(200);
    const current = await sumOf(circuit, channels);
    if (current === previous) return current;
    previous = current;
  }
}

interface ProcessFigures {
  writesPerSecond: number;
  recordsPerSecond: number;
  serverCpuPerRecordUs: number;
  calcPasses: number;
}

async function writeAtRate(circuit: BenchCircuit, sources: readonly BenchChannel[], rate: number, seconds: number): Promise<number> {
  const dbr = Buffer.alloc(8);
  const start = performance.now();
  let sent = 0;
  while (performance.now() - start < seconds * 1000) {
    const due = Math.floor(((performance.now() - start) / 1000) * rate);
    for (; sent < due; sent++) {
      dbr.writeDoubleBE(sent);
      writeWriteRequest(circuit.writer, DbrType.DOUBLE, 1, sources[sent % sources.length]!.serverId, 0, dbr, false);
    }
    circuit.flush();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return sent;
}

async function processing(kind: ServerKind, rate: number, seconds: number): Promise<ProcessFigures> {
  const server = await startServer(kind, chainsDatabase(), calcName(CHAINS - 1, CHAIN_LENGTH - 1));
  try {
    const circuit = await BenchCircuit.connect('127.0.0.1', server.port);
    try {
      const pendingSources = Array.from({ length: CHAINS }, (_, chain) => circuit.createChannel(sourceName(chain)));
      const pendingCalcs = Array.from({ length: CHAINS * CHAIN_LENGTH }, (_, index) =>
        circuit.createChannel(calcName(Math.floor(index / CHAIN_LENGTH), index % CHAIN_LENGTH)),
      );
      circuit.flush();
      const [sources, calcs] = await Promise.all([Promise.all(pendingSources), Promise.all(pendingCalcs)]);
      const before = await settledSum(circuit, calcs);
      const cpuBefore = processCpuSeconds(server.child.pid!);
      const started = performance.now();
      const writes = await writeAtRate(circuit, sources, rate, seconds);
      await echo(circuit);
      const calcPasses = (await settledSum(circuit, calcs)) - before;
      const elapsed = (performance.now() - started) / 1000;
      const cpu = processCpuSeconds(server.child.pid!) - cpuBefore;
      const records = writes + calcPasses;
      return { writesPerSecond: writes / elapsed, recordsPerSecond: records / elapsed, serverCpuPerRecordUs: (cpu * 1e6) / records, calcPasses };
    } finally {
      circuit.close();
    }
  } finally {
    server.dispose();
  }
}

/**
 * libca through pyepics' binding, as caget asks for many names: every channel created without a
 * connection callback, then ca_pend_io until all are connected; then a DBR_DOUBLE ca_array_get
 * of each and ca_pend_io until all are answered. Prints ConnectFigures as JSON.
 */
const LIBCA_CONNECT = `
import ctypes, json, os, sys, time
from epics import ca, dbr
count = int(sys.argv[1])
server_pid = sys.argv[2]
ca.initialize_libca()
libca = ca.libca
# The CPU so far of a process's live threads, by thread name, in seconds (the kernel's schedstat).
# This client's (python3, CAC-UDP, CAC-TCP-send, CAC-TCP-recv, timerQueue...): the same server can
# make libca work more. The server's is read here too, while this client lives: rsrv serves each
# client on threads of its own, which end (and take their CPU times with them) as it leaves.
def thread_cpu(pid):
    cpu = {}
    for task in os.listdir('/proc/%s/task' % pid):
        try:
            with open('/proc/%s/task/%s/comm' % (pid, task)) as comm, open('/proc/%s/task/%s/schedstat' % (pid, task)) as stat:
                name = comm.read().strip()
                cpu[name] = cpu.get(name, 0) + int(stat.read().split()[0]) / 1e9
        except OSError:
            pass
    return cpu
def server_cpu():
    return sum(thread_cpu(server_pid).values())
names = [('BENCH:AO:%d' % index).encode() for index in range(count)]
channels = [dbr.chid_t() for _ in names]
cpu_before = thread_cpu('self')
server_before = server_cpu()
began = time.perf_counter()
for name, channel in zip(names, channels):
    if libca.ca_create_channel(ctypes.c_char_p(name), None, None, 0, ctypes.byref(channel)) != 1:
        sys.exit('ca_create_channel failed')
if libca.ca_pend_io(ctypes.c_double(60)) != 1:
    sys.exit('not every channel connected')
connected = time.perf_counter()
server_connect = server_cpu() - server_before
cpu_after = thread_cpu('self')
client_cpu = {name: round(seconds - cpu_before.get(name, 0), 6) for name, seconds in cpu_after.items() if seconds - cpu_before.get(name, 0) > 0}
values = [ctypes.c_double() for _ in names]
for channel, value in zip(channels, values):
    if libca.ca_array_get(6, 1, channel, ctypes.byref(value)) != 1:
        sys.exit('ca_array_get failed')
if libca.ca_pend_io(ctypes.c_double(60)) != 1:
    sys.exit('not every get was answered')
got = time.perf_counter()
server_both = server_cpu() - server_before
print(json.dumps({'connectSeconds': connected - began, 'firstGetSeconds': got - connected, 'serverCpuSeconds': server_both, 'serverConnectCpuSeconds': server_connect, 'clientCpuSeconds': sum(client_cpu.values()), 'clientThreadCpuSeconds': client_cpu}))
`;

export interface ConnectFigures {
  connectSeconds: number;
  firstGetSeconds: number;
  /** The server's CPU over the connect and the first get. */
  serverCpuSeconds: number;
  /** The server's CPU over the connect alone. */
  serverConnectCpuSeconds: number;
  /** The libca client's CPU over the connect, all threads, and by thread name. */
  clientCpuSeconds: number;
  clientThreadCpuSeconds: Record<string, number>;
}

async function coldConnect(kind: ServerKind, channels: number): Promise<ConnectFigures> {
  const server = await startServer(kind, aoDatabase(channels), 'BENCH:AO:0');
  try {
    return await libcaConnect(server, channels);
  } finally {
    server.dispose();
  }
}

interface WarmFigures extends ConnectFigures {
  serverMinorFaults: number;
}

/** `clients` libca clients in a row on one server, after a first one left out. */
async function warmConnects(kind: ServerKind, channels: number, clients: number): Promise<WarmFigures[]> {
  const server = await startServer(kind, aoDatabase(channels), 'BENCH:AO:0');
  try {
    const figures: WarmFigures[] = [];
    for (let client = 0; client <= clients; client++) {
      const faultsBefore = faultsSoFar(server.child.pid!);
      const connect = await libcaConnect(server, channels);
      if (client > 0) figures.push({ ...connect, serverMinorFaults: faultsSoFar(server.child.pid!) - faultsBefore });
    }
    return figures;
  } finally {
    server.dispose();
  }
}

/** One libca client (pyepics' binding) connecting `channels` of the server's `ao` records, in a process of its own. */
export async function libcaConnect(server: Server, channels: number): Promise<ConnectFigures> {
  const output = await new Promise<string>((resolve, reject) => {
    execFile(
      PYTHON,
      ['-c', LIBCA_CONNECT, String(channels), String(server.child.pid)],
      { env: { ...process.env, ...server.env }, timeout: 120_000 },
      (error, stdout, stderr) => (error ? reject(new Error(`pyepics failed: ${stderr || error.message}`)) : resolve(stdout)),
    );
  });
  return JSON.parse(output.trim().split('\n').pop()!) as ConnectFigures;
}

/** The median CPU of each of libca's threads over the connects (0 where a connect did not run it). */
function medianByThread(samples: readonly ConnectFigures[]): Record<string, number> {
  const threads = new Set(samples.flatMap((sample) => Object.keys(sample.clientThreadCpuSeconds)));
  return Object.fromEntries([...threads].map((thread) => [thread, median(samples.map((sample) => sample.clientThreadCpuSeconds[thread] ?? 0))]));
}

function faultsSoFar(pid: number): number {
  return minorFaults(readStat(`/proc/${pid}/stat`).fields);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      softioc: { type: 'string' },
      'ca-repeater': { type: 'string' },
      cli: { type: 'string', default: path.resolve('dist/ioc/cli.js') },
      only: { type: 'string', default: 'memory,process' },
      runs: { type: 'string', default: '3' },
      'memory-records': { type: 'string', default: '10000' },
      'connect-channels': { type: 'string', default: '10000' },
      'warm-clients': { type: 'string', default: '8' },
      'node-option': { type: 'string', multiple: true, default: [] },
      rate: { type: 'string', default: '10000' },
      seconds: { type: 'string', default: '10' },
      json: { type: 'boolean', default: false },
    },
  });
  const kind = values.softioc ? softIoc(values.softioc) : ours(values.cli, values['node-option']);
  const only = new Set(values.only.split(','));
  useCaRepeater(values['ca-repeater'] ?? (values.softioc ? path.join(path.dirname(values.softioc), 'caRepeater') : undefined));
  if ((only.has('connect') || only.has('warm')) && !caRepeater) {
    throw new Error('connect and warm need --ca-repeater /path/to/caRepeater: without one, libca connects are slower than at any site');
  }
  const runs = Number(values.runs);
  const results: Record<string, unknown> = { server: kind.label, machine: machine(), date: new Date().toISOString(), caRepeater };
  if (only.has('memory')) {
    const samples: MemoryFigures[] = [];
    for (let run = 0; run < runs; run++) samples.push(await memory(kind, Number(values['memory-records'])));
    results.memory = {
      records: Number(values['memory-records']),
      rssOneMiB: median(samples.map((s) => s.rssOne)) / 1048576,
      rssManyMiB: median(samples.map((s) => s.rssMany)) / 1048576,
      bytesPerRecord: median(samples.map((s) => s.perRecord)),
    };
  }
  if (only.has('process')) {
    const samples: ProcessFigures[] = [];
    for (let run = 0; run < runs; run++) samples.push(await processing(kind, Number(values.rate), Number(values.seconds)));
    results.process = {
      writesPerSecond: median(samples.map((s) => s.writesPerSecond)),
      recordsPerSecond: median(samples.map((s) => s.recordsPerSecond)),
      serverCpuPerRecordUs: median(samples.map((s) => s.serverCpuPerRecordUs)),
      calcPassesPerRun: samples.map((s) => s.calcPasses),
    };
  }
  if (only.has('connect')) {
    const samples: ConnectFigures[] = [];
    for (let run = 0; run < runs; run++) samples.push(await coldConnect(kind, Number(values['connect-channels'])));
    results.connect = {
      channels: Number(values['connect-channels']),
      connectSeconds: median(samples.map((s) => s.connectSeconds)),
      firstGetSeconds: median(samples.map((s) => s.firstGetSeconds)),
      serverCpuSeconds: median(samples.map((s) => s.serverCpuSeconds)),
      serverConnectCpuSeconds: median(samples.map((s) => s.serverConnectCpuSeconds)),
      clientCpuSeconds: median(samples.map((s) => s.clientCpuSeconds)),
      connectSecondsPerRun: samples.map((s) => s.connectSeconds),
    };
  }
  if (only.has('warm')) {
    const samples: WarmFigures[] = [];
    for (let run = 0; run < runs; run++) samples.push(...(await warmConnects(kind, Number(values['connect-channels']), Number(values['warm-clients']))));
    results.warm = {
      channels: Number(values['connect-channels']),
      connects: samples.length,
      connectSeconds: median(samples.map((s) => s.connectSeconds)),
      firstGetSeconds: median(samples.map((s) => s.firstGetSeconds)),
      serverCpuSeconds: median(samples.map((s) => s.serverCpuSeconds)),
      serverConnectCpuSeconds: median(samples.map((s) => s.serverConnectCpuSeconds)),
      serverMinorFaults: median(samples.map((s) => s.serverMinorFaults)),
      clientCpuSeconds: median(samples.map((s) => s.clientCpuSeconds)),
      clientThreadCpuSeconds: medianByThread(samples),
      perConnect: samples,
    };
  }
  process.stdout.write(values.json ? JSON.stringify(results) + '\n' : `${JSON.stringify(results, null, 2)}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
