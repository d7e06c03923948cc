import * as dgram from 'node:dgram';
import type { Logger } from '../logger';
import { ANY_ADDRESS, ipv4Interfaces, type SocketAddress } from './addresses';

export interface BeaconOptions {
  destinations: SocketAddress[];
  /** Also send to the broadcast address of each served interface, at `autoPort`. */
  autoDestinations: boolean;
  autoPort: number;
  interfaces: string[];
  periodSeconds: number;
  /**
   * The first interval, doubled up to the period (rsrv: 20 ms, so that clients waiting for the
   * server reconnect at once); the period from the start when left out (pvxs).
   */
  firstIntervalMs?: number;
  /** The protocol's beacon with this sequence number. */
  encode(sequence: number): Buffer;
  logger: Logger;
}

/** Announces a server (CA or pvAccess) to the beacon destinations; sequence numbers count up. */
export class BeaconEmitter {
  private readonly socket = dgram.createSocket('udp4');
  private readonly destinations: SocketAddress[];
  private timer: NodeJS.Timeout | undefined;
  private interval: number;
  private sequence = 0;

  constructor(private readonly options: BeaconOptions) {
    this.destinations = [...options.destinations];
    if (options.autoDestinations) {
      const served = new Set(options.interfaces);
      for (const entry of ipv4Interfaces()) {
        if (served.has(ANY_ADDRESS) || served.has(entry.address)) this.destinations.push({ host: entry.broadcast, port: options.autoPort });
      }
    }
    this.interval = options.firstIntervalMs ?? options.periodSeconds * 1000;
    this.socket.on('error', (error) => options.logger.debug({ err: error }, 'beacon socket error'));
  }

  start(): Promise<void> {
    return new Promise((resolve) => {
      this.socket.bind(0, () => {
        this.socket.setBroadcast(true);
        this.beat();
        resolve();
      });
    });
  }

  private beat(): void {
    const datagram = this.options.encode(this.sequence++);
    for (const destination of this.destinations) {
      this.socket.send(datagram, destination.port, destination.host, (error) => {
        if (error) this.options.logger.debug({ err: error, destination }, 'beacon not sent');
      });
    }
    this.timer = setTimeout(() => this.beat(), this.interval);
    this.timer.unref();
    this.interval = Math.min(this.interval * 2, this.options.periodSeconds * 1000);
  }

  close(): Promise<void> {
    clearTimeout(this.timer);
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
