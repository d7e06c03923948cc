import { ProtocolError } from './errors';
import { emptyHeader, readHeader, type MessageHeader } from './header';

const NO_PAYLOAD = Buffer.alloc(0);

/**
 * Cuts a TCP byte stream into CA messages, in either direction: bytes go in as they arrive,
 * and each `next()` that returns true leaves one message's header in `header` and its payload
 * in `buffer` from `payloadOffset` on. Both are overwritten by the next call; `payload()` gives
 * a view that stays valid as long as the caller holds it (Node never reuses a chunk it has
 * handed out, and a joined message gets a buffer of its own).
 */
export class MessageFramer {
  readonly header: MessageHeader = emptyHeader();
  buffer: Buffer = Buffer.alloc(0);
  payloadOffset = 0;
  private end = 0;
  private offset = 0;
  /** What follows `buffer` when it holds one message joined from the end of a chunk and the start of the next. */
  private following: Buffer | undefined;
  /** Where `readHeader` leaves what it reads when the framer only peeks at a message's size. */
  private readonly peeked: MessageHeader = emptyHeader();

  /** `maxPayloadSize` bounds what one message may make the reader buffer. */
  constructor(private readonly maxPayloadSize = Infinity) {}

  push(chunk: Buffer): void {
    if (this.following) {
      this.following = Buffer.concat([this.following, chunk]);
    } else if (this.offset >= this.end) {
      this.buffer = chunk;
      this.end = chunk.length;
      this.offset = 0;
    } else {
      this.join(chunk);
    }
  }

  /**
   * Bytes were left over from the last chunk, usually the start of a message that goes on in
   * `chunk`. When its size is known and `chunk` completes it, only that message is copied into a
   * buffer of its own, and `chunk` is read in place after it: a stream of large messages is not
   * copied chunk by chunk.
   */
  private join(chunk: Buffer): void {
    const leftover = this.end - this.offset;
    const headerLength = readHeader(this.buffer, this.offset, this.end, this.peeked);
    const messageLength = headerLength + this.peeked.payloadSize;
    // Whole messages may be left too, when the reader stopped early (a server whose socket is full).
    const partMessageLeft = messageLength > leftover;
    if (headerLength === 0 || !partMessageLeft || this.peeked.payloadSize > this.maxPayloadSize || messageLength - leftover > chunk.length) {
      this.buffer = Buffer.concat([this.buffer.subarray(this.offset, this.end), chunk]);
      this.end = this.buffer.length;
      this.offset = 0;
      return;
    }
    const joined = Buffer.allocUnsafe(messageLength);
    this.buffer.copy(joined, 0, this.offset, this.end);
    chunk.copy(joined, leftover, 0, messageLength - leftover);
    this.buffer = joined;
    this.end = messageLength;
    this.offset = 0;
    if (messageLength - leftover < chunk.length) this.following = chunk.subarray(messageLength - leftover);
  }

  /** Whether a whole message was framed; false until more bytes arrive. Throws ProtocolError. */
  next(): boolean {
    if (this.offset >= this.end && this.following) {
      this.buffer = this.following;
      this.end = this.following.length;
      this.offset = 0;
      this.following = undefined;
    }
    const headerLength = readHeader(this.buffer, this.offset, this.end, this.header);
    if (headerLength === 0) return false;
    const { payloadSize } = this.header;
    if (payloadSize > this.maxPayloadSize) {
      throw new ProtocolError(`payload of ${payloadSize} bytes exceeds the limit of ${this.maxPayloadSize}`);
    }
    const start = this.offset + headerLength;
    if (start + payloadSize > this.end) return false;
    this.payloadOffset = start;
    this.offset = start + payloadSize;
    return true;
  }

  /** The current message's payload, as a view. Most requests have none: they share one empty buffer. */
  payload(): Buffer {
    if (this.header.payloadSize === 0) return NO_PAYLOAD;
    return this.buffer.subarray(this.payloadOffset, this.payloadOffset + this.header.payloadSize);
  }

  /** Bytes received but not yet framed into a message. */
  get buffered(): number {
    return this.end - this.offset + (this.following?.length ?? 0);
  }
}
