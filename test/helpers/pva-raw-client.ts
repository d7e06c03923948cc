import * as net from 'node:net';
import { ByteWriter, Command, encodeType, scalar, structure, Subcommand, type StructureDesc } from '../../src/pva/protocol';

// A pvAccess client made of the protocol core's pieces and a socket, big-endian (the order our
// server does not send in), for what no client library lets a test do: withhold acknowledgements,
// stop reading, send a PUT or MONITOR with record._options (epics-tca's putPva refuses a pvRequest
// with record[...]). It reads only message headers and what tests look at.

export interface ServerMessage {
  command: number;
  littleEndian: boolean;
  /** The payload, or of a large one its first KEPT_BYTES (a copy: the rest is let go). */
  payload: Buffer;
  /** The payload's length as sent. */
  size: number;
}

const HEADER = 8;
/** Enough of a large payload for its ioid, subcommand, BitSets and the start of its value. */
const KEPT_BYTES = 4096;

/** pvRequest field(value). */
export function fieldValueRequest(): StructureDesc {
  return structure('', { field: structure('', { value: structure('', {}) }) });
}

/** pvRequest record[options]field(value), the options as strings (as pvAccessCPP's createRequest sends them). */
function optionsRequest(options: Record<string, string>): { type: StructureDesc; write: (writer: ByteWriter) => void } {
  const names = Object.keys(options);
  if (names.length === 0) return { type: fieldValueRequest(), write: () => undefined };
  const optionTypes = Object.fromEntries(names.map((name) => [name, scalar('string')]));
  const type = structure('', { record: structure('', { _options: structure('', optionTypes) }), field: structure('', { value: structure('', {}) }) });
  return { type, write: (writer) => names.forEach((name) => writer.string(options[name]!)) };
}

