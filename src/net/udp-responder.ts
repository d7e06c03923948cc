import * as dgram from 'node:dgram';
import type { Logger } from '../logger';
import { ANY_ADDRESS, broadcastAddressOf, type SocketAddress } from './addresses';
import { ProtocolError } from './protocol-error';
import { RateLimiter } from './rate-limiter';

/** One datagram to send in reply. */
export interface UdpReply {
  data: Buffer;
  to: SocketAddress;
}

/** Hands a completed reply datagram over to be sent. */
export type SendReply = (reply: UdpReply) => void;

/**
 * A protocol's search replies, with no socket: a datagram from `peer`, heard on the socket serving
 * interface `served`, in; reply datagrams out through `send` as each is completed. `answer` may
 * keep its last reply open, so that the replies to the next datagram from the same peer join it
 * (CA packs many searches' replies into one datagram, as rsrv does); a datagram from another peer
 * closes it. `flush` sends what is open: the caller calls it when a read burst ends. `answer`
 * throws ProtocolError on a malformed datagram, after sending what it completed before the fault.
 */
export interface SearchAnswerer {
  answer(datagram: Buffer, peer: SocketAddress, served: string, send: SendReply): void;
  flush(send: SendReply): void;
}

export interface UdpResponderOptions {
  interfaces: string[];
  port: number;
  answer: SearchAnswerer;
  ignoreAddresses: string[];
  /**
   * Reply datagrams sent per second at most (a CA one answers up to 59 searches); past it they are
   * dropped, and the client searches again.
   */
  maxRepliesPerSecond: number;
  logger: Logger;
}

/**
 * Reply datagrams completed in one read burst and held until it ends; past it they go out at once,
 * so that a burst of any length holds a bounded number of replies.
 */
const MAX_REPLIES_HELD = 64;

/**
 * Reply datagrams handed to the kernel whose send has not completed. A burst beyond it has its replies
 * dropped, as rsrv's are when its socket is full, so that neither pending sends nor their
 * callbacks can pile up in memory.
 */
const MAX_REPLIES_IN_FLIGHT = 256;

/**
 * The UDP side of a server (CA or pvAccess): answers searches on every configured interface.
 * Sockets share the port with other servers and clients on the host (SO_REUSEADDR, as rsrv and
 * pvxs bind), so a search sent to a broadcast address reaches all of them; each interface also
 * gets a socket bound to its broadcast address, because a socket bound to a unicast address does
 * not see broadcasts on Linux.
 */
export class UdpResponder {
  private readonly sockets: dgram.Socket[] = [];
  private readonly ignored: Set<string>;
  private readonly rate: RateLimiter;
  private repliesInFlight = 0;
  private dropped = 0;
  /** The socket that sends the replies held, the answerer's open one and those completed; undefined when none are. */
  private holding: dgram.Socket | undefined;
  /**
   * Reply datagrams completed during this read burst, sent together when it ends: libca's UDP
   * thread wakes for every reply datagram that finds it idle, and each wake-up wakes its TCP send
   * thread for the channels that datagram found, which then contend for libca's lock. Replies sent
   * back to back are read in fewer wake-ups (BENCHMARKS.md "Connect: what is left").
   */
  private readonly completed: UdpReply[] = [];
  private burstEnd: NodeJS.Immediate | undefined;
  private readonly endBurst = () => {
    this.burstEnd = undefined;
    this.flush();
  };
  private readonly holdReply: SendReply = (reply) => {
    this.completed.push(reply);
    if (this.completed.length >= MAX_REPLIES_HELD) this.sendCompleted();
  };

  private constructor(private readonly options: UdpResponderOptions) {
    this.ignored = new Set(options.ignoreAddresses);
    this.rate = new RateLimiter(options.maxRepliesPerSecond);
  }

  static async start(options: UdpResponderOptions): Promise<UdpResponder> {
    const responder = new UdpResponder(options);
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

  /** Replies dropped by the rate cap or the in-flight cap since start. */
  get droppedReplies(): number {
    return this.dropped;
  }

  /** Binds one socket; replies to what it hears go out through `replyVia` (a broadcast-bound socket cannot send). */
  private bind(address: string, replyVia: dgram.Socket | undefined, served: string): Promise<dgram.Socket> {
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
        socket.on('message', (datagram, peer) => this.onDatagram(datagram, peer, replyVia ?? socket, served));
        this.sockets.push(socket);
        resolve(socket);
      });
    });
  }

  private onDatagram(received: Buffer, peer: dgram.RemoteInfo, replySocket: dgram.Socket, served: string): void {
    if (this.ignored.has(peer.address)) return;
    // dgram's Buffers are made in C++ and have another V8 map than those made in JS (TCP chunks,
    // a server's warm-up): a view of the same bytes gives the protocol core one kind of Buffer,
    // so that its code compiled before the first client is not thrown away at the first datagram.
    const datagram = Buffer.from(received.buffer, received.byteOffset, received.length);
    // Replies open for a peer heard on another socket go out through theirs.
    if (this.holding !== undefined && this.holding !== replySocket) this.flush();
    this.holding = replySocket;
    // libuv reads up to 32 datagrams a wake-up, each a 'message'; an immediate runs once they are all read.
    this.burstEnd ??= setImmediate(this.endBurst);
    try {
      this.options.answer.answer(datagram, { host: peer.address, port: peer.port }, served, this.holdReply);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.options.logger.debug({ peer: `${peer.address}:${peer.port}`, reason: error.message }, 'bad search datagram');
    }
  }

  /** Sends every reply held: the completed ones, then the one the answerer holds open. */
  private flush(): void {
    if (this.holding) this.options.answer.flush(this.holdReply);
    this.sendCompleted();
    this.holding = undefined;
  }

  private sendCompleted(): void {
    for (const reply of this.completed) this.send(this.holding!, reply);
    this.completed.length = 0;
  }

  private send(socket: dgram.Socket, reply: UdpReply): void {
    if (this.repliesInFlight >= MAX_REPLIES_IN_FLIGHT || !this.rate.take()) {
      this.dropped++;
      return;
    }
    this.repliesInFlight++;
    socket.send(reply.data, reply.to.port, reply.to.host, (error) => {
      this.repliesInFlight--;
      if (error) this.options.logger.debug({ err: error, peer: `${reply.to.host}:${reply.to.port}` }, 'search reply not sent');
    });
  }

  async close(): Promise<void> {
    // Replies still held are dropped with the sockets, as a search unanswered at shutdown is.
    if (this.burstEnd) clearImmediate(this.burstEnd);
    this.burstEnd = undefined;
    this.holding = undefined;
    this.completed.length = 0;
    this.options.answer.flush(() => undefined);
    await Promise.all(this.sockets.map((socket) => new Promise<void>((resolve) => socket.close(() => resolve()))));
    this.sockets.length = 0;
  }
}
