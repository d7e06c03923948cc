/**
 * The long fuzz run (issue 5): at least a million random and mutated-valid CA messages to the
 * protocol core, and as many to a server in a child process over TCP circuits and UDP, checking
 * after each batch that the server is alive, that its RSS stays bounded, and that a libca client
 * on another circuit keeps reading a counter that goes up. Prints the figures as JSON.
 *
 *   node /tmp/bench-out/bench/fuzz-ca.js [--seed N] [--messages 1000000] [--rss-limit-mb 256]
 *
 * The test suite runs a short version (test/fuzz); a seed printed here reproduces a run there
 * through FUZZ_SEED. See bench/README.md for compiling.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createCaServer } from '../src/ca/server';
import { silentLogger } from '../src/logger';
import { emptyCounts, fuzzCore, totalMessages, type FuzzCounts } from '../test/fuzz/core-fuzz';
import { fuzzPvs } from '../test/fuzz/fuzz-pvs';
import { MessageSource } from '../test/fuzz/messages';
import { Random } from '../test/fuzz/random';
import { caFuzzProtocol, LibcaWatcher, peakDuring, ServerFuzzer, type FuzzBatch } from '../test/fuzz/server-fuzz';
import { freePort, loopbackEnv } from '../test/helpers/ports';

const BATCH: FuzzBatch = { circuits: 32, messagesPerCircuit: 250, datagrams: 500 };

/** The child: a server with the fuzz PVs, its counter ticking every 10 ms. */
async function serve(port: number, beaconPort: number): Promise<void> {
  const { pvs, tick } = fuzzPvs();
  const server = await createCaServer({ provider: pvs, env: loopbackEnv(port, beaconPort), logger: silentLogger() });
  setInterval(tick, 10);
  process.stdout.write(`ready ${server.tcpPort}\n`);
}

const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;

function startChild(port: number, beaconPort: number): Promise<{ child: ChildProcess; tcpPort: number }> {
  const child = spawn(process.execPath, [__filename, '--serve', String(port), String(beaconPort)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) => resolve({ child, tcpPort: Number(/ready (\d+)/.exec(chunk.toString())![1]) }));
    child.once('exit', (code) => reject(new Error(`server exited ${code} before it was ready`)));
  });
}

const mib = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string', default: String(Date.now() % 0x100000000) },
      messages: { type: 'string', default: '1000000' },
      'rss-limit-mb': { type: 'string', default: '256' },
    },
  });
  const seed = Number(values.seed);
  const total = Number(values.messages);
  process.stderr.write(`seed ${seed}\n`);

  let started = Date.now();
  const core = await fuzzCore(fuzzPvs().pvs, seed, total);
  const coreSeconds = (Date.now() - started) / 1000;

  const port = await freePort();
  const { child, tcpPort } = await startChild(port, await freePort());
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  const watcher = new LibcaWatcher(loopbackEnv(port, await freePort()), 24 * 3600 * 1000);
  const random = new Random(seed);
  const fuzzer = new ServerFuzzer(random, caFuzzProtocol(new MessageSource(random)), tcpPort, port);
  const tcp: FuzzCounts = emptyCounts();
  const udp: FuzzCounts = emptyCounts();
  const problems: string[] = [];
  let batches = 0;
  let rssMax = 0;
  try {
    await watcher.check(15_000);
    const rssBefore = rssOf(child.pid!);
    started = Date.now();
    while (totalMessages(tcp) + totalMessages(udp) < total && problems.length === 0) {
      const rss = await peakDuring(() => (exited === undefined ? rssOf(child.pid!) : 0), fuzzer.batch(BATCH, tcp, udp));
      batches++;
      if (exited !== undefined) {
        problems.push(`batch ${batches}: the server exited (${exited})`);
        break;
      }
      rssMax = Math.max(rssMax, rss);
      if (rss - rssBefore > Number(values['rss-limit-mb']) * 1048576) problems.push(`batch ${batches}: RSS ${mib(rss)} MiB`);
      await watcher
        .check()
        .catch((error: unknown) => problems.push(`batch ${batches}: libca: ${String(error instanceof Error ? error.message : error).split('\n')[0]}`));
      if (batches % 10 === 0) process.stderr.write(`batch ${batches}: ${totalMessages(tcp) + totalMessages(udp)} messages, peak RSS ${mib(rss)} MiB\n`);
    }
    const serverSeconds = (Date.now() - started) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const rssAfter = rssOf(child.pid!);
    process.stdout.write(
      JSON.stringify(
        {
          seed,
          core: { messages: core.messages, total: totalMessages(core), seconds: coreSeconds, failures: core.failures },
          server: {
            tcp: tcp.messages,
            udp: udp.messages,
            total: totalMessages(tcp) + totalMessages(udp),
            batches,
            circuits: batches * BATCH.circuits,
            seconds: serverSeconds,
            rssMiB: { before: mib(rssBefore), max: mib(rssMax), after: mib(rssAfter) },
            libcaChecks: watcher.checks,
            problems,
          },
        },
        null,
        2,
      ) + '\n',
    );
  } finally {
    fuzzer.close();
    watcher.close();
    child.kill();
  }
  if (core.failures.length > 0 || problems.length > 0) process.exitCode = 1;
}

const [mode, port, beaconPort] = process.argv.slice(2);
(mode === '--serve' ? serve(Number(port), Number(beaconPort)) : main()).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
