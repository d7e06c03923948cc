import type { BitSet } from './bit-set';
import { LARGE_SIZE, MAX_SHORT_SIZE, MAX_SIZE } from './size';

export const HOST_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Typed arrays whose elements go on the wire as their bytes. */
export type NumericArray =
  Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array | BigInt64Array | BigUint64Array;

/**
 * Serializes pvAccess primitives in one byte order into one growing buffer. `take()` hands what
 * was written as a view and goes on writing after it: nothing handed out is written again, so a
 * socket may keep the view until it is sent. When the buffer is full, the bytes not yet taken
 * move to a new one (see `ensure`); positions are therefore kept relative to the last take.
 */
export class ByteWriter {
  private buffer: Buffer;
  private start = 0;
  private end = 0;

  constructor(
    readonly littleEndian: boolean,
    initialCapacity = 4096,
  ) {
    this.buffer = Buffer.allocUnsafe(initialCapacity);
  }

  /** Bytes written since the last take. */
  get length(): number {
    return this.end - this.start;
  }

  take(): Buffer | undefined {
    if (this.end === this.start) return undefined;
    const taken = this.buffer.subarray(this.start, this.end);
    this.start = this.end;
    return taken;
  }

  /** Overwrites an int32 written earlier at `position` (relative to the last take). */
  patchInt32(position: number, value: number): void {
    const at = this.start + position;
    if (this.littleEndian) this.buffer.writeInt32LE(value, at);
    else this.buffer.writeInt32BE(value, at);
  }

  boolean(value: boolean): void {
    this.uint8(value ? 1 : 0);
  }

  int8(value: number): void {
    this.ensure(1);
    this.buffer.writeInt8(value, this.end++);
  }

  uint8(value: number): void {
    this.ensure(1);
    this.buffer[this.end++] = value;
  }

  int16(value: number): void {
    this.ensure(2);
    this.end = this.littleEndian ? this.buffer.writeInt16LE(value, this.end) : this.buffer.writeInt16BE(value, this.end);
  }

  uint16(value: number): void {
    this.ensure(2);
    this.end = this.littleEndian ? this.buffer.writeUInt16LE(value, this.end) : this.buffer.writeUInt16BE(value, this.end);
  }

  int32(value: number): void {
    this.ensure(4);
    this.end = this.littleEndian ? this.buffer.writeInt32LE(value, this.end) : this.buffer.writeInt32BE(value, this.end);
  }

  uint32(value: number): void {
    this.ensure(4);
    this.end = this.littleEndian ? this.buffer.writeUInt32LE(value, this.end) : this.buffer.writeUInt32BE(value, this.end);
  }

  int64(value: bigint): void {
    this.ensure(8);
    this.end = this.littleEndian ? this.buffer.writeBigInt64LE(value, this.end) : this.buffer.writeBigInt64BE(value, this.end);
  }

  uint64(value: bigint): void {
    this.ensure(8);
    this.end = this.littleEndian ? this.buffer.writeBigUInt64LE(value, this.end) : this.buffer.writeBigUInt64BE(value, this.end);
  }

  float32(value: number): void {
    this.ensure(4);
    this.end = this.littleEndian ? this.buffer.writeFloatLE(value, this.end) : this.buffer.writeFloatBE(value, this.end);
  }

  float64(value: number): void {
    this.ensure(8);
    this.end = this.littleEndian ? this.buffer.writeDoubleLE(value, this.end) : this.buffer.writeDoubleBE(value, this.end);
  }

  size(value: number): void {
    if (value <= MAX_SHORT_SIZE) {
      this.uint8(value);
    } else if (value <= MAX_SIZE) {
      this.uint8(LARGE_SIZE);
      this.int32(value);
    } else {
      throw new RangeError(`size ${value} exceeds the largest pvAccess size`);
    }
  }

  /** A Size in bytes, then the UTF-8 bytes; no terminating NUL. */
  string(value: string): void {
    const length = Buffer.byteLength(value, 'utf8');
    this.size(length);
    this.ensure(length);
    this.end += this.buffer.write(value, this.end, length, 'utf8');
  }

  bytes(source: Uint8Array): void {
    this.ensure(source.length);
    this.buffer.set(source, this.end);
    this.end += source.length;
  }

  /** The elements' bytes, swapped to this writer's order where it differs from the host's. */
  elements(values: NumericArray): void {
    const byteLength = values.byteLength;
    this.ensure(byteLength);
    this.buffer.set(new Uint8Array(values.buffer, values.byteOffset, byteLength), this.end);
    if (this.littleEndian !== HOST_LITTLE_ENDIAN && values.BYTES_PER_ELEMENT > 1) {
      swapElements(this.buffer.subarray(this.end, this.end + byteLength), values.BYTES_PER_ELEMENT);
    }
    this.end += byteLength;
  }

  /**
   * Size in bytes up to the last non-zero one, then whole 64-bit words in this writer's order,
   * then the remaining bytes least significant first.
   */
  bitSet(bits: BitSet): void {
    const length = bits.byteLength();
    this.size(length);
    this.ensure(length);
    const words = length & ~7;
    for (let i = 0; i < length; i++) {
      const at = i < words && !this.littleEndian ? i ^ 7 : i;
      this.buffer[this.end + at] = bits.byteAt(i);
    }
    this.end += length;
  }

  private ensure(bytes: number): void {
    if (this.end + bytes <= this.buffer.length) return;
    const pending = this.end - this.start;
    const needed = pending + bytes;
    // Same size again unless what is pending fills half of it: small batches never grow it.
    const size = needed * 2 > this.buffer.length ? Math.max(this.buffer.length * 2, needed) : this.buffer.length;
    const next = Buffer.allocUnsafe(size);
    this.buffer.copy(next, 0, this.start, this.end);
    this.buffer = next;
    this.start = 0;
    this.end = pending;
  }
}

/** Reverses each `elementSize`-byte element of `bytes` in place. */
export function swapElements(bytes: Buffer, elementSize: number): void {
  if (elementSize === 2) bytes.swap16();
  else if (elementSize === 4) bytes.swap32();
  else if (elementSize === 8) bytes.swap64();
}
