import { ProtocolError } from '../errors';
import { Flag, HEADER_SIZE } from './constants';
import { emptyHeader, isControl, readHeader, type PvaHeader } from './header';

const EMPTY = Buffer.alloc(0);

/**
 * Cuts a TCP byte stream into pvAccess messages and joins segmented ones: bytes go in as they
 * arrive, and each `next()` that returns true leaves one message's header in `header` and its
 * payload in `payload`, both overwritten by the next call. A reassembled message gets the first
 * segment's flags (segment bits cleared) and the total size. Control messages, which may come
 * between segments, carry no payload: their size field is their value.
 *
 * Segments are taken as they come, without the alignment padding the specification describes:
 * neither pvxs nor pvAccessCPP pads them.
 */
export class MessageFramer {
  readonly header: PvaHeader = emptyHeader();
  /** The current message's payload, a view that stays valid as long as it is held. */
  payload: Buffer = EMPTY;
  private buffer: Buffer = EMPTY;
  private offset = 0;
  private end = 0;
  private segments: Buffer[] = [];
  private segmentedSize = 0;
  private firstSegmentFlags = -1;
  private segmentCommand = -1;

  /** `maxPayloadSize` bounds what one message, segments joined, may make the framer buffer. */
  constructor(private readonly maxPayloadSize = Infinity) {}

  push(chunk: Buffer): void {
    if (this.offset >= this.end) {
      this.buffer = chunk;
      this.end = chunk.length;
    } else {
      this.buffer = Buffer.concat([this.buffer.subarray(this.offset, this.end), chunk]);
      this.end = this.buffer.length;
    }
    this.offset = 0;
  }

  /** Whether a whole message was framed; false until more bytes arrive. Throws ProtocolError. */
  next(): boolean {
    const header = this.header;
    for (;;) {
      if (this.end - this.offset < HEADER_SIZE) return false;
      readHeader(this.buffer, this.offset, header);
      if (header.version === 0) throw new ProtocolError('pvAccess header with version 0');
      if (isControl(header.flags)) {
        this.offset += HEADER_SIZE;
        this.payload = EMPTY;
        return true;
      }
      const size = header.payloadSize;
      if (this.segmentedSize + size > this.maxPayloadSize) {
        throw new ProtocolError(`payload of ${this.segmentedSize + size} bytes exceeds the limit of ${this.maxPayloadSize}`);
      }
      const start = this.offset + HEADER_SIZE;
      if (start + size > this.end) return false;
      const payload = this.buffer.subarray(start, start + size);
      this.offset = start + size;
      if (this.joinSegment(header, payload)) return true;
    }
  }

  /** Bytes received but not yet framed into a message. */
  get buffered(): number {
    return this.end - this.offset;
  }

  /** Takes one application message; whether a whole message is now in `payload`. */
  private joinSegment(header: PvaHeader, payload: Buffer): boolean {
    const segment = header.flags & Flag.SEGMENT_MASK;
    const inSegments = this.firstSegmentFlags >= 0;
    // Middle and last segments both have the "last" bit.
    const continues = (segment & Flag.SEGMENT_LAST) !== 0;
    if (continues !== inSegments) {
      throw new ProtocolError(
        inSegments
          ? `command ${header.command} inside a segmented command ${this.segmentCommand}`
          : `segment of command ${header.command} without a first segment`,
      );
    }
    if (segment === 0) {
      this.payload = payload;
      return true;
    }
    if (segment === Flag.SEGMENT_FIRST) {
      this.firstSegmentFlags = header.flags;
      this.segmentCommand = header.command;
    } else if (header.command !== this.segmentCommand) {
      throw new ProtocolError(`segment of command ${header.command} continues command ${this.segmentCommand}`);
    }
    this.segments.push(payload);
    this.segmentedSize += payload.length;
    if (segment !== Flag.SEGMENT_LAST) return false;
    header.flags = this.firstSegmentFlags & ~Flag.SEGMENT_MASK;
    header.payloadSize = this.segmentedSize;
    this.payload = Buffer.concat(this.segments, this.segmentedSize);
    this.segments = [];
    this.segmentedSize = 0;
    this.firstSegmentFlags = -1;
    return true;
  }
}
