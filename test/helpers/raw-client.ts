import * as net from 'node:net';
import { emptyHeader, readHeader, type MessageHeader } from '../../src/ca/protocol/header';

export interface ReceivedMessage extends MessageHeader {
  payload: Buffer;
}

/** Builds a request with a 16-byte header (payload padded to 8), for tests that speak raw CA. */
export function request(
  command: number,
  dataType: number,
  dataCount: number,
  parameter1: number,
  parameter2: number,
  payload: Buffer = Buffer.alloc(0),
): Buffer {
  const padded = (payload.length + 7) & ~7;
  const bytes = Buffer.alloc(16 + padded);
  bytes.writeUInt16BE(command, 0);
  bytes.writeUInt16BE(padded, 2);
  bytes.writeUInt16BE(dataType, 4);
  bytes.writeUInt16BE(dataCount, 6);
  bytes.writeUInt32BE(parameter1, 8);
  bytes.writeUInt32BE(parameter2, 12);
  payload.copy(bytes, 16);
  return bytes;
}

export const nameBytes = (name: string) => Buffer.from(name + '\0');

/** A TCP client that writes raw bytes and collects the server's messages. */
export class RawCircuit {
  readonly messages: ReceivedMessage[] = [];
  private pending = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.pending = Buffer.concat([this.pending, chunk]);
      const header = emptyHeader();
      for (;;) {
        const length = readHeader(this.pending, 0, this.pending.length, header);
        if (length === 0 || this.pending.length < length + header.payloadSize) break;
        this.messages.push({ ...header, payload: this.pending.subarray(length, length + header.payloadSize) });
        this.pending = this.pending.subarray(length + header.payloadSize);
      }
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
        this.waiters.push(() => (clearTimeout(timer), resolve()));
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
    this.send(Buffer.concat([request(0, 0, 13, 0, 0), request(18, 0, 0, clientId, 13, nameBytes(name))]));
    const reply = await this.waitFor((m) => (m.command === 18 || m.command === 26) && m.parameter1 === clientId);
    if (reply.command === 26) throw new Error(`no channel ${name}`);
    return reply.parameter2;
  }

  close(): void {
    this.socket.destroy();
  }
}
