import { Command } from './constants';
import { ProtocolError } from './errors';
import { emptyHeader, readHeader, type MessageHeader } from './header';
import { decodeRequest, type ClientRequest } from './requests';

/**
 * Frames the byte stream of a TCP circuit into requests. Bytes go in as they arrive; complete
 * requests come out. Payloads are views into the received chunks, valid as long as the caller
 * holds them (Node never reuses a chunk it has handed out).
 */
export class CircuitReader {
  private pending: Buffer = Buffer.alloc(0);
  private offset = 0;
  private readonly header: MessageHeader = emptyHeader();

  /** `maxPayloadSize` bounds what one message may ask the server to buffer. */
  constructor(private readonly maxPayloadSize: number) {}

  push(chunk: Buffer): void {
    if (this.offset >= this.pending.length) {
      this.pending = chunk;
    } else {
      this.pending = Buffer.concat([this.pending.subarray(this.offset), chunk]);
    }
    this.offset = 0;
  }

  /** The next complete request, or undefined until more bytes arrive. Throws ProtocolError. */
  next(): ClientRequest | undefined {
    const headerLength = readHeader(this.pending, this.offset, this.pending.length, this.header);
    if (headerLength === 0) return undefined;
    const { payloadSize } = this.header;
    if (payloadSize > this.maxPayloadSize) {
      throw new ProtocolError(`payload of ${payloadSize} bytes exceeds the limit of ${this.maxPayloadSize}`);
    }
    const start = this.offset + headerLength;
    const end = start + payloadSize;
    if (end > this.pending.length) return undefined;
    this.offset = end;
    return decodeRequest(this.header, this.pending.subarray(start, end));
  }

  /** Bytes received but not yet framed into a request. */
  get buffered(): number {
    return this.pending.length - this.offset;
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
