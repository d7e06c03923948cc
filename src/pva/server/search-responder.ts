import * as dgram from 'node:dgram';
import type { Logger } from '../../logger';
import { ANY_ADDRESS, broadcastAddressOf } from '../../net/addresses';
import {
  decodeDatagram,
  isUnspecifiedAddress,
  ProtocolError,
  PvaMessageWriter,
  TCP_PROTOCOL,
  UNSPECIFIED_ADDRESS,
  writeSearchResponse,
  type SearchRequest,
} from '../protocol';

export interface PvaSearchResponderOptions {
  interfaces: string[];
  port: number;
  guid: Uint8Array;
  /** The TCP port the responses advertise. */
  tcpPort: () => number;
  serves: (name: string) => boolean;
  ignoreAddresses: string[];
  logger: Logger;
}

/**
 * Answers UDP searches on every configured interface, on a port shared with the other pvAccess
 * servers and clients of the host (SO_REUSEADDR, as pvxs's udp_collector binds), with a socket
 * on each interface's broadcast address too, as for CA. Responses go to the reply address and
 * port the search names, the sender's when it names none.
 */
export class PvaSearchResponder {
  private readonly sockets: dgram.Socket[] = [];
  private readonly ignored: Set<string>;

  private constructor(private readonly options: PvaSearchResponderOptions) {
    this.ignored = new Set(options.ignoreAddresses);
  }

  static async start(options: PvaSearchResponderOptions): Promise<PvaSearchResponder> {
    const responder = new PvaSearchResponder(options);
    try {
      for (const address of options.interfaces) {
        const replySocket = await responder.bind(address, undefined, address);
        if (address === ANY_ADDRESS) continue;
        const broadcast = broadcastAddressOf(address);
        if (broadcast && broadcast !== address) await responder.bind(broadcast, replySocket, address);
      }
    } catch (error) {
      await responder.close();
      throw error;
    }
    return responder;
  }

  /** `served` is the interface the socket answers for: responses name it, so clients connect there. */
  private bind(address: string, replyVia: dgram.Socket | undefined, served: string): Promise<dgram.Socket> {
    return new Promise((resolve, reject) => {
      const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
      const onError = (error: Error) => {
        socket.close();
        reject(new Error(`cannot bind the pvAccess UDP search port ${address}:${this.options.port}: ${error.message}`));
      };
      socket.once('error', onError);
      socket.bind(this.options.port, address, () => {
        socket.off('error', onError);
        socket.on('error', (error) => this.options.logger.warn({ err: error, address }, 'pvAccess UDP search socket error'));
        socket.on('message', (datagram, peer) => this.onDatagram(datagram, peer, replyVia ?? socket, served));
        this.sockets.push(socket);
        resolve(socket);
      });
    });
  }

  private onDatagram(datagram: Buffer, peer: dgram.RemoteInfo, replySocket: dgram.Socket, served: string): void {
    if (this.ignored.has(peer.address)) return;
    let messages;
    try {
      messages = decodeDatagram(datagram);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.options.logger.debug({ peer: `${peer.address}:${peer.port}`, reason: error.message }, 'bad pvAccess search datagram');
      return;
    }
    for (const message of messages) {
      if (message.kind === 'search') this.answer(message, peer, replySocket, served);
    }
  }

  private answer(search: SearchRequest, peer: dgram.RemoteInfo, socket: dgram.Socket, served: string): void {
    if (search.protocols.length > 0 && !search.protocols.includes(TCP_PROTOCOL)) return;
    const found = search.channels.filter((channel) => this.options.serves(channel.name));
    if (found.length === 0 && !search.mustReply) return;
    const writer = new PvaMessageWriter(true, 256);
    writeSearchResponse(writer, {
      guid: this.options.guid,
      sequenceId: search.sequenceId,
      address: served === ANY_ADDRESS ? UNSPECIFIED_ADDRESS : served,
      port: this.options.tcpPort(),
      protocol: TCP_PROTOCOL,
      found: found.length > 0,
      searchInstanceIds: (found.length > 0 ? found : search.channels).map((channel) => channel.searchInstanceId),
    });
    const host = isUnspecifiedAddress(search.replyAddress) ? peer.address : search.replyAddress;
    const port = search.replyPort || peer.port;
    socket.send(writer.take()!, port, host, (error) => {
      if (error) this.options.logger.debug({ err: error, peer: `${host}:${port}` }, 'search response not sent');
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.sockets.map((socket) => new Promise<void>((resolve) => socket.close(() => resolve()))));
    this.sockets.length = 0;
  }
}
