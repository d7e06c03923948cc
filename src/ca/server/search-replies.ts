import { Command } from '../protocol/constants';
import { DatagramReader } from '../protocol/reader';
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
 * replies to the sender out (only for names served, as rsrv; its DO_REPLY flag is for TCP); other
 * commands that reach a search port (beacons, repeater traffic) are skipped. The datagram is read
 * in place, and every reply is written into one writer, whose batches stay valid while the socket
 * sends them (it never writes over what it handed out).
 */
export function caSearchReplies(context: CaSearchContext): AnswerDatagram {
  const reader = new DatagramReader();
  const writer = new MessageWriter();
  return (datagram, peer) => {
    const replies: UdpReply[] = [];
    const header = reader.header;
    let sequence = 0;
    reader.read(datagram);
    // A datagram that turns out truncated answers nothing, as before any reply was sent.
    writer.take();
    while (reader.next()) {
      if (header.command === Command.VERSION) {
        sequence = header.parameter1;
        continue;
      }
      if (header.command !== Command.SEARCH || !context.serves(reader.searchName())) continue;
      if (writer.size > MAX_REPLY_DATAGRAM) replies.push({ data: writer.take()!, to: peer });
      if (writer.size === 0) writeVersion(writer, 0, sequence);
      writeSearchReply(writer, context.tcpPort(), ADDRESS_OF_SENDER, header.parameter1);
    }
    const last = writer.take();
    if (last) replies.push({ data: last, to: peer });
    return replies;
  };
}
