// A bare CA client for the load generator: one TCP circuit, the client half of the protocol core,
// and no more bookkeeping than a benchmark needs. Replies go to one handler, so that a benchmark
// decides what to send next while it reads (and one flush carries everything it sent).

import * as net from 'node:net';
import * as os from 'node:os';
import { writeClientNameRequest, writeCreateChannelRequest, writeHostNameRequest, writeVersionRequest } from '../src/ca/protocol/client-requests';
import { Command } from '../src/ca/protocol/constants';
import { MessageFramer } from '../src/ca/protocol/framer';
import type { MessageHeader } from '../src/ca/protocol/header';
import { MessageWriter } from '../src/ca/protocol/writer';

export interface BenchChannel {
  name: string;
  clientId: number;
  serverId: number;
  nativeType: number;
  nativeCount: number;
}

export type ChannelAnswer = (answer: BenchChannel | Error) => void;

/** Called for each message a benchmark cares about; the payload is `framer.payload()`. */
export type ReplyHandler = (header: MessageHeader, framer: MessageFramer) => void;

export class BenchCircuit {
  readonly writer = new MessageWriter(64 * 1024);
  /** Replies other than those of channel creation. */
  onReply: ReplyHandler = () => undefined;
  private readonly framer = new MessageFramer();
  private readonly creating = new Map<number, { name: string; answered: ChannelAnswer }>();
  private nextClientId = 1;
  private failure: Error | undefined;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('the server closed the circuit')));
  }

  /** Connects and introduces itself as libca does: VERSION, CLIENT_NAME, HOST_NAME. */
  static connect(host: string, port: number): Promise<BenchCircuit> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port, noDelay: true }, () => {
        socket.off('error', reject);
        const circuit = new BenchCircuit(socket);
        writeVersionRequest(circuit.writer);
        writeClientNameRequest(circuit.writer, os.userInfo().username);
        writeHostNameRequest(circuit.writer, os.hostname());
        circuit.flush();
        resolve(circuit);
      });
      socket.once('error', reject);
    });
  }

  /** Sends what has been written. */
  flush(): void {
    const batch = this.writer.take();
    if (batch) this.socket.write(batch);
  }

  /** Queues CREATE_CHAN for `name` (sent with the next flush); `answered` hears the channel or why not. */
  requestChannel(name: string, answered: ChannelAnswer): void {
    if (this.failure) return answered(this.failure);
    const clientId = this.nextClientId++;
    writeCreateChannelRequest(this.writer, name, clientId);
    this.creating.set(clientId, { name, answered });
  }

  createChannel(name: string): Promise<BenchChannel> {
    return new Promise((resolve, reject) => this.requestChannel(name, (answer) => (answer instanceof Error ? reject(answer) : resolve(answer))));
  }

  close(): void {
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    this.framer.push(chunk);
    const header = this.framer.header;
    while (this.framer.next()) {
      switch (header.command) {
        case Command.CREATE_CHAN:
        case Command.CREATE_CH_FAIL:
          this.channelAnswered(header);
          break;
        case Command.ERROR:
          this.fail(new Error(`server error ${header.parameter2}: ${this.framer.payload().subarray(16).toString('utf8').replace(/\0.*$/s, '')}`));
          break;
        case Command.VERSION:
        case Command.ACCESS_RIGHTS:
          break;
        default:
          this.onReply(header, this.framer);
      }
    }
    this.flush();
  }

  private channelAnswered(header: MessageHeader): void {
    const pending = this.creating.get(header.parameter1);
    if (!pending) return;
    this.creating.delete(header.parameter1);
    if (header.command === Command.CREATE_CH_FAIL) {
      pending.answered(new Error(`the server does not serve ${pending.name}`));
      return;
    }
    pending.answered({
      name: pending.name,
      clientId: header.parameter1,
      serverId: header.parameter2,
      nativeType: header.dataType,
      nativeCount: header.dataCount,
    });
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const pending of this.creating.values()) pending.answered(error);
    this.creating.clear();
  }
}
