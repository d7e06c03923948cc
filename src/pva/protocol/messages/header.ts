import { ProtocolError } from '../errors';
import { Flag, HEADER_SIZE, PVA_MAGIC } from './constants';

/** The 8-byte header: magic, version, flags, command, then the payload size (or a control value). */
export interface PvaHeader {
  version: number;
  flags: number;
  command: number;
  /** Payload bytes; for a control message, the value it carries. */
  payloadSize: number;
}

export function emptyHeader(): PvaHeader {
  return { version: 0, flags: 0, command: 0, payloadSize: 0 };
}

export const isControl = (flags: number): boolean => (flags & Flag.CONTROL) !== 0;
export const isFromServer = (flags: number): boolean => (flags & Flag.SERVER) !== 0;
export const isLittleEndian = (flags: number): boolean => (flags & Flag.BIG_ENDIAN) === 0;

/**
 * Reads the header at `offset` (the caller guarantees 8 bytes) into `into`. The size is in the
 * byte order the flags announce: each message says its own order.
 */
export function readHeader(source: Buffer, offset: number, into: PvaHeader): void {
  if (source[offset] !== PVA_MAGIC) {
    throw new ProtocolError(`not a pvAccess header: ${source.toString('hex', offset, offset + HEADER_SIZE)}`);
  }
  into.version = source[offset + 1]!;
  into.flags = source[offset + 2]!;
  into.command = source[offset + 3]!;
  into.payloadSize = isLittleEndian(into.flags) ? source.readUInt32LE(offset + 4) : source.readUInt32BE(offset + 4);
}
