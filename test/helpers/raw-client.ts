import * as net from 'node:net';
import { writeCreateChannelRequest, writeRequest, writeVersionRequest } from '../../src/ca/protocol/client-requests';
import { Command } from '../../src/ca/protocol/constants';
import { MessageFramer } from '../../src/ca/protocol/framer';
import type { MessageHeader } from '../../src/ca/protocol/header';
import { MessageWriter } from '../../src/ca/protocol/writer';

export interface ReceivedMessage extends MessageHeader {
  payload: Buffer;
}

/** One request as bytes (payload padded to 8), for tests that speak raw CA. */
export function request(command: number, dataType: number, dataCount: number, parameter1: number, parameter2: number, payload?: Buffer): Buffer {
  const writer = new MessageWriter(64);
  writeRequest(writer, command, dataType, dataCount, parameter1, parameter2, payload);
  return writer.take()!;
}

export const nameBytes = (name: string) => Buffer.from(name + '\0');

/** A TCP client that writes raw bytes and collects the server's messages. */
export class RawCircuit {
  readonly messages: ReceivedMessage[] = [];
  private readonly framer = new MessageFramer();
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.framer.push(chunk);
      while (this.framer.next()) this.messages.push({ ...this.framer.header, payload: this.framer.payload() });
      this.waiters.splice(0).forEach((wake) => wake());
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiters.splice(0).forEach((wake) => wake());
    });
    socket.on('error', () => undefined);
  }

  static connect(port: number): Promise<RawCircuit> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(new RawCircuit(socket)));
      socket.once('error', reject);
    });
  }

  send(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Waits until a message matching `match` has arrived (or the circuit closed). */
  async waitFor(match: (message: ReceivedMessage) => boolean, timeoutMs = 5000): Promise<ReceivedMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(match);
      if (found) return found;
      if (this.closed) throw new Error('circuit closed');
      if (Date.now() > deadline) throw new Error('timed out waiting for a message');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async waitClosed(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('circuit still open');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** VERSION, then CREATE_CHAN; resolves with the server id. */
  async createChannel(name: string, clientId: number): Promise<number> {
    const writer = new MessageWriter(64);
    writeVersionRequest(writer);
    writeCreateChannelRequest(writer, name, clientId);
    this.send(writer.take()!);
    const reply = await this.waitFor((m) => (m.command === Command.CREATE_CHAN || m.command === Command.CREATE_CH_FAIL) && m.parameter1 === clientId);
    if (reply.command === Command.CREATE_CH_FAIL) throw new Error(`no channel ${name}`);
    return reply.parameter2;
  }

  close(): void {
    this.socket.destroy();
  }
}