export class RawPvaClient {
  readonly messages: ServerMessage[] = [];
  private pending = Buffer.alloc(0);

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk) => this.onData(chunk));
  }

  static async connect(port: number): Promise<RawPvaClient> {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const client = new RawPvaClient(socket);
    await client.waitFor((m) => m.command === Command.CONNECTION_VALIDATION);
    client.send(Command.CONNECTION_VALIDATION, (w) => {
      w.uint32(0x10000);
      w.uint16(0x7fff);
      w.uint16(0);
      w.string('anonymous');
      encodeType(w, null);
    });
    await client.waitFor((m) => m.command === Command.CONNECTION_VALIDATED);
    return client;
  }

  send(command: number, body: (writer: ByteWriter) => void): void {
    const writer = new ByteWriter(false);
    for (const byte of [0xca, 2, 0x80, command]) writer.uint8(byte);
    writer.uint32(0);
    body(writer);
    writer.patchInt32(4, writer.length - HEADER);
    this.socket.write(Buffer.from(writer.take()!));
  }

  /** Creates a channel; resolves to its server id. */
  async createChannel(name: string, clientId = 1): Promise<number> {
    this.send(Command.CREATE_CHANNEL, (w) => {
      w.uint16(1);
      w.uint32(clientId);
      w.string(name);
    });
    const reply = await this.waitFor((m) => m.command === Command.CREATE_CHANNEL && this.uint32(m, 0) === clientId);
    return this.uint32(reply, 4);
  }

  /** A MONITOR INIT with pipeline flow control and `nfree`, then START. */
  async monitor(serverId: number, requestId: number, nfree: number, options: Record<string, string> = {}): Promise<void> {
    await this.monitorInit(serverId, requestId, nfree, options);
    this.send(Command.MONITOR, (w) => {
      w.uint32(serverId);
      w.uint32(requestId);
      w.uint8(Subcommand.GET | Subcommand.START_STOP | Subcommand.PIPELINE);
      w.uint32(0);
    });
  }

  /** A MONITOR INIT with pipeline flow control, `nfree` and record._options; resolves to its reply. */
  async monitorInit(serverId: number, requestId: number, nfree: number, options: Record<string, string> = {}): Promise<ServerMessage> {
    const request = optionsRequest(options);
    this.send(Command.MONITOR, (w) => {
      w.uint32(serverId);
      w.uint32(requestId);
      w.uint8(Subcommand.INIT | Subcommand.PIPELINE);
      encodeType(w, request.type);
      request.write(w);
      w.uint32(nfree);
    });
    return this.waitFor((m) => m.command === Command.MONITOR && this.uint32(m, 0) === requestId);
  }

  /** A GET INIT for field(value); resolves when the server has answered it. */
  async getInit(serverId: number, requestId: number): Promise<ServerMessage> {
    this.send(Command.GET, (w) => {
      w.uint32(serverId);
      w.uint32(requestId);
      w.uint8(Subcommand.INIT);
      encodeType(w, fieldValueRequest());
    });
    return this.waitFor((m) => m.command === Command.GET && this.uint32(m, 0) === requestId && m.payload[4] === Subcommand.INIT);
  }

  /**
   * A PUT INIT whose pvRequest is record[options]field(value), the options as strings (as
   * pvAccessCPP's createRequest sends them); resolves when the server has answered it.
   */
  async putInit(serverId: number, requestId: number, options: Record<string, string>): Promise<ServerMessage> {
    const request = optionsRequest(options);
    this.send(Command.PUT, (w) => {
      w.uint32(serverId);
      w.uint32(requestId);
      w.uint8(Subcommand.INIT);
      encodeType(w, request.type);
      request.write(w);
    });
    return this.waitFor((m) => m.command === Command.PUT && this.uint32(m, 0) === requestId && m.payload[4] === Subcommand.INIT);
  }

  /** A PUT of an initialised operation: `value` (BitSet {1}) as `write` encodes it; resolves to its reply. */
  async put(serverId: number, requestId: number, write: (writer: ByteWriter) => void): Promise<ServerMessage> {
    const sent = this.messages.length;
    this.send(Command.PUT, (w) => {
      w.uint32(serverId);
      w.uint32(requestId);
      w.uint8(0);
      w.uint8(1); // BitSet of one byte
      w.uint8(0b10); // bit 1: value
      write(w);
    });
    return this.waitFor((m) => this.messages.indexOf(m) >= sent && m.command === Command.PUT && this.uint32(m, 0) === requestId && m.payload[4] === 0);
  }

  /** Whether a reply's Status (after ioid and subcommand) is OK: the single byte 0xFF. */
  static isOk(reply: ServerMessage): boolean {
    return reply.payload[5] === 0xff;
  }

  /** One GET of an initialised operation. */
  get(serverId: number, requestId: number): void {
    this.send(Command.GET, (w) => {
      w.uint32(serverId);
      w.uint32(requestId);
      w.uint8(Subcommand.GET);
    });
  }

  ack(serverId: number, requestId: number, count: number): void {
    this.send(Command.MONITOR, (w) => {
      w.uint32(serverId);
      w.uint32(requestId);
      w.uint8(Subcommand.PIPELINE);
      w.uint32(count);
    });
  }

  /** Monitor updates (not the INIT reply) received for a request. */
  updates(requestId: number): ServerMessage[] {
    return this.messages.filter((m) => m.command === Command.MONITOR && this.uint32(m, 0) === requestId && m.payload[4] === 0);
  }

  /** The overrun BitSet's bytes of a field(value) update of a scalar double (after its value). */
  doubleOverrun(update: ServerMessage): number[] {
    return [...update.payload.subarray(16, 16 + update.payload[15]!)];
  }

  /** The double of a field(value) update of a scalar: BitSet {1} then the value. */
  doubleValue(update: ServerMessage): number {
    // ioid, subcommand, BitSet size 1 and its byte, then the value
    return update.littleEndian ? update.payload.readDoubleLE(7) : update.payload.readDoubleBE(7);
  }

  uint32(message: ServerMessage, offset: number): number {
    return message.littleEndian ? message.payload.readUInt32LE(offset) : message.payload.readUInt32BE(offset);
  }

  /** The bound only ends a failing test: under a loaded machine (8 MB monitors beside) replies took over 3 s. */
  async waitFor(match: (message: ServerMessage) => boolean, ms = 15_000): Promise<ServerMessage> {
    for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 5))) {
      const found = this.messages.find(match);
      if (found) return found;
    }
    throw new Error('no such message from the server');
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.pending = Buffer.concat([this.pending, chunk]);
    while (this.pending.length >= HEADER) {
      const flags = this.pending[2]!;
      const littleEndian = (flags & 0x80) === 0;
      const control = (flags & 0x01) !== 0;
      const size = control ? 0 : littleEndian ? this.pending.readUInt32LE(4) : this.pending.readUInt32BE(4);
      if (this.pending.length < HEADER + size) return;
      if (!control) {
        // Of a large payload only its start is copied, so that a flood of them costs the test little memory.
        const payload = Buffer.from(this.pending.subarray(HEADER, HEADER + Math.min(size, KEPT_BYTES)));
        this.messages.push({ command: this.pending[3]!, littleEndian, payload, size });
      }
      this.pending = this.pending.subarray(HEADER + size);
    }
  }
}
