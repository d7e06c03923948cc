import { decodeDbr, decodeDbrForWrite } from '../../src/ca/protocol/dbr';
import { ProtocolError } from '../../src/ca/protocol/errors';
import { emptyHeader, readHeader } from '../../src/ca/protocol/header';
import { CircuitReader } from '../../src/ca/protocol/reader';
import { Circuit } from '../../src/ca/server/circuit';
import { caSearchReplies } from '../../src/ca/server/search-replies';
import { DEFAULT_LIMITS as DEFAULT_CA_LIMITS } from '../../src/net/limits';
import type { PvProvider } from '../../src/database/pv';
import { silentLogger } from '../../src/logger';
import { chunks, hex, MessageSource, type FuzzMessage, type MessageKind } from './messages';
import { Random } from './random';

// The sans-I/O half of the fuzzer: the protocol core and a circuit over a transport that only
// counts, so that any exception other than a rejection names the exact bytes that caused it.

export interface FuzzFailure {
  where: string;
  seed: number;
  error: string;
  /** The input, as hex. */
  bytes: string;
}

export interface FuzzCounts {
  messages: Record<MessageKind, number>;
  failures: FuzzFailure[];
}

export const emptyCounts = (): FuzzCounts => ({ messages: { valid: 0, fields: 0, bytes: 0, random: 0 }, failures: [] });

export const totalMessages = (counts: FuzzCounts) => Object.values(counts.messages).reduce((sum, n) => sum + n, 0);

/** Runs `action`; an exception that `allowed` does not accept becomes a failure. */
function guard(counts: FuzzCounts, where: string, seed: number, bytes: Buffer, allowed: (error: unknown) => boolean, action: () => void): void {
  try {
    action();
  } catch (error) {
    if (allowed(error)) return;
    counts.failures.push({
      where,
      seed,
      error: String((error as Error).stack ?? error)
        .split('\n')
        .slice(0, 3)
        .join(' | '),
      bytes: hex(bytes.subarray(0, 4096)),
    });
  }
}

const isProtocolError = (error: unknown) => error instanceof ProtocolError;
const isRejection = (error: unknown) => error instanceof ProtocolError || error instanceof RangeError;
const never = () => false;

const NATIVE_TYPES = [0, 1, 2, 3, 4, 5, 6];
const ENUM_STRINGS = ['Off', 'On'];

/** Search datagrams answered as if every name were served, so that every reply is written. */
const answerSearch = caSearchReplies({ serves: () => true, tcpPort: () => 5064 });
const PEER = { host: '127.0.0.1', port: 5065 };
const discardReply = () => undefined;

/** One message alone: as a datagram, and its payload to the DBR decoders. */
function fuzzAlone(counts: FuzzCounts, seed: number, random: Random, message: FuzzMessage): void {
  const { bytes } = message;
  guard(counts, 'caSearchReplies', seed, bytes, isProtocolError, () => answerSearch.answer(bytes, PEER, PEER.host, discardReply));
  const header = emptyHeader();
  const headerLength = readHeader(bytes, 0, bytes.length, header);
  if (headerLength === 0) return;
  const payload = bytes.subarray(headerLength, headerLength + Math.min(header.payloadSize, bytes.length - headerLength));
  // Counts beyond a thousand only cost time: the size checks are the same.
  const elements = Math.min(header.dataCount, 1000);
  guard(counts, 'decodeDbr', seed, bytes, isRejection, () => decodeDbr(payload, header.dataType, elements));
  guard(counts, 'decodeDbrForWrite', seed, bytes, never, () => decodeDbrForWrite(payload, header.dataType, elements, random.pick(NATIVE_TYPES), ENUM_STRINGS));
}

/** The most one write to a socket may carry: a few replies of the largest array, not a burst's worth. */
const MAX_WRITE = 4 * 1024 * 1024;

/** A socket that is full half the time, and remembers the largest write. */
function fakeTransport(random: Random) {
  return {
    remoteAddress: '127.0.0.1',
    remotePort: 1,
    largestWrite: 0,
    write(data: Buffer) {
      this.largestWrite = Math.max(this.largestWrite, data.length);
      return random.chance(0.5);
    },
    pause: () => undefined,
    resume: () => undefined,
    end: () => undefined,
    destroy: () => undefined,
  };
}

/**
 * Fuzzes the core with `total` messages from `seed`: streams of them framed by a CircuitReader
 * and served by a Circuit, each cut into random chunks, and each message on its own.
 */
export async function fuzzCore(provider: PvProvider, seed: number, total: number, counts = emptyCounts()): Promise<FuzzCounts> {
  const random = new Random(seed);
  const source = new MessageSource(random);
  const logger = silentLogger();
  const limits = { ...DEFAULT_CA_LIMITS, maxPayloadSize: 1024 * 1024, maxChannelsPerCircuit: 64, maxSubscriptionsPerCircuit: 64 };
  for (let done = 0, streams = 0; done < total; streams++) {
    const stream = source.stream(1 + random.below(40));
    const bytes = Buffer.concat(stream.map((message) => message.bytes));
    const pieces = chunks(random, bytes);
    guard(counts, 'CircuitReader', seed, bytes, isProtocolError, () => {
      const reader = new CircuitReader(limits.maxPayloadSize);
      for (const piece of pieces) {
        reader.push(piece);
        while (reader.next());
      }
    });
    const transport = fakeTransport(random);
    const circuit = new Circuit(transport, { provider, tcpPort: 5064, limits, logger, onClose: () => undefined });
    guard(counts, 'Circuit', seed, bytes, never, () =>
      pieces.forEach((piece) => {
        circuit.receive(piece);
        if (random.chance(0.5)) circuit.drained();
      }),
    );
    circuit.transportClosed();
    if (transport.largestWrite > MAX_WRITE) {
      counts.failures.push({ where: 'Circuit', seed, error: `one write of ${transport.largestWrite} bytes`, bytes: hex(bytes.subarray(0, 4096)) });
    }
    for (const message of stream) {
      fuzzAlone(counts, seed, random, message);
      counts.messages[message.kind]++;
    }
    done += stream.length;
    // Let flushes and asynchronous writes run, as the event loop would between chunks.
    if (streams % 64 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  return counts;
}
