import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { writeRequest } from '../../src/ca/protocol/client-requests';
import { Command } from '../../src/ca/protocol/constants';
import { MessageFramer } from '../../src/ca/protocol/framer';
import { MessageWriter } from '../../src/ca/protocol/writer';
import { startPyepics, type PyepicsSession } from '../helpers/pyepics';
import type { FuzzCounts } from './core-fuzz';
import { HEALTH_COUNTER } from './fuzz-pvs';
import { chunks, type FuzzMessage, type MessageSource } from './messages';
import type { Random } from './random';

// The networked half of the fuzzer: many circuits and a stream of datagrams against a running
// server, batch by batch, so that the caller checks the server's health between batches.

export interface FuzzBatch {
  /** Circuits opened at once; each sends one stream. */
  circuits: number;
  messagesPerCircuit: number;
  datagrams: number;
}

/** What the networked fuzzer needs of a protocol: its messages, and an end-of-stream probe. */
export interface FuzzProtocol {
  stream(length: number): FuzzMessage[];
  datagram(): FuzzMessage[];
  /** A message the server answers with `marker` once it has served all that came before it. */
  closing(marker: Buffer): Buffer;
  /** Reads the server's replies as they come; true once the answer to `closing(marker)` is among them. */
  answered(marker: Buffer): (chunk: Buffer) => boolean;
}

/** CA: the stream ends with an ECHO carrying the marker. */
export function caFuzzProtocol(source: MessageSource): FuzzProtocol {
  return {
    stream: (length) => source.stream(length),
    datagram: () => source.datagram(),
    closing(marker) {
      const writer = new MessageWriter(64);
      writeRequest(writer, Command.ECHO, 0, 0, 0, 0, marker);
      return writer.take()!;
    },
    answered(marker) {
      const framer = new MessageFramer();
      return (chunk) => {
        framer.push(chunk);
        while (framer.next()) if (framer.header.command === Command.ECHO && framer.payload().equals(marker)) return true;
        return false;
      };
    },
  };
}

/** How long a circuit waits for the server to answer its closing probe before giving up on it. */
const STREAM_TIMEOUT_MS = 1000;

/**
 * Sends one stream on a new circuit; resolves when the server has answered all of it, closed, or
 * gone quiet. A circuit that does not `read` is a client that stops reading: what the server
 * holds for it must stay bounded however much its requests ask for.
 */
function fuzzCircuit(random: Random, protocol: FuzzProtocol, port: number, length: number, read: boolean, counts: FuzzCounts): Promise<void> {
  const stream = protocol.stream(length);
  for (const message of stream) counts.messages[message.kind]++;
  const marker = Buffer.from(random.bytes(8));
  const bytes = Buffer.concat([...stream.map((message) => message.bytes), protocol.closing(marker)]);
  const answered = protocol.answered(marker);
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    };
    const timer = setTimeout(done, STREAM_TIMEOUT_MS);
    socket.on('connect', () => {
      if (!read) socket.pause();
      chunks(random, bytes).forEach((piece) => socket.write(piece));
    });
    socket.on('data', (chunk: Buffer) => {
      if (answered(chunk)) done();
    });
    socket.on('error', done);
    socket.on('close', done);
  });
}

/** Sends `count` datagrams to the UDP search port; resolves once they are handed to the kernel. */
async function fuzzDatagrams(protocol: FuzzProtocol, socket: dgram.Socket, port: number, count: number, counts: FuzzCounts): Promise<void> {
  for (let i = 0; i < count; i++) {
    const datagram = protocol.datagram();
    for (const message of datagram) counts.messages[message.kind]++;
    await new Promise((resolve) => socket.send(Buffer.concat(datagram.map((message) => message.bytes)), port, '127.0.0.1', resolve));
  }
}

/** The highest of `measure()` sampled every 50 ms while `during` runs. */
export async function peakDuring(measure: () => number, during: Promise<void>): Promise<number> {
  let peak = measure();
  const sampler = setInterval(() => (peak = Math.max(peak, measure())), 50);
  try {
    await during;
  } finally {
    clearInterval(sampler);
  }
  return Math.max(peak, measure());
}

export class ServerFuzzer {
  private readonly socket = dgram.createSocket('udp4');

  constructor(
    private readonly random: Random,
    private readonly protocol: FuzzProtocol,
    private readonly tcpPort: number,
    private readonly udpPort: number,
  ) {
    this.socket.on('message', () => undefined);
    this.socket.on('error', () => undefined);
  }

  async batch(batch: FuzzBatch, tcp: FuzzCounts, udp: FuzzCounts): Promise<void> {
    const circuits = Array.from({ length: batch.circuits }, (_, index) =>
      fuzzCircuit(this.random, this.protocol, this.tcpPort, batch.messagesPerCircuit, index % 8 !== 7, tcp),
    );
    await Promise.all([...circuits, fuzzDatagrams(this.protocol, this.socket, this.udpPort, batch.datagrams, udp)]);
  }

  close(): void {
    this.socket.close();
  }
}

/**
 * A libca client (pyepics) on a circuit of its own that reads the health counter when asked and
 * says whether it went up since its last read.
 */
export class LibcaWatcher {
  private readonly session: PyepicsSession<unknown>;
  private asked = 0;
  private passed = 0;

  constructor(env: Record<string, string>, timeoutMs: number) {
    this.session = startPyepics(
      `
last = -1
for line in sys.stdin:
    value = epics.caget('${HEALTH_COUNTER}', timeout=5)
    if value is not None and value > last:
        last = value
        say('ok ' + line.strip())
    else:
        say('bad %s %s' % (line.strip(), value))
`,
      env,
      timeoutMs,
    );
  }

  /** Resolves when libca read a higher count than before; rejects after `timeoutMs` otherwise. */
  async check(timeoutMs = 10_000): Promise<void> {
    const n = ++this.asked;
    this.session.send(String(n));
    await this.session.waitForLine(`ok ${n}`, timeoutMs);
    this.passed++;
  }

  /** Reads that went up, so far. */
  get checks(): number {
    return this.passed;
  }

  close(): void {
    this.session.kill();
  }
}
