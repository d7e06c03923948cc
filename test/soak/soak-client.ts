import * as net from 'node:net';
import {
  writeClearChannelRequest,
  writeClientNameRequest,
  writeCreateChannelRequest,
  writeEventAddRequest,
  writeHostNameRequest,
  writeVersionRequest,
} from '../../src/ca/protocol/client-requests';
import { Command, Dbe } from '../../src/ca/protocol/constants';
import { DbrType } from '../../src/ca/protocol/dbr';
import { MessageFramer } from '../../src/ca/protocol/framer';
import { MessageWriter } from '../../src/ca/protocol/writer';

/**
 * A soak client on one circuit of its own, from the client half of the protocol core: it
 * connects its channels and monitors each as camonitor does (DBR_TIME_DOUBLE, value and alarm),
 * and counts the updates. Far lighter than a libca context per client.
 */
export class SoakCircuit {
  updates = 0;
  private readonly framer = new MessageFramer();
  private readonly writer = new MessageWriter(4096);
  private readonly serverIds: number[] = [];
  private ready: (() => void) | undefined;

  private constructor(
    private readonly socket: net.Socket,
    private readonly channels: number,
  ) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => undefined);
  }

  /** Resolves once as many updates as channels have arrived, i.e. about when every channel is monitored. */
  static open(port: number, names: readonly string[], timeoutMs = 20_000): Promise<SoakCircuit> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
      const circuit = new SoakCircuit(socket, names.length);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`soak client: ${circuit.updates} updates for ${names.length} channels after ${timeoutMs} ms`));
      }, timeoutMs);
      circuit.ready = () => {
        clearTimeout(timer);
        resolve(circuit);
      };
      socket.once('close', () => reject(new Error('soak client: the server closed the circuit')));
      socket.on('connect', () => {
        writeVersionRequest(circuit.writer);
        writeClientNameRequest(circuit.writer, 'soak');
        writeHostNameRequest(circuit.writer, 'soak-host');
        names.forEach((name, clientId) => writeCreateChannelRequest(circuit.writer, name, clientId));
        circuit.flush();
      });
    });
  }

  private receive(chunk: Buffer): void {
    this.framer.push(chunk);
    while (this.framer.next()) {
      const { command, parameter1, parameter2, payloadSize } = this.framer.header;
      if (command === Command.CREATE_CHAN) {
        this.serverIds[parameter1] = parameter2;
        writeEventAddRequest(this.writer, DbrType.TIME_DOUBLE, 1, parameter2, parameter1, Dbe.VALUE | Dbe.ALARM);
      } else if (command === Command.EVENT_ADD && payloadSize > 0) {
        // Each channel's first update comes at once; later ones may overtake the last first one.
        if (++this.updates >= this.channels && this.ready) {
          this.ready();
          this.ready = undefined;
        }
      }
    }
    this.flush();
  }

  private flush(): void {
    const batch = this.writer.take();
    if (batch) this.socket.write(batch);
  }

  /** `clean`: CLEAR_CHANNEL for each channel, then close, as libca's ca_context_destroy; else drop the connection. */
  close(clean: boolean): void {
    if (clean) {
      this.serverIds.forEach((serverId, clientId) => writeClearChannelRequest(this.writer, serverId, clientId));
      this.flush();
      this.socket.end();
    } else {
      this.socket.destroy();
    }
  }
}
