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
 */
import { spawn, type ChildProcess } from 'node:child_process';
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
import { processCpuSeconds, withDeadline } from './ca-measure';
import { searchNames } from './ca-search';
import { machine, median } from './figures';

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

interface Server {
  readonly child: ChildProcess;
  readonly port: number;
}

interface ServerKind {
  readonly label: string;
  command(dbFile: string, workDir: string): [string, string[]];
}

/** Our IOC as shipped: the built CLI (`npm run build` first), with only the benchmark's database. */
function ours(cli: string): ServerKind {
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
      return [process.execPath, [cli, '--config', config, '-d', dbFile]];
    },
  };
}

function softIoc(binary: string): ServerKind {
  return { label: `softIoc (${binary})`, command: (dbFile) => [binary, ['-S', '-d', dbFile]] };
}

async function startServer(kind: ServerKind, database: string, probeName: string): Promise<Server & { dispose(): void }> {
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'db-bench-'));
  const dbFile = path.join(workDir, 'bench.db');
  writeFileSync(dbFile, database);
  const port = await freePort();
  const beaconPort = await freePort();
  const [command, args] = kind.command(dbFile, workDir);
  const child = spawn(command, args, { env: { ...process.env, ...loopbackEnv(port, beaconPort) }, stdio: ['pipe', 'ignore', 'inherit'] });
  const dispose = () => {
    child.kill('SIGKILL');
    rmSync(workDir, { recursive: true, force: true });
  };
  try {
    await waitForSearchReply(port, probeName, child);
  } catch (error) {
    dispose();
    throw error;
  }
  return { child, port, dispose };
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

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      softioc: { type: 'string' },
      cli: { type: 'string', default: path.resolve('dist/ioc/cli.js') },
      only: { type: 'string', default: 'memory,process' },
      runs: { type: 'string', default: '3' },
      'memory-records': { type: 'string', default: '10000' },
      rate: { type: 'string', default: '10000' },
      seconds: { type: 'string', default: '10' },
      json: { type: 'boolean', default: false },
    },
  });
  const kind = values.softioc ? softIoc(values.softioc) : ours(values.cli);
  const only = new Set(values.only.split(','));
  const runs = Number(values.runs);
  const results: Record<string, unknown> = { server: kind.label, machine: machine(), date: new Date().toISOString() };
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
  process.stdout.write(values.json ? JSON.stringify(results) + '\n' : `${JSON.stringify(results, null, 2)}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
