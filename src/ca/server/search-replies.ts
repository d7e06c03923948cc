import { Command } from '../protocol/constants';
import { DatagramReader } from '../protocol/reader';
import { ADDRESS_OF_SENDER, writeDatagramVersion, writeSearchReply } from '../protocol/replies';
import { MessageWriter } from '../protocol/writer';
import type { SocketAddress } from '../../net/addresses';
import type { SearchAnswerer, SendReply } from '../../net/udp-responder';

/** A reply datagram stays inside one Ethernet frame, as libca expects. */
const MAX_REPLY_DATAGRAM = 1450;
/** A VERSION, and a SEARCH reply with its 2-byte payload padded to 8. */
const VERSION_SIZE = 16;
const SEARCH_REPLY_SIZE = 24;
/** The first minor version whose search datagrams carry a sequence number (CA 4.11, caProto.h `CA_V411`). */
const SEQUENCED_MINOR_VERSION = 11;

export interface CaSearchContext {
  serves(name: string): boolean;
  /** The TCP port the replies advertise (it may differ from the UDP port after a fallback). */
  tcpPort(): number;
}

/**
 * CA name searches, answered with no socket: datagrams of VERSION and SEARCH requests in, the
 * replies to the sender out (only for names served, as rsrv; its DO_REPLY flag is for TCP); other
 * commands that reach a search port (beacons, repeater traffic) are skipped.
 *
 * Replies to consecutive datagrams from one peer share reply datagrams, up to MAX_REPLY_DATAGRAM
 * each, as rsrv's cast_server holds its reply while more requests wait on the socket: a libca
 * connect of 10 000 names sends ~320 search datagrams, answered in ~170. Each run of replies to one
 * search datagram starts with a VERSION carrying that datagram's sequence number (rsrv puts one
 * VERSION per reply datagram, with the latest request's), so libca matches every reply to the
 * search it answers. The datagrams are read in place, and every reply is written into one writer,
 * whose batches stay valid while the socket sends them (it never writes over what it handed out).
 */
export function caSearchReplies(context: CaSearchContext): SearchAnswerer {
  const reader = new DatagramReader();
  const writer = new MessageWriter();
  /** The peer of the reply datagram being filled. */
  let holding: SocketAddress | undefined;
  const close = (send: SendReply) => {
    const data = writer.take();
    if (data && holding) send({ data, to: holding });
    holding = undefined;
  };
  return {
    answer(datagram, peer, _served, send) {
      if (holding && (holding.host !== peer.host || holding.port !== peer.port)) close(send);
      const header = reader.header;
      let sequence: number | undefined;
      let versionDue = true;
      reader.read(datagram);
      // A malformed message ends the datagram; the searches before it stay answered, as rsrv's camessage leaves them.
      while (reader.next()) {
        if (header.command === Command.VERSION) {
          sequence = header.dataCount >= SEQUENCED_MINOR_VERSION ? header.parameter1 : undefined;
          versionDue = true;
          continue;
        }
        if (header.command !== Command.SEARCH || !context.serves(reader.searchName())) continue;
        if (writer.size + SEARCH_REPLY_SIZE + (versionDue ? VERSION_SIZE : 0) > MAX_REPLY_DATAGRAM) {
          close(send);
          versionDue = true;
        }
        holding = peer;
        if (versionDue) writeDatagramVersion(writer, sequence);
        versionDue = false;
        writeSearchReply(writer, context.tcpPort(), ADDRESS_OF_SENDER, header.parameter1);
      }
    },
    flush: close,
  };
}
