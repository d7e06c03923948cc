import type { BitSet } from '../codec/bit-set';
import { ByteReader } from '../codec/byte-reader';
import { decodePartial } from '../codec/pvdata';
import type { PVStructure } from '../codec/pv-structure';
import { TypeCache } from '../codec/type-descriptor';
import { ProtocolError } from '../errors';
import { decodeClientMessage, decodeOriginTag, decodeSearch, type ClientMessage, type OriginTag, type PutRequest, type SearchRequest } from './client-messages';
import { Command, Flag, HEADER_SIZE } from './constants';
import { MessageFramer } from './framer';
import { FramedReader } from '../../../net/framed-reader';
import { emptyHeader, isControl, isFromServer, isLittleEndian, readHeader } from './header';

/**
 * A client connection's incoming side: bytes in as they arrive, typed messages out, segments
 * joined, each message read in the byte order its header gives. Holds the connection's cache of
 * the types the client defined. Commands a client has no business sending are skipped.
 */
export class PvaCircuitReader extends FramedReader<ClientMessage, MessageFramer> {
  readonly typeCache = new TypeCache();

  /** `maxPayloadSize` bounds what one message may ask the server to buffer. */
  constructor(maxPayloadSize: number) {
    super(new MessageFramer(maxPayloadSize));
  }

  next(): ClientMessage | undefined {
    const { framer } = this;
    while (framer.next()) {
      const { flags, command, payloadSize } = framer.header;
      if (isFromServer(flags)) throw new ProtocolError(`command ${command} flagged as sent by a server`);
      if (isControl(flags)) return { kind: 'control', command, value: payloadSize };
      const message = decodeClientMessage(command, new ByteReader(framer.payload, isLittleEndian(flags)), this.typeCache);
      if (message !== undefined) return message;
    }
    return undefined;
  }

  /**
   * Reads a PUT's BitSet and fields into `into`, a value of the type the PUT's INIT reply gave;
   * returns the BitSet. Call it before `next()` again: later messages may redefine cached types.
   */
  decodePutData(put: PutRequest, into: PVStructure): BitSet {
    return decodePartial(new ByteReader(put.data, put.littleEndian), into, this.typeCache);
  }
}

/**
 * Splits one UDP datagram into its searches and origin tags. What servers send to the same port
 * (beacons, other servers' responses) and what UDP cannot carry (control messages, segments)
 * is skipped. Throws ProtocolError on a truncated message.
 */
export function decodeDatagram(datagram: Buffer): (SearchRequest | OriginTag)[] {
  const header = emptyHeader();
  const messages: (SearchRequest | OriginTag)[] = [];
  for (let offset = 0; offset < datagram.length;) {
    if (datagram.length - offset < HEADER_SIZE) throw new ProtocolError(`truncated header at byte ${offset} of a datagram`);
    readHeader(datagram, offset, header);
    const start = offset + HEADER_SIZE;
    if (isControl(header.flags)) {
      offset = start;
      continue;
    }
    const end = start + header.payloadSize;
    if (end > datagram.length) throw new ProtocolError(`truncated payload at byte ${offset} of a datagram`);
    if (!isFromServer(header.flags) && (header.flags & Flag.SEGMENT_MASK) === 0) {
      const reader = new ByteReader(datagram, isLittleEndian(header.flags), start, end);
      if (header.command === Command.SEARCH) messages.push(decodeSearch(reader));
      else if (header.command === Command.ORIGIN_TAG) messages.push(decodeOriginTag(reader));
    }
    offset = end;
  }
  return messages;
}
