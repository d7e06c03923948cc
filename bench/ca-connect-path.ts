/**
 * Connecting many channels, in one process and without sockets: the CA server's search replies and
 * a circuit's CREATE_CHAN, first READ_NOTIFY and CLEAR_CHANNEL (libca clears each channel as its
 * client exits), on a Database of `ao` records served through the provider guard, as
 * createCaServer serves it. Per channel, each of the four:
 * CPU time, not wall time, so that other work on the machine does not count:
 * - cold: the first pass in this process, as a freshly started IOC meets its first client (the JIT
 *   compiles the paths on the way);
 * - warm: the best of `repeats` passes after it;
 * - bytes: V8 heap allocated per channel (median over slices of 200 channels with no GC inside);
 * - and, once, the heap each open channel keeps alive (what a scavenge promotes while a client
 *   holds its channels): live heap after a full GC with the channels created and read, less after
 *   they are cleared.
 *
 *   npx tsc -p tsconfig.json --outDir /tmp/bench-out
 *   NODE_PATH=$PWD/node_modules node /tmp/bench-out/bench/ca-connect-path.js [channels] [repeats] [--warm-up]
 *
 * With --warm-up, the CA server's start-up warm-up (src/ca/server/warm-up.ts) runs first, on one
 * of the records, as createCaServer runs it before it listens; its CPU and wall time are printed.
 *
 * The same requests as libca sends (udpiiu.cpp: a VERSION and as many SEARCHes as fit in 1024
 * bytes a datagram; tcpiiu.cpp: CREATE_CHAN with the client's minor version), taken from chunks
 * of 64 KiB as a socket hands them over.
 */
import * as v8 from 'node:v8';
import {
  writeClearChannelRequest,
  writeClientNameRequest,
  writeCreateChannelRequest,
  writeDatagramVersionRequest,
  writeHostNameRequest,
  writeReadNotifyRequest,
  writeSearchRequest,
  writeVersionRequest,
} from '../src/ca/protocol/client-requests';
import { DbrType } from '../src/ca/protocol/dbr';
import { MessageWriter } from '../src/ca/protocol/writer';
import { Circuit } from '../src/ca/server/circuit';
import { caSearchReplies } from '../src/ca/server/search-replies';
import { Database } from '../src/database/database';
import { providerServes } from '../src/database/pv';
import { silentLogger } from '../src/logger';
import { DEFAULT_LIMITS } from '../src/net/limits';
import { guardProvider } from '../src/net/guarded-provider';
import { socketTransport } from '../src/net/socket-transport';
import { warmUpCaServer } from '../src/ca/server/warm-up';
import { exposedGc } from '../test/helpers/exposed-gc';

const MAX_UDP_SEND = 1024;
const SOCKET_CHUNK = 65536;
const SLICE = 200;
const PEER = { host: '127.0.0.1', port: 5065 };

const positional = process.argv.slice(2).filter((argument) => !argument.startsWith('--'));
const channels = Number(positional[0] ?? 10_000);
const repeats = Number(positional[1] ?? 7);
const withWarmUp = process.argv.includes('--warm-up');
const names = Array.from({ length: channels }, (_, index) => `BENCH:AO:${index}`);

const database = new Database();
database.loadText(names.map((name) => `record(ao, "${name}") {}`).join('\n'));
const provider = guardProvider(database, silentLogger());
const answer = caSearchReplies({ serves: (name) => providerServes(provider, name), tcpPort: () => 5064 });
const discardReply = () => undefined;

/** Search datagrams as libca fills them, each a slice of the names. */
function searchDatagrams(from: number, to: number): Buffer[] {
  const datagrams: Buffer[] = [];
  const writer = new MessageWriter(MAX_UDP_SEND * 2);
  let sequence = 0;
  let index = from;
  while (index < to) {
    writeDatagramVersionRequest(writer, ++sequence);
    while (index < to) {
      const before = writer.size;
      writeSearchRequest(writer, names[index]!, index);
      if (writer.size > MAX_UDP_SEND) {
        writer.truncate(before);
        break;
      }
      index++;
    }
    datagrams.push(Buffer.from(writer.take()!));
  }
  return datagrams;
}

/** A byte stream in socket-sized chunks. */
function chunked(write: (writer: MessageWriter) => void): Buffer[] {
  const writer = new MessageWriter();
  write(writer);
  const stream = writer.take()!;
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < stream.length; offset += SOCKET_CHUNK) chunks.push(Buffer.from(stream.subarray(offset, offset + SOCKET_CHUNK)));
  return chunks;
}

const opening = chunked((writer) => {
  writeVersionRequest(writer);
  writeClientNameRequest(writer, 'bench');
  writeHostNameRequest(writer, 'localhost');
});
// Server ids are handed out from 1 in creation order on each circuit.
const creates = (from: number, to: number) =>
  chunked((writer) => {
    for (let index = from; index < to; index++) writeCreateChannelRequest(writer, names[index]!, index);
  });
const reads = (from: number, to: number) =>
  chunked((writer) => {
    for (let index = from; index < to; index++) writeReadNotifyRequest(writer, DbrType.DOUBLE, 1, index + 1, index);
  });
const clears = (from: number, to: number) =>
  chunked((writer) => {
    for (let index = from; index < to; index++) writeClearChannelRequest(writer, index + 1, index);
  });

