import * as dgram from 'node:dgram';
import type { Logger } from '../../logger';
import { ANY_ADDRESS, ipv4Interfaces, type SocketAddress } from '../../net/addresses';
import { PvaMessageWriter, TCP_PROTOCOL, UNSPECIFIED_ADDRESS, writeBeacon } from '../protocol';

export interface PvaBeaconOptions {
  guid: Uint8Array;
  destinations: SocketAddress[];
  /** Also send to the broadcast address of each served interface. */
  autoDestinations: boolean;
  broadcastPort: number;
  interfaces: string[];
  tcpPort: number;
  periodSeconds: number;
  logger: Logger;
}

/** Announces the server: one beacon at start, then one a period, as pvxs does. */
export class PvaBeaconEmitter {
  private readonly socket = dgram.createSocket('udp4');
  private readonly destinations: SocketAddress[];
  private readonly address: string;
  private timer: NodeJS.Timeout | undefined;
  private sequence = 0;

  constructor(private readonly options: PvaBeaconOptions) {
    this.destinations = [...options.destinations];
    if (options.autoDestinations) {
      const served = new Set(options.interfaces);
      for (const entry of ipv4Interfaces()) {
        if (served.has(ANY_ADDRESS) || served.has(entry.address)) this.destinations.push({ host: entry.broadcast, port: options.broadcastPort });
      }
    }
    const single = options.interfaces.length === 1 ? options.interfaces[0]! : ANY_ADDRESS;
    this.address = single === ANY_ADDRESS ? UNSPECIFIED_ADDRESS : single;
    this.socket.on('error', (error) => options.logger.debug({ err: error }, 'pvAccess beacon socket error'));
  }

  start(): Promise<void> {
    return new Promise((resolve) => {
      this.socket.bind(0, () => {
        this.socket.setBroadcast(true);
        this.beat();
        this.timer = setInterval(() => this.beat(), this.options.periodSeconds * 1000).unref();
        resolve();
      });
    });
  }

  private beat(): void {
    const writer = new PvaMessageWriter(true, 128);
    writeBeacon(writer, {
      guid: this.options.guid,
      sequenceId: this.sequence++,
      changeCount: 0,
      address: this.address,
      port: this.options.tcpPort,
      protocol: TCP_PROTOCOL,
    });
    const datagram = writer.take()!;
    for (const destination of this.destinations) {
      this.socket.send(datagram, destination.port, destination.host, (error) => {
        if (error) this.options.logger.debug({ err: error, destination }, 'pvAccess beacon not sent');
      });
    }
  }

  close(): Promise<void> {
    clearInterval(this.timer);
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
