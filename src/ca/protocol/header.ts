import { EXTENDED_HEADER_SIZE, EXTENDED_HEADER_THRESHOLD, HEADER_SIZE } from './constants';

/** A message header with the extended sizes already folded in. */
export interface MessageHeader {
  command: number;
  payloadSize: number;
  dataType: number;
  dataCount: number;
  parameter1: number;
  parameter2: number;
}

/** Payloads are padded to a multiple of 8 bytes. */
export function paddedSize(size: number): number {
  return (size + 7) & ~7;
}

/** 24 bytes when the payload or the count does not fit 16 bits (0xFFFF marks the extension). */
export function headerSizeFor(payloadSize: number, dataCount: number): number {
  return payloadSize >= EXTENDED_HEADER_THRESHOLD || dataCount >= EXTENDED_HEADER_THRESHOLD
    ? EXTENDED_HEADER_SIZE
    : HEADER_SIZE;
}

/** Writes a header; returns its length (16 or 24). The caller guarantees room. */
export function writeHeader(
  target: Buffer,
  offset: number,
  command: number,
  payloadSize: number,
  dataType: number,
  dataCount: number,
  parameter1: number,
  parameter2: number,
): number {
  target.writeUInt16BE(command, offset);
  target.writeUInt16BE(dataType, offset + 4);
  target.writeUInt32BE(parameter1 >>> 0, offset + 8);
  target.writeUInt32BE(parameter2 >>> 0, offset + 12);
  if (headerSizeFor(payloadSize, dataCount) === HEADER_SIZE) {
    target.writeUInt16BE(payloadSize, offset + 2);
    target.writeUInt16BE(dataCount, offset + 6);
    return HEADER_SIZE;
  }
  target.writeUInt16BE(0xffff, offset + 2);
  target.writeUInt16BE(0, offset + 6);
  target.writeUInt32BE(payloadSize, offset + 16);
  target.writeUInt32BE(dataCount, offset + 20);
  return EXTENDED_HEADER_SIZE;
}

/**
 * Reads the header at `offset` into `into`; returns its length, or 0 when fewer bytes than the
 * header needs are available before `end`.
 */
export function readHeader(source: Buffer, offset: number, end: number, into: MessageHeader): number {
  if (end - offset < HEADER_SIZE) return 0;
  into.command = source.readUInt16BE(offset);
  const shortSize = source.readUInt16BE(offset + 2);
  into.dataType = source.readUInt16BE(offset + 4);
  const shortCount = source.readUInt16BE(offset + 6);
  into.parameter1 = source.readUInt32BE(offset + 8);
  into.parameter2 = source.readUInt32BE(offset + 12);
  if (shortSize !== 0xffff) {
    into.payloadSize = shortSize;
    into.dataCount = shortCount;
    return HEADER_SIZE;
  }
  if (end - offset < EXTENDED_HEADER_SIZE) return 0;
  into.payloadSize = source.readUInt32BE(offset + 16);
  into.dataCount = source.readUInt32BE(offset + 20);
  return EXTENDED_HEADER_SIZE;
}

export function emptyHeader(): MessageHeader {
  return { command: 0, payloadSize: 0, dataType: 0, dataCount: 0, parameter1: 0, parameter2: 0 };
}
