import * as dgram from 'node:dgram';
import { writeBeacon } from '../protocol/replies';
import { MessageWriter } from '../protocol/writer';
import type { Logger } from '../../logger';
import { ANY_ADDRESS, ipv4Interfaces, ipv4ToNumber, type SocketAddress } from '../../net/addresses';

/** rsrv's first beacon interval; it doubles up to the configured period. */
const FIRST_BEACON_INTERVAL_MS = 20;

export interface BeaconOptions {
  destinations: SocketAddress[];
  /** Also send to the broadcast address of each served interface. */
  autoDestinations: boolean;
  beaconPort: number;
  interfaces: string[];
  tcpPort: number;
  periodSeconds: number;
  logger: Logger;
}

/**
 * Announces the server with RSRV_IS_UP: fast at first so that clients waiting for it reconnect
 * at once, then backing off to the configured period. Sequence numbers count up.
 */
export class BeaconEmitter {
  private readonly socket = dgram.createSocket('udp4');
  private readonly destinations: SocketAddress[];
  private timer: NodeJS.Timeout | undefined;
  private interval = FIRST_BEACON_INTERVAL_MS;
  private sequence = 0;
  private readonly serverAddress: number;

  constructor(private readonly options: BeaconOptions) {
    this.destinations = [...options.destinations];
    if (options.autoDestinations) {
      const served = new Set(options.interfaces);
      for (const entry of ipv4Interfaces()) {
        if (served.has(ANY_ADDRESS) || served.has(entry.address)) {
          this.destinations.push({ host: entry.broadcast, port: options.beaconPort });
        }
      }
    }
    const single = options.interfaces.length === 1 ? options.interfaces[0]! : ANY_ADDRESS;
    this.serverAddress = single === ANY_ADDRESS ? 0 : ipv4ToNumber(single);
    this.socket.on('error', (error) => options.logger.debug({ err: error }, 'beacon socket error'));
  }

  get beaconsSent(): number {
    return this.sequence;
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
    const writer = new MessageWriter(16);
    writeBeacon(writer, this.options.tcpPort, this.sequence++, this.serverAddress);
    const datagram = writer.take()!;
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
