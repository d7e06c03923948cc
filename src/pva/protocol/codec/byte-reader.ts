import { ProtocolError } from '../errors';
import { BitSet } from './bit-set';
import { HOST_LITTLE_ENDIAN, swapElements, type NumericArray } from './byte-writer';
import { LARGE_SIZE, NULL_SIZE } from './size';

/** The constructor of a NumericArray type: what `elements` allocates. */
export interface NumericArrayType<T extends NumericArray> {
  new (length: number): T;
  readonly BYTES_PER_ELEMENT: number;
}

/**
 * Reads pvAccess primitives from one message payload, in the byte order its header announced.
 * Every read checks what is left and throws ProtocolError past the end.
 */
export class ByteReader {
  constructor(
    readonly buffer: Buffer,
    readonly littleEndian: boolean,
    public offset = 0,
    readonly end = buffer.length,
  ) {}

  get remaining(): number {
    return this.end - this.offset;
  }

  /** Throws unless `bytes` more can be read: also the guard before allocating for a count. */
  need(bytes: number, what = 'data'): void {
    if (bytes > this.end - this.offset) {
      throw new ProtocolError(`${what} needs ${bytes} bytes, ${this.end - this.offset} left in the message`);
    }
  }

  boolean(): boolean {
    return this.uint8() !== 0;
  }

  int8(): number {
    this.need(1);
    return this.buffer.readInt8(this.offset++);
  }

  uint8(): number {
    this.need(1);
    return this.buffer[this.offset++]!;
  }

  int16(): number {
    this.need(2);
    const value = this.littleEndian ? this.buffer.readInt16LE(this.offset) : this.buffer.readInt16BE(this.offset);
    this.offset += 2;
    return value;
  }

  uint16(): number {
    this.need(2);
    const value = this.littleEndian ? this.buffer.readUInt16LE(this.offset) : this.buffer.readUInt16BE(this.offset);
    this.offset += 2;
    return value;
  }

  int32(): number {
    this.need(4);
    const value = this.littleEndian ? this.buffer.readInt32LE(this.offset) : this.buffer.readInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  uint32(): number {
    this.need(4);
    const value = this.littleEndian ? this.buffer.readUInt32LE(this.offset) : this.buffer.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  int64(): bigint {
    this.need(8);
    const value = this.littleEndian ? this.buffer.readBigInt64LE(this.offset) : this.buffer.readBigInt64BE(this.offset);
    this.offset += 8;
    return value;
  }

  uint64(): bigint {
    this.need(8);
    const value = this.littleEndian ? this.buffer.readBigUInt64LE(this.offset) : this.buffer.readBigUInt64BE(this.offset);
    this.offset += 8;
    return value;
  }

  float32(): number {
    this.need(4);
    const value = this.littleEndian ? this.buffer.readFloatLE(this.offset) : this.buffer.readFloatBE(this.offset);
    this.offset += 4;
    return value;
  }

  float64(): number {
    this.need(8);
    const value = this.littleEndian ? this.buffer.readDoubleLE(this.offset) : this.buffer.readDoubleBE(this.offset);
    this.offset += 8;
    return value;
  }

  size(): number {
    const size = this.sizeOrNull();
    if (size < 0) throw new ProtocolError('null Size where a count is required');
    return size;
  }

  /** A Size, or -1 for the null Size (0xFF), which union selectors use for "no member". */
  sizeOrNull(): number {
    const first = this.uint8();
    if (first === NULL_SIZE) return -1;
    if (first !== LARGE_SIZE) return first;
    const size = this.int32();
    if (size < 0) throw new ProtocolError(`negative Size ${size}`);
    return size;
  }

  /** A string; the null Size reads as empty, as pvAccessJava writes an empty string. */
  string(): string {
    const length = this.sizeOrNull();
    if (length <= 0) return '';
    this.need(length, 'string');
    const value = this.buffer.toString('utf8', this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  /** `length` bytes as a view into the message. */
  bytes(length: number): Buffer {
    this.need(length);
    const view = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return view;
  }

  /** `count` elements into a new (aligned) typed array, swapped to the host's order. */
  elements<T extends NumericArray>(type: NumericArrayType<T>, count: number): T {
    const byteLength = count * type.BYTES_PER_ELEMENT;
    this.need(byteLength, `array of ${count}`);
    const values = new type(count);
    const bytes = Buffer.from(values.buffer, values.byteOffset, byteLength);
    this.buffer.copy(bytes, 0, this.offset, this.offset + byteLength);
    if (this.littleEndian !== HOST_LITTLE_ENDIAN) swapElements(bytes, type.BYTES_PER_ELEMENT);
    this.offset += byteLength;
    return values;
  }

  /** See ByteWriter.bitSet for the layout. */
  bitSet(into = new BitSet()): BitSet {
    const length = this.size();
    this.need(length, 'BitSet');
    const words = length & ~7;
    for (let i = 0; i < length; i++) {
      const at = i < words && !this.littleEndian ? i ^ 7 : i;
      into.orByte(i, this.buffer[this.offset + at]!);
    }
    this.offset += length;
    return into;
  }
}
