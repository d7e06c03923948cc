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
  return payloadSize >= EXTENDED_HEADER_THRESHOLD || dataCount >= EXTENDED_HEADER_THRESHOLD ? EXTENDED_HEADER_SIZE : HEADER_SIZE;
}

// Headers are read and written byte by byte: Buffer's readUInt16BE/writeUInt32BE are JavaScript
// functions with argument checks, several calls per message that a freshly started server runs in
// the interpreter until the JIT has compiled them; plain element accesses cost no call. The caller
// guarantees the room, as the checks would have.

function put16(target: Buffer, offset: number, value: number): void {
  target[offset] = value >>> 8;
  target[offset + 1] = value;
}

function put32(target: Buffer, offset: number, value: number): void {
  target[offset] = value >>> 24;
  target[offset + 1] = value >>> 16;
  target[offset + 2] = value >>> 8;
  target[offset + 3] = value;
}

function get16(source: Buffer, offset: number): number {
  return (source[offset]! << 8) | source[offset + 1]!;
}

function get32(source: Buffer, offset: number): number {
  return ((source[offset]! << 24) | (source[offset + 1]! << 16) | (source[offset + 2]! << 8) | source[offset + 3]!) >>> 0;
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
  put16(target, offset, command);
  put16(target, offset + 4, dataType);
  put32(target, offset + 8, parameter1);
  put32(target, offset + 12, parameter2);
  if (headerSizeFor(payloadSize, dataCount) === HEADER_SIZE) {
    put16(target, offset + 2, payloadSize);
    put16(target, offset + 6, dataCount);
    return HEADER_SIZE;
  }
  put16(target, offset + 2, 0xffff);
  put16(target, offset + 6, 0);
  put32(target, offset + 16, payloadSize);
  put32(target, offset + 20, dataCount);
  return EXTENDED_HEADER_SIZE;
}

/**
 * Reads the header at `offset` into `into`; returns its length, or 0 when fewer bytes than the
 * header needs are available before `end`.
 */
export function readHeader(source: Buffer, offset: number, end: number, into: MessageHeader): number {
  if (end - offset < HEADER_SIZE) return 0;
  into.command = get16(source, offset);
  const shortSize = get16(source, offset + 2);
  into.dataType = get16(source, offset + 4);
  const shortCount = get16(source, offset + 6);
  into.parameter1 = get32(source, offset + 8);
  into.parameter2 = get32(source, offset + 12);
  if (shortSize !== 0xffff) {
    into.payloadSize = shortSize;
    into.dataCount = shortCount;
    return HEADER_SIZE;
  }
  if (end - offset < EXTENDED_HEADER_SIZE) return 0;
  into.payloadSize = get32(source, offset + 16);
  into.dataCount = get32(source, offset + 20);
  return EXTENDED_HEADER_SIZE;
}

export function emptyHeader(): MessageHeader {
  return { command: 0, payloadSize: 0, dataType: 0, dataCount: 0, parameter1: 0, parameter2: 0 };
}
