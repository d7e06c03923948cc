import type { SearchAnswerer, UdpReply } from '../../net/udp-responder';
import { ANY_ADDRESS, type SocketAddress } from '../../net/addresses';
import {
  decodeDatagram,
  isUnspecifiedAddress,
  PvaMessageWriter,
  TCP_PROTOCOL,
  UNSPECIFIED_ADDRESS,
  writeSearchResponse,
  type SearchRequest,
} from '../protocol';

export interface PvaSearchContext {
  serves(name: string): boolean;
  guid: Uint8Array;
  /** The TCP port the responses advertise. */
  tcpPort(): number;
}

/**
 * Encodes the response to one search into `writer`, over UDP or over a circuit alike; false when
 * the search asks for nothing this server gives (another transport, no name served and no reply
 * demanded). `address` is where clients should connect: the unspecified address for the sender's.
 */
export function writeSearchAnswer(writer: PvaMessageWriter, search: SearchRequest, context: PvaSearchContext, address: string): boolean {
  if (search.protocols.length > 0 && !search.protocols.includes(TCP_PROTOCOL)) return false;
  const found = search.channels.filter((channel) => context.serves(channel.name));
  if (found.length === 0 && !search.mustReply) return false;
  writeSearchResponse(writer, {
    guid: context.guid,
    sequenceId: search.sequenceId,
    address,
    port: context.tcpPort(),
    protocol: TCP_PROTOCOL,
    found: found.length > 0,
    searchInstanceIds: (found.length > 0 ? found : search.channels).map((channel) => channel.searchInstanceId),
  });
  return true;
}

/**
 * pvAccess searches, answered with no socket: a datagram in, one response per search out, to the
 * reply address and port the search names (the sender's when it names none). A response names the
 * interface the search was heard on, so that clients connect there. Responses are not packed
 * together across datagrams: each goes where its search asks, and pvAccess clients are not known
 * here to read several from one datagram.
 */
export function pvaSearchReplies(context: PvaSearchContext): SearchAnswerer {
  return { answer: (datagram, peer, served, send) => answerDatagram(context, datagram, peer, served).forEach(send), flush: () => undefined };
}

/** A datagram's responses, each a datagram of its own; none when the datagram is malformed (it throws). */
function answerDatagram(context: PvaSearchContext, datagram: Buffer, peer: SocketAddress, served: string): UdpReply[] {
  const replies: UdpReply[] = [];
  for (const message of decodeDatagram(datagram)) {
    if (message.kind !== 'search') continue;
    const writer = new PvaMessageWriter(true, 256);
    if (!writeSearchAnswer(writer, message, context, served === ANY_ADDRESS ? UNSPECIFIED_ADDRESS : served)) continue;
    const host = isUnspecifiedAddress(message.replyAddress) ? peer.host : message.replyAddress;
    replies.push({ data: writer.take()!, to: { host, port: message.replyPort || peer.port } });
  }
  return replies;
}
