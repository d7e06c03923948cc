/**
 * The CA server's hot paths alone, in one process, without sockets: nanoseconds per DBR encode,
 * per batch of replies through the MessageWriter, and per message through the MessageFramer.
 * A rate through loopback also measures the kernel and whatever else the machine runs; these
 * show what an optimisation of the protocol core changed.
 *
 *   npx tsc -p tsconfig.json --outDir /tmp/bench-out
 *   NODE_PATH=$PWD/node_modules node /tmp/bench-out/bench/ca-hot-paths.js [repeats]
 *
 * Each figure is the best of `repeats` (default 7) timed loops.
 */
import { writeReadNotifyRequest } from '../src/ca/protocol/client-requests';
import { Command, Eca } from '../src/ca/protocol/constants';
import { DbrType, dbrPayloadSize, encodeDbr, type DbrSource } from '../src/ca/protocol/dbr';
import { MessageFramer } from '../src/ca/protocol/framer';
import { MessageWriter } from '../src/ca/protocol/writer';
import { FieldType } from '../src/database/pv';
import { SimplePv } from '../src/database/simple-pv';

/** Output or input bytes each timed loop handles, whatever the shape: loops of comparable length. */
const BYTES_PER_LOOP = 20_000_000;
/** Node's socket reads come in chunks of up to this much. */
const SOCKET_CHUNK = 65536;

const scalar = new SimplePv({ name: 'scalar', type: FieldType.DOUBLE, value: 3.5, metadata: { units: 'mA', precision: 3 } });
const waveform = new SimplePv({ name: 'waveform', type: FieldType.CHAR, value: new Uint8Array(5000).map((_, i) => i & 0xff) });
const doubles = new SimplePv({ name: 'doubles', type: FieldType.DOUBLE, value: Float64Array.from({ length: 1000 }, (_, i) => i * 1.5) });

function best(repeats: number, iterations: number, loop: (iterations: number) => void): number {
  let fastest = Infinity;
  for (let repeat = 0; repeat < repeats; repeat++) {
    const start = process.hrtime.bigint();
    loop(iterations);
    fastest = Math.min(fastest, Number(process.hrtime.bigint() - start) / iterations);
  }
  return fastest;
}

function encodeCost(source: DbrSource, dbrType: number, count: number, repeats: number): number {
  const size = dbrPayloadSize(dbrType, count);
  const slots = 64;
  const target = Buffer.allocUnsafe(size * slots);
  return best(repeats, Math.max(1000, Math.floor(BYTES_PER_LOOP / size)), (iterations) => {
    // Rotating through slots keeps the encoder from writing one hot cache line only.
    for (let i = 0; i < iterations; i++) encodeDbr(target, (i % slots) * size, dbrType, count, source);
  });
}

/** A circuit's flush: `replies` READ_NOTIFY replies written, then the batch taken for the socket. */
function batchCost(source: DbrSource, dbrType: number, count: number, replies: number, repeats: number): number {
  const writer = new MessageWriter();
  const size = dbrPayloadSize(dbrType, count);
  return best(repeats, Math.max(100, Math.floor(BYTES_PER_LOOP / (size * replies))), (iterations) => {
    for (let i = 0; i < iterations; i++) {
      for (let reply = 0; reply < replies; reply++) {
        const offset = writer.begin(Command.READ_NOTIFY, size, dbrType, count, Eca.NORMAL, reply);
        encodeDbr(writer.target, offset, dbrType, count, source);
      }
      writer.take();
    }
  });
}

/** A stream of messages as the socket hands it over, in 64 KiB chunks; the cost per message framed. */
function framingCost(stream: Buffer, messages: number, repeats: number): number {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < stream.length; offset += SOCKET_CHUNK) chunks.push(stream.subarray(offset, offset + SOCKET_CHUNK));
  const passes = Math.max(1, Math.floor(BYTES_PER_LOOP / stream.length));
  return (
    best(repeats, passes, (iterations) => {
      for (let i = 0; i < iterations; i++) {
        const framer = new MessageFramer();
        for (const chunk of chunks) {
          framer.push(chunk);
          while (framer.next()) framer.payload();
        }
      }
    }) / messages
  );
}

function stream(messages: number, write: (writer: MessageWriter, index: number) => void): Buffer {
  const writer = new MessageWriter();
  for (let i = 0; i < messages; i++) write(writer, i);
  return writer.take()!;
}

const repeats = Number(process.argv[2] ?? 7);
const figures: [string, number][] = [
  ['encode: DOUBLE scalar as DBR_DOUBLE', encodeCost(scalar, DbrType.DOUBLE, 1, repeats)],
  ['encode: DOUBLE scalar as DBR_TIME_DOUBLE', encodeCost(scalar, DbrType.TIME_DOUBLE, 1, repeats)],
  ['encode: DOUBLE scalar as DBR_CTRL_DOUBLE', encodeCost(scalar, DbrType.CTRL_DOUBLE, 1, repeats)],
  ['encode: 5000 CHAR as DBR_CHAR', encodeCost(waveform, DbrType.CHAR, 5000, repeats)],
  ['encode: 1000 DOUBLE as DBR_TIME_DOUBLE', encodeCost(doubles, DbrType.TIME_DOUBLE, 1000, repeats)],
  ['encode: 1000 DOUBLE as DBR_FLOAT (converted)', encodeCost(doubles, DbrType.FLOAT, 1000, repeats)],
  ['batch: 64 DBR_DOUBLE replies, taken', batchCost(scalar, DbrType.DOUBLE, 1, 64, repeats)],
  ['batch: 1 DBR_DOUBLE reply, taken', batchCost(scalar, DbrType.DOUBLE, 1, 1, repeats)],
  ['batch: 64 5000-byte CHAR replies, taken', batchCost(waveform, DbrType.CHAR, 5000, 64, repeats)],
  [
    'framing: 5000-byte replies, per message',
    framingCost(
      stream(1000, (writer, i) => {
        const offset = writer.begin(Command.READ_NOTIFY, 5000, DbrType.CHAR, 5000, Eca.NORMAL, i);
        writer.target.fill(i & 0xff, offset, offset + 5000);
      }),
      1000,
      repeats,
    ),
  ],
  [
    'framing: 16-byte requests, per message',
    framingCost(
      stream(100000, (writer, i) => writeReadNotifyRequest(writer, DbrType.DOUBLE, 1, 1, i)),
      100000,
      repeats,
    ),
  ],
];
for (const [label, ns] of figures) process.stdout.write(`${label.padEnd(48)} ${ns.toFixed(0).padStart(8)} ns\n`);
