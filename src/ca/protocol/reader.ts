import { Command } from './constants';
import { ProtocolError } from './errors';
import { emptyHeader, readHeader } from './header';
import { MessageFramer } from './framer';
import { FramedReader } from '../../net/framed-reader';
import { decodeRequest, type ClientRequest } from './requests';

/**
 * Frames the byte stream of a TCP circuit into requests. Bytes go in as they arrive; complete
 * requests come out. Payloads are views into the received chunks, valid as long as the caller
 * holds them.
 */
export class CircuitReader extends FramedReader<ClientRequest, MessageFramer> {
  /** `maxPayloadSize` bounds what one message may ask the server to buffer. */
  constructor(maxPayloadSize: number) {
    super(new MessageFramer(maxPayloadSize));
  }

  next(): ClientRequest | undefined {
    return this.framer.next() ? decodeRequest(this.framer.header, this.framer.payload()) : undefined;
  }
}

/**
 * Splits one UDP datagram into its VERSION and SEARCH requests; anything else that reaches a
 * search port (beacons, repeater traffic) is skipped. Throws ProtocolError on a truncated message.
 */
export function decodeDatagram(datagram: Buffer): ClientRequest[] {
  const header = emptyHeader();
  const requests: ClientRequest[] = [];
  let offset = 0;
  while (offset < datagram.length) {
    const headerLength = readHeader(datagram, offset, datagram.length, header);
    if (headerLength === 0) throw new ProtocolError(`truncated header at byte ${offset} of a datagram`);
    const start = offset + headerLength;
    const end = start + header.payloadSize;
    if (end > datagram.length) throw new ProtocolError(`truncated payload at byte ${offset} of a datagram`);
    if (header.command === Command.VERSION || header.command === Command.SEARCH) {
      requests.push(decodeRequest(header, datagram.subarray(start, end)));
    }
    offset = end;
  }
  return requests;
}
