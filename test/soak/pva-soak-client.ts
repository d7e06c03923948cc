import * as net from 'node:net';
import { ByteWriter, Command, encodeType, structure, Subcommand } from '../../src/pva/protocol';
import { startTcaContext, stopTcaContext } from '../helpers/tca';
import type { SoakClient, SoakProtocol } from './waves';

// The pvAccess soak client, as SoakCircuit is CA's: one connection that validates, creates its
// channels in one message and monitors each (field(value,alarm,timeStamp), as pvxmonitor asks),
// counting updates. Far lighter than a client library per connection.

const HEADER = 8;
const MONITOR_REQUEST = structure('', { field: structure('', { value: structure('', {}), alarm: structure('', {}), timeStamp: structure('', {}) }) });

function message(command: number, body: (writer: ByteWriter) => void): Buffer {
  const writer = new ByteWriter(true);
  for (const byte of [0xca, 2, 0x00, command]) writer.uint8(byte);
  writer.uint32(0);
  body(writer);
  writer.patchInt32(4, writer.length - HEADER);
  return Buffer.from(writer.take()!);
}

export class PvaSoakCircuit implements SoakClient {
  updates = 0;
  private pending: Buffer = Buffer.alloc(0);
  private readonly serverIds: number[] = [];
  private ready: (() => void) | undefined;

  private constructor(
    private readonly socket: net.Socket,
    private readonly names: readonly string[],
  ) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => undefined);
  }

  /** Resolves once each channel has had its first update. */
  static open(port: number, names: readonly string[], timeoutMs = 20_000): Promise<PvaSoakCircuit> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
      const circuit = new PvaSoakCircuit(socket, names);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`pva soak client: ${circuit.updates} updates for ${names.length} channels after ${timeoutMs} ms`));
      }, timeoutMs);
      circuit.ready = () => {
        clearTimeout(timer);
        resolve(circuit);
      };
      socket.once('close', () => reject(new Error('pva soak client: the server closed the connection')));
    });
  }

  private receive(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const out: Buffer[] = [];
    while (this.pending.length >= HEADER) {
      const flags = this.pending[2]!;
      const control = (flags & 0x01) !== 0;
      const size = control ? 0 : (flags & 0x80) !== 0 ? this.pending.readUInt32BE(4) : this.pending.readUInt32LE(4);
      if (this.pending.length < HEADER + size) break;
      if (!control) this.handle(this.pending[3]!, this.pending.subarray(HEADER, HEADER + size), (flags & 0x80) === 0, out);
      this.pending = this.pending.subarray(HEADER + size);
    }
    if (out.length > 0) this.socket.write(Buffer.concat(out));
  }

  private handle(command: number, payload: Buffer, littleEndian: boolean, out: Buffer[]): void {
    const uint32 = (offset: number) => (littleEndian ? payload.readUInt32LE(offset) : payload.readUInt32BE(offset));
    if (command === Command.CONNECTION_VALIDATION) {
      out.push(
        message(Command.CONNECTION_VALIDATION, (w) => {
          w.uint32(0x10000);
          w.uint16(0x7fff);
          w.uint16(0);
          w.string('anonymous');
          encodeType(w, null);
        }),
      );
    } else if (command === Command.CONNECTION_VALIDATED) {
      out.push(
        message(Command.CREATE_CHANNEL, (w) => {
          w.uint16(this.names.length);
          this.names.forEach((name, clientId) => {
            w.uint32(clientId);
            w.string(name);
          });
        }),
      );
    } else if (command === Command.CREATE_CHANNEL) {
      const clientId = uint32(0);
      const serverId = uint32(4);
      this.serverIds[clientId] = serverId;
      out.push(
        message(Command.MONITOR, (w) => {
          w.uint32(serverId);
          w.uint32(clientId);
          w.uint8(Subcommand.INIT);
          encodeType(w, MONITOR_REQUEST);
        }),
      );
    } else if (command === Command.MONITOR && payload[4] === Subcommand.INIT) {
      const requestId = uint32(0);
      out.push(
        message(Command.MONITOR, (w) => {
          w.uint32(this.serverIds[requestId]!);
          w.uint32(requestId);
          w.uint8(Subcommand.GET | Subcommand.START_STOP);
        }),
      );
    } else if (command === Command.MONITOR && payload[4] === 0) {
      if (++this.updates >= this.names.length && this.ready) {
        this.ready();
        this.ready = undefined;
      }
    }
  }

  /** `clean`: DESTROY_CHANNEL for each channel, then close; else drop the connection. */
  close(clean: boolean): void {
    if (clean) {
      this.socket.write(
        Buffer.concat(
          this.serverIds.map((serverId, clientId) =>
            message(Command.DESTROY_CHANNEL, (w) => {
              w.uint32(serverId);
              w.uint32(clientId);
            }),
          ),
        ),
      );
      this.socket.end();
    } else {
      this.socket.destroy();
    }
  }
}

/** pvAccess: raw connections, and epics-tca (one context per wave: its environment is process-wide). */
export const PVA_SOAK: SoakProtocol = {
  open: (port, names) => PvaSoakCircuit.open(port, names),
  async realClient(names, holdMs, clientEnv) {
    const context = await startTcaContext(clientEnv);
    try {
      let updates = 0;
      const monitors = [];
      for (const name of names) {
        const channel = await context.createChannel(name, 'pva', 10);
        if (channel) monitors.push(await channel.createMonitorPva(10, 'value', () => updates++));
      }
      await new Promise((resolve) => setTimeout(resolve, holdMs));
      return { connected: monitors.filter(Boolean).length, updates };
    } finally {
      await stopTcaContext(context);
    }
  },
};
