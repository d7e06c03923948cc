/**
 * The long soak (issue 5): 500 clients with 20 channels each connect, monitor and disconnect in
 * waves for several minutes against a server in a child process; the server's memory, after
 * forced GCs, before the clients, after the first wave and after the last. The server traces its
 * heap with our tracing engine, and the report carries what grew between the first wave and the
 * last, by line, so that memory that does not return shows where it went.
 *
 *   node /tmp/bench-out/bench/soak-ca.js [--clients 500] [--channels 20] [--minutes 5] [--hold 10]
 *
 * The test suite runs a short version (test/soak). See bench/README.md for compiling.
 */
import { spawn } from 'node:child_process';
import * as readline from 'node:readline';
import { parseArgs } from 'node:util';
import * as tracing from '../src/tracing';
import { freePort, loopbackEnv } from '../test/helpers/ports';
import { startSoakServer, type MemoryFigures } from '../test/soak/soak-server';
import { CA_SOAK, runWave, type WaveFigures } from '../test/soak/waves';

/** The child: the soak server, answering `measure` and `diff` on standard input with a JSON line. */
async function serve(port: number, beaconPort: number): Promise<void> {
  const soak = await startSoakServer(port, beaconPort);
  await tracing.start();
  let baseline: tracing.Snapshot | undefined;
  const lines = readline.createInterface({ input: process.stdin });
  process.stdout.write(`ready ${soak.server.tcpPort}\n`);
  // One command at a time, in the order the parent sent them.
  for await (const command of lines) {
    if (command === 'measure') {
      process.stdout.write(JSON.stringify(soak.measure()) + '\n');
    } else if (command === 'baseline') {
      baseline = (await tracing.takeSnapshot()).filterTraces();
      process.stdout.write('{}\n');
    } else if (command === 'diff') {
      const now = (await tracing.takeSnapshot()).filterTraces();
      const top = baseline
        ? now
            .compareTo(baseline, 'lineno')
            .slice(0, 10)
            .map((diff) => tracing.formatStatisticDiff(diff))
        : [];
      process.stdout.write(JSON.stringify(top) + '\n');
    }
  }
  await soak.close();
  await tracing.stop();
}

const mib = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
const memory = (figures: MemoryFigures) => ({ ...figures, rss: mib(figures.rss), heapUsed: mib(figures.heapUsed), external: mib(figures.external) });

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      clients: { type: 'string', default: '500' },
      channels: { type: 'string', default: '20' },
      libca: { type: 'string', default: '3' },
      minutes: { type: 'string', default: '5' },
      hold: { type: 'string', default: '10' },
    },
  });
  const port = await freePort();
  const beaconPort = await freePort();
  const child = spawn(process.execPath, ['--expose-gc', __filename, '--serve', String(port), String(beaconPort)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const replies = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const ask = async (command: string): Promise<unknown> => {
    child.stdin.write(command + '\n');
    return JSON.parse((await replies.next()).value as string);
  };
  const tcpPort = Number(/ready (\d+)/.exec((await replies.next()).value as string)![1]);
  try {
    const before = (await ask('measure')) as MemoryFigures;
    const options = {
      protocol: CA_SOAK,
      tcpPort,
      clientEnv: loopbackEnv(port, beaconPort),
      clients: Number(values.clients),
      channelsPerClient: Number(values.channels),
      libcaClients: Number(values.libca),
      holdMs: Number(values.hold) * 1000,
    };
    const started = Date.now();
    const waves: WaveFigures[] = [await runWave(options)];
    const afterFirstWave = (await ask('measure')) as MemoryFigures;
    await ask('baseline');
    while (Date.now() - started < Number(values.minutes) * 60_000) {
      waves.push(await runWave(options));
      process.stderr.write(`wave ${waves.length}: ${JSON.stringify(waves.at(-1))}\n`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const after = (await ask('measure')) as MemoryFigures;
    const grewAt = await ask('diff');
    process.stdout.write(
      JSON.stringify(
        {
          clientsPerWave: options.clients + options.libcaClients,
          channelsPerClient: options.channelsPerClient,
          waves: waves.length,
          seconds: (Date.now() - started) / 1000,
          updates: waves.reduce((sum, wave) => sum + wave.updates, 0),
          starved: waves.reduce((sum, wave) => sum + wave.starved, 0),
          libcaUpdates: waves.flatMap((wave) => wave.libcaUpdates),
          memoryMiB: { before: memory(before), afterFirstWave: memory(afterFirstWave), after: memory(after) },
          grewSinceFirstWave: grewAt,
        },
        null,
        2,
      ) + '\n',
    );
  } finally {
    child.stdin.end();
    setTimeout(() => child.kill(), 2000).unref();
  }
}

const [mode, port, beaconPort] = process.argv.slice(2);
(mode === '--serve' ? serve(Number(port), Number(beaconPort)) : main()).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