/** A socket that takes everything, as a client that keeps up; made by the server's own factory, as its sockets are. */
const transport = socketTransport({
  remoteAddress: PEER.host,
  remotePort: 40000,
  write: () => true,
  pause: () => undefined,
  resume: () => undefined,
  end: () => undefined,
  destroy: () => undefined,
});

function openCircuit(): Circuit {
  const circuit = new Circuit(transport, { provider, tcpPort: 5064, limits: DEFAULT_LIMITS, logger: silentLogger(), onClose: () => undefined });
  for (const chunk of opening) circuit.receive(chunk);
  return circuit;
}

interface Stage {
  label: string;
  /** Inputs for channels [from, to), built before the timing. */
  prepare(from: number, to: number): Buffer[];
  /** Serves them; `circuit` is the pass's circuit (search needs none). */
  serve(inputs: Buffer[], circuit: Circuit): void;
}

/** A circuit's stage: its request chunks, as the socket hands them over. */
function receiveAll(chunks: Buffer[], circuit: Circuit): void {
  for (const chunk of chunks) circuit.receive(chunk);
}

const STAGES: Stage[] = [
  {
    label: 'search (UDP datagrams, replies)',
    prepare: searchDatagrams,
    serve: (datagrams) => {
      for (const datagram of datagrams) answer.answer(datagram, PEER, PEER.host, discardReply);
      answer.flush(discardReply);
    },
  },
  {
    label: 'CREATE_CHAN',
    prepare: creates,
    serve: receiveAll,
  },
  {
    label: 'first READ_NOTIFY, DBR_DOUBLE',
    prepare: reads,
    serve: receiveAll,
  },
  {
    label: 'CLEAR_CHANNEL',
    prepare: clears,
    serve: receiveAll,
  },
];

/** One pass of all stages over all channels, each timed whole; ns of CPU (this process's, GC threads included: the machine may be shared) per channel. */
function timedPass(): number[] {
  const inputs = STAGES.map((stage) => stage.prepare(0, channels));
  const circuit = openCircuit();
  const figures = STAGES.map((stage, index) => {
    const start = process.cpuUsage();
    stage.serve(inputs[index]!, circuit);
    const spent = process.cpuUsage(start);
    return ((spent.user + spent.system) * 1000) / channels;
  });
  circuit.transportClosed();
  return figures;
}

/** Heap bytes per channel of each stage, by slices; a slice in which a GC ran (the heap shrank) is left out. */
function allocationPass(): number[] {
  const circuit = openCircuit();
  const perStage = STAGES.map((): number[] => []);
  for (let from = 0; from + SLICE <= channels; from += SLICE) {
    STAGES.forEach((stage, index) => {
      const inputs = stage.prepare(from, from + SLICE);
      const before = v8.getHeapStatistics().used_heap_size;
      stage.serve(inputs, circuit);
      const grown = v8.getHeapStatistics().used_heap_size - before;
      if (grown > 0) perStage[index]!.push(grown / SLICE);
    });
  }
  circuit.transportClosed();
  return perStage.map((samples) => samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)] ?? NaN);
}

/** Live heap bytes per open channel: after a full GC with the channels created and read, less after they are cleared. */
function retainedPerChannel(): number {
  const collect = exposedGc();
  const [create, read, clear] = [creates(0, channels), reads(0, channels), clears(0, channels)];
  const circuit = openCircuit();
  for (const chunk of [...create, ...read]) circuit.receive(chunk);
  collect();
  const open = v8.getHeapStatistics().used_heap_size;
  for (const chunk of clear) circuit.receive(chunk);
  collect();
  const cleared = v8.getHeapStatistics().used_heap_size;
  circuit.transportClosed();
  return (open - cleared) / channels;
}

if (withWarmUp) {
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const context = { provider, answer: caSearchReplies({ serves: (name) => providerServes(provider, name), tcpPort: () => 0 }), limits: DEFAULT_LIMITS };
  const rounds = warmUpCaServer({ ...context, loggers: [silentLogger(), silentLogger().child({})] }, [names[0]!]);
  let round = rounds.next();
  while (!round.done) round = rounds.next();
  const { requests } = round.value;
  const spent = process.cpuUsage(cpu);
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  process.stdout.write(`warm-up: ${requests} requests, ${wallMs.toFixed(1)} ms wall, ${((spent.user + spent.system) / 1000).toFixed(1)} ms CPU\n`);
}
const cold = timedPass();
const warm = STAGES.map(() => Infinity);
for (let repeat = 0; repeat < repeats; repeat++) timedPass().forEach((ns, index) => (warm[index] = Math.min(warm[index]!, ns)));
const bytes = allocationPass();
const retained = retainedPerChannel();
process.stdout.write(`${channels} channels; ns per channel (cold: first pass; warm: best of ${repeats}), heap bytes per channel\n`);
STAGES.forEach((stage, index) => {
  process.stdout.write(
    `${stage.label.padEnd(34)} cold ${cold[index]!.toFixed(0).padStart(6)}  warm ${warm[index]!.toFixed(0).padStart(6)}  bytes ${bytes[index]!.toFixed(0).padStart(5)}\n`,
  );
});
process.stdout.write(`live heap per open channel: ${retained.toFixed(0)} B\n`);
