import { ProtocolError } from './errors';
import { emptyHeader, readHeader, type MessageHeader } from './header';
import { MessageFramer } from './framer';
import { FramedReader } from '../../net/framed-reader';
import { decodeRequest, nameBetween, RequestSlots, type ClientRequest } from './requests';

/**
 * Frames the byte stream of a TCP circuit into requests. Bytes go in as they arrive; complete
 * requests come out. Payloads are views into the received chunks, valid as long as the caller
 * holds them.
 */
export class CircuitReader extends FramedReader<ClientRequest, MessageFramer> {
  private readonly slots: RequestSlots;

  /** `maxPayloadSize` bounds what one message may ask the server to buffer. */
  constructor(maxPayloadSize: number) {
    super(new MessageFramer(maxPayloadSize));
    this.slots = new RequestSlots(this.framer.header);
  }

  /** The next request, valid until the next call (WRITE and WRITE_NOTIFY: for as long as they are held). */
  next(): ClientRequest | undefined {
    const framer = this.framer;
    if (!framer.next()) return undefined;
    return decodeRequest(framer.header, framer.buffer, framer.payloadOffset, framer.payloadOffset + framer.header.payloadSize, this.slots);
  }
}

const NO_DATAGRAM = Buffer.alloc(0);

/**
 * Reads one UDP datagram's messages in place: each `next()` leaves a message's header in `header`
 * and its payload between `payloadStart` and `payloadEnd` of the datagram, with no object made per
 * message (a search datagram holds up to ~40 names, and a client connecting to many channels sends
 * hundreds of datagrams). Reused from one datagram to the next.
 */
export class DatagramReader {
  readonly header: MessageHeader = emptyHeader();
  payloadStart = 0;
  payloadEnd = 0;
  private datagram: Buffer = NO_DATAGRAM;

  /** Starts on a new datagram. */
  read(datagram: Buffer): void {
    this.datagram = datagram;
    this.payloadEnd = 0;
  }

  /** Whether another message follows; throws ProtocolError on a truncated one. */
  next(): boolean {
    const offset = this.payloadEnd;
    const datagram = this.datagram;
    if (offset >= datagram.length) return false;
    const headerLength = readHeader(datagram, offset, datagram.length, this.header);
    if (headerLength === 0) throw new ProtocolError(`truncated header at byte ${offset} of a datagram`);
    this.payloadStart = offset + headerLength;
    this.payloadEnd = this.payloadStart + this.header.payloadSize;
    if (this.payloadEnd > datagram.length) throw new ProtocolError(`truncated payload at byte ${offset} of a datagram`);
    return true;
  }

  /** The current SEARCH's name, read from the datagram without a view of the payload. */
  searchName(): string {
    return nameBetween(this.datagram, this.payloadStart, this.payloadEnd, 'SEARCH');
  }
}
