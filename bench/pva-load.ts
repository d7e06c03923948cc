/**
 * pvAccess load generator, with the workloads of bench/ca-load.ts: gets/s one at a time and
 * pipelined, and monitor updates/s to 4 clients while a fifth writes as fast as it can. Our
 * server runs in a worker thread of this process (its own event loop) on loopback ports.
 *
 *   npx tsc -p tsconfig.json --outDir /tmp/bench-out
 *   NODE_PATH=$PWD/node_modules node /tmp/bench-out/bench/pva-load.js [--runs 5] [--duration 3] [--in-flight 64]
 *
 * Each benchmark runs --runs times on fresh connections; the median is reported.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { FieldType } from '../src/database/pv';
import { PvMap, SimplePv } from '../src/database/simple-pv';
import { Command, encodeType, structure, Subcommand } from '../src/pva/protocol';
import { createPvaServer } from '../src/pva/server';
import { RawPvaClient } from '../test/helpers/pva-raw-client';

const SCALAR = 'BENCH:SCALAR';
const MONITOR_CLIENTS = 4;
const FIELD_VALUE = structure('', { field: structure('', { value: structure('', {}) }) });

async function serve(): Promise<void> {
  const pv = new SimplePv({ name: SCALAR, type: FieldType.DOUBLE, value: 0 });
  const server = await createPvaServer({
    provider: new PvMap([pv]),
    env: {
      EPICS_PVAS_INTF_ADDR_LIST: '127.0.0.1',
      EPICS_PVAS_SERVER_PORT: '0',
      EPICS_PVAS_BROADCAST_PORT: String((workerData as { udpPort: number }).udpPort),
      EPICS_PVAS_AUTO_BEACON_ADDR_LIST: 'NO',
    },
  });
  parentPort!.postMessage(server.tcpPort);
}

/** GET INIT for field(value); resolves when the server has answered. */
async function getInit(client: RawPvaClient, channel: number, requestId: number): Promise<void> {
  client.send(Command.GET, (w) => {
    w.uint32(channel);
    w.uint32(requestId);
    w.uint8(Subcommand.INIT);
    encodeType(w, FIELD_VALUE);
  });
  await client.waitFor((m) => m.command === Command.GET && client.uint32(m, 0) === requestId);
}

/** GETs per second with `inFlight` outstanding, each answered before the next is sent on its request id. */
async function getRate(port: number, durationMs: number, inFlight: number): Promise<number> {
  const client = await RawPvaClient.connect(port);
  try {
    const channel = await client.createChannel(SCALAR);
    for (let id = 1; id <= inFlight; id++) await getInit(client, channel, id);
    client.messages.length = 0;
    let done = 0;
    const end = performance.now() + durationMs;
    const send = (id: number) =>
      client.send(Command.GET, (w) => {
        w.uint32(channel);
        w.uint32(id);
        w.uint8(Subcommand.GET);
      });
    await new Promise<void>((resolve) => {
      client.socket.on('data', () => {
        const replies = client.messages.splice(0);
        for (const reply of replies) {
          if (reply.command !== Command.GET) continue;
          done++;
          if (performance.now() < end) send(client.uint32(reply, 0));
          else if (--inFlight === 0) resolve();
        }
      });
      for (let id = 1; id <= inFlight; id++) send(id);
    });
    return done / (durationMs / 1000);
  } finally {
    client.close();
  }
}

/** Monitor updates per second summed over MONITOR_CLIENTS connections, while one more writes as fast as it can. */
async function monitorFanOut(port: number, durationMs: number, inFlight: number): Promise<number> {
  const monitors = await Promise.all(Array.from({ length: MONITOR_CLIENTS }, () => RawPvaClient.connect(port)));
  const writer = await RawPvaClient.connect(port);
  try {
    let counting = false;
    let delivered = 0;
    for (const client of monitors) {
      const channel = await client.createChannel(SCALAR);
      await client.monitor(channel, 1, 0x7fffffff);
      client.socket.on('data', () => {
        for (const m of client.messages.splice(0)) if (counting && m.command === Command.MONITOR) delivered++;
      });
    }
    const channel = await writer.createChannel(SCALAR);
    writer.send(Command.PUT, (w) => {
      w.uint32(channel);
      w.uint32(1);
      w.uint8(Subcommand.INIT);
      encodeType(w, FIELD_VALUE);
    });
    await writer.waitFor((m) => m.command === Command.PUT);
    writer.messages.length = 0;
    let value = 0;
    const put = () =>
      writer.send(Command.PUT, (w) => {
        w.uint32(channel);
        w.uint32(1);
        w.uint8(0);
        w.uint8(1); // BitSet of one byte: bit 1, value
        w.uint8(0x02);
        w.float64(++value);
      });
    const end = performance.now() + durationMs;
    counting = true;
    await new Promise<void>((resolve) => {
      let outstanding = inFlight;
      writer.socket.on('data', () => {
        for (const reply of writer.messages.splice(0)) {
          if (reply.command !== Command.PUT) continue;
          if (performance.now() < end) put();
          else if (--outstanding === 0) resolve();
        }
      });
      for (let i = 0; i < inFlight; i++) put();
    });
    counting = false;
    process.stderr.write(`  (writer: ${Math.round(value / (durationMs / 1000))} puts/s)\n`);
    return delivered / (durationMs / 1000);
  } finally {
    for (const client of [...monitors, writer]) client.close();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { runs: { type: 'string', default: '5' }, duration: { type: 'string', default: '3' }, 'in-flight': { type: 'string', default: '64' } },
  });
  const runs = Number(values.runs);
  const durationMs = Number(values.duration) * 1000;
  const inFlight = Number(values['in-flight']);
  const worker = new Worker(__filename, { workerData: { udpPort: 0 } });
  const port = await new Promise<number>((resolve) => worker.once('message', resolve));
  const benchmarks: [string, string, () => Promise<number>][] = [
    ['get-sequential', 'gets/s', () => getRate(port, durationMs, 1)],
    ['get-pipelined', 'gets/s', () => getRate(port, durationMs, inFlight)],
    ['monitor-fanout', 'updates/s', () => monitorFanOut(port, durationMs, inFlight)],
  ];
  for (const [name, unit, run] of benchmarks) {
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) samples.push(await run());
    process.stdout.write(`${name}: ${Math.round(median(samples))} ${unit} (median of ${runs}; ${samples.map(Math.round).join(', ')})\n`);
  }
  await worker.terminate();
}

if (isMainThread) void main();
else void serve();
