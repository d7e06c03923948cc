// The CA client of the IOC benchmarks: a BenchCircuit (our client half of the protocol core, no
// third-party code) with reads, writes and monitors routed to their callers by ioid and
// subscription id.

import { performance } from 'node:perf_hooks';
import { writeEventAddRequest, writeReadNotifyRequest, writeWriteRequest } from '../src/ca/protocol/client-requests';
import { Command, Eca } from '../src/ca/protocol/constants';
import { DbrType } from '../src/ca/protocol/dbr';
import type { MessageHeader } from '../src/ca/protocol/header';
import { BenchCircuit, type BenchChannel } from './ca-client';

const LOOPBACK = '127.0.0.1';
const ANSWER_MS = 10_000;

type Handler = (header: MessageHeader, payload: Buffer) => void;

/** Read latencies, in the order the reads were sent. */
export interface ReadLatencies {
  /** When each read was sent, epoch ms (performance.timeOrigin-based, comparable across processes). */
  sentAt: number[];
  latency: number[];
}

function deadline<T>(work: Promise<T>, what: string, ms = ANSWER_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export class IocClient {
  /** Pending READ_NOTIFY/WRITE_NOTIFY by ioid, and monitors by subscription id. */
  private readonly requests = new Map<number, Handler>();
  private readonly monitors = new Map<number, Handler>();
  private nextId = 1;

  private constructor(private readonly circuit: BenchCircuit) {
    circuit.onReply = (header, framer) => {
      const routes = header.command === Command.EVENT_ADD ? this.monitors : this.requests;
      const handler = routes.get(header.parameter2);
      if (header.command !== Command.EVENT_ADD) routes.delete(header.parameter2);
      handler?.(header, framer.payload());
    };
  }

  static async connect(tcpPort: number): Promise<IocClient> {
    return new IocClient(await BenchCircuit.connect(LOOPBACK, tcpPort));
  }

  channels(names: readonly string[]): Promise<BenchChannel[]> {
    const created = names.map((name) => this.circuit.createChannel(name));
    this.circuit.flush();
    return deadline(Promise.all(created), 'CREATE_CHAN');
  }

  /** WRITE_NOTIFY of a DBR_DOUBLE; resolves once the server has taken it. */
  write(channel: BenchChannel, value: number): Promise<void> {
    const dbr = Buffer.alloc(8);
    dbr.writeDoubleBE(value);
    const ioid = this.nextId++;
    const done = new Promise<void>((resolve, reject) =>
      this.requests.set(ioid, ({ parameter1 }) => (parameter1 === Eca.NORMAL ? resolve() : reject(new Error(`write to ${channel.name}: ECA ${parameter1}`)))),
    );
    writeWriteRequest(this.circuit.writer, DbrType.DOUBLE, 1, channel.serverId, ioid, dbr);
    this.circuit.flush();
    return deadline(done, `write to ${channel.name}`);
  }

  /** EVENT_ADD in DBR_TIME of the native type; `onUpdate` hears every update, the first included. */
  monitor(channel: BenchChannel, mask: number, onUpdate: Handler): void {
    const subscriptionId = this.nextId++;
    this.monitors.set(subscriptionId, onUpdate);
    writeEventAddRequest(this.circuit.writer, DbrType.TIME_STRING + channel.nativeType, channel.nativeCount, channel.serverId, subscriptionId, mask);
  }

  flush(): void {
    this.circuit.flush();
  }

  /**
   * READ_NOTIFY of the plain native DBR for `durationMs`, one at a time: each sent as the previous
   * one's answer arrives, or `gapMs` later.
   */
  readRepeatedly(channel: BenchChannel, durationMs: number, gapMs = 0): Promise<ReadLatencies> {
    const result: ReadLatencies = { sentAt: [], latency: [] };
    const end = performance.now() + durationMs;
    const run = new Promise<ReadLatencies>((resolve, reject) => {
      const send = () => {
        const sent = performance.now();
        const ioid = this.nextId++;
        this.requests.set(ioid, ({ parameter1 }) => {
          const now = performance.now();
          if (parameter1 !== Eca.NORMAL) return reject(new Error(`read of ${channel.name}: ECA ${parameter1}`));
          result.sentAt.push(performance.timeOrigin + sent);
          result.latency.push(now - sent);
          if (now >= end) resolve(result);
          else if (gapMs > 0) setTimeout(send, gapMs);
          else send();
        });
        writeReadNotifyRequest(this.circuit.writer, channel.nativeType, channel.nativeCount, channel.serverId, ioid);
        this.circuit.flush();
      };
      send();
    });
    return deadline(run, `reads of ${channel.name}`, durationMs + ANSWER_MS);
  }

  close(): void {
    this.circuit.close();
  }
}
