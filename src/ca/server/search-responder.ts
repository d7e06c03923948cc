import * as dgram from 'node:dgram';
import { Command } from '../protocol/constants';
import { ProtocolError } from '../protocol/errors';
import { decodeDatagram } from '../protocol/reader';
import { ADDRESS_OF_SENDER, writeSearchReply, writeVersion } from '../protocol/replies';
import { MessageWriter } from '../protocol/writer';
import type { Logger } from '../../logger';
import { ANY_ADDRESS, broadcastAddressOf } from '../../net/addresses';

/** Replies larger than this are split, to stay inside one Ethernet frame as libca expects. */
const MAX_REPLY_DATAGRAM = 1450;

/**
 * Replies handed to the kernel whose send has not completed. A burst of searches beyond it has
 * its replies dropped, as rsrv's do when its socket is full: libca searches again, and neither
 * pending sends nor their callbacks can pile up in memory.
 */
const MAX_REPLIES_IN_FLIGHT = 256;

export interface SearchResponderOptions {
  interfaces: string[];
  port: number;
  /** The TCP port the replies advertise (it may differ from `port` after a fallback). */
  tcpPort: () => number;
  serves: (name: string) => boolean;
  ignoreAddresses: string[];
  logger: Logger;
}

/**
 * Answers UDP name searches on every configured interface. Sockets share the port with other
 * servers on the host (SO_REUSEADDR, as rsrv does), so a search sent to a broadcast address
 * reaches all of them; each interface also gets a socket bound to its broadcast address, because
 * a socket bound to a unicast address does not see broadcasts on Linux.
 */
export class SearchResponder {
  private readonly sockets: dgram.Socket[] = [];
  private readonly ignored: Set<string>;
  private searchesAnswered = 0;
  private repliesInFlight = 0;

  private constructor(private readonly options: SearchResponderOptions) {
    this.ignored = new Set(options.ignoreAddresses);
  }

  static async start(options: SearchResponderOptions): Promise<SearchResponder> {
    const responder = new SearchResponder(options);
    try {
      for (const address of options.interfaces) {
        const replySocket = await responder.bind(address, undefined);
        if (address === ANY_ADDRESS) continue;
        const broadcast = broadcastAddressOf(address);
        if (broadcast && broadcast !== address) await responder.bind(broadcast, replySocket);
      }
    } catch (error) {
      await responder.close();
      throw error;
    }
    return responder;
  }

  get answered(): number {
    return this.searchesAnswered;
  }

  /** Binds one socket; replies to what it hears go out through `replyVia` (a broadcast-bound socket cannot send). */
  private bind(address: string, replyVia: dgram.Socket | undefined): Promise<dgram.Socket> {
    return new Promise((resolve, reject) => {
      const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
      const onError = (error: Error) => {
        socket.close();
        reject(new Error(`cannot bind the UDP search port ${address}:${this.options.port}: ${error.message}`));
      };
      socket.once('error', onError);
      socket.bind(this.options.port, address, () => {
        socket.off('error', onError);
        socket.on('error', (error) => this.options.logger.warn({ err: error, address }, 'UDP search socket error'));
        socket.on('message', (datagram, peer) => this.onDatagram(datagram, peer, replyVia ?? socket));
        this.sockets.push(socket);
        resolve(socket);
      });
    });
  }

  private onDatagram(datagram: Buffer, peer: dgram.RemoteInfo, replySocket: dgram.Socket): void {
    if (this.ignored.has(peer.address)) return;
    let requests;
    try {
      requests = decodeDatagram(datagram);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.options.logger.debug({ peer: `${peer.address}:${peer.port}`, reason: error.message }, 'bad search datagram');
      return;
    }
    let writer: MessageWriter | undefined;
    let sequence = 0;
    for (const request of requests) {
      if (request.command === Command.VERSION) {
        sequence = request.sequence;
        continue;
      }
      if (request.command !== Command.SEARCH || !this.options.serves(request.name)) continue;
      if (writer && writer.size > MAX_REPLY_DATAGRAM) {
        this.send(replySocket, writer, peer);
        writer = undefined;
      }
      if (!writer) {
        writer = new MessageWriter(512);
        writeVersion(writer, 0, sequence);
      }
      writeSearchReply(writer, this.options.tcpPort(), ADDRESS_OF_SENDER, request.searchId);
      this.searchesAnswered++;
    }
    if (writer) this.send(replySocket, writer, peer);
  }

  private send(socket: dgram.Socket, writer: MessageWriter, peer: dgram.RemoteInfo): void {
    const datagram = writer.take();
    if (!datagram) return;
    if (this.repliesInFlight >= MAX_REPLIES_IN_FLIGHT) return;
    this.repliesInFlight++;
    socket.send(datagram, peer.port, peer.address, (error) => {
      this.repliesInFlight--;
      if (error) this.options.logger.debug({ err: error, peer: `${peer.address}:${peer.port}` }, 'search reply not sent');
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.sockets.map((socket) => new Promise<void>((resolve) => socket.close(() => resolve()))));
    this.sockets.length = 0;
  }
}
