import { Command } from '../protocol/constants';
import { decodeDatagram } from '../protocol/reader';
import { ADDRESS_OF_SENDER, writeSearchReply, writeVersion } from '../protocol/replies';
import { MessageWriter } from '../protocol/writer';
import type { AnswerDatagram, UdpReply } from '../../net/udp-responder';

/** Replies larger than this are split, to stay inside one Ethernet frame as libca expects. */
const MAX_REPLY_DATAGRAM = 1450;

export interface CaSearchContext {
  serves(name: string): boolean;
  /** The TCP port the replies advertise (it may differ from the UDP port after a fallback). */
  tcpPort(): number;
}

/**
 * CA name searches, answered with no socket: one datagram of VERSION and SEARCH requests in, the
 * replies to the sender out (only for names served, as rsrv; its DO_REPLY flag is for TCP).
 */
export function caSearchReplies(context: CaSearchContext): AnswerDatagram {
  return (datagram, peer) => {
    const replies: UdpReply[] = [];
    let writer: MessageWriter | undefined;
    let sequence = 0;
    for (const request of decodeDatagram(datagram)) {
      if (request.command === Command.VERSION) {
        sequence = request.sequence;
        continue;
      }
      if (request.command !== Command.SEARCH || !context.serves(request.name)) continue;
      if (writer && writer.size > MAX_REPLY_DATAGRAM) {
        replies.push({ data: writer.take()!, to: peer });
        writer = undefined;
      }
      if (!writer) {
        writer = new MessageWriter(512);
        writeVersion(writer, 0, sequence);
      }
      writeSearchReply(writer, context.tcpPort(), ADDRESS_OF_SENDER, request.searchId);
    }
    const last = writer?.take();
    if (last) replies.push({ data: last, to: peer });
    return replies;
  };
}
