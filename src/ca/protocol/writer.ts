import { headerSizeFor, paddedSize, writeHeader } from './header';

/**
 * Accumulates outgoing messages in one buffer so that a batch goes out in one socket write.
 * `take()` hands the batch over and starts a fresh buffer, because the socket keeps the old one
 * until it is written.
 */
export class MessageWriter {
  private buffer: Buffer;
  private length = 0;

  constructor(private readonly initialCapacity = 16 * 1024) {
    this.buffer = Buffer.allocUnsafe(initialCapacity);
  }

  get size(): number {
    return this.length;
  }

  /**
   * Appends a header for a payload of `payloadSize` bytes and zeroes the padding; returns the
   * offset at which the caller writes the payload into `this.target`.
   */
  begin(
    command: number,
    payloadSize: number,
    dataType: number,
    dataCount: number,
    parameter1: number,
    parameter2: number,
  ): number {
    const padded = paddedSize(payloadSize);
    this.ensure(headerSizeFor(padded, dataCount) + padded);
    const headerLength = writeHeader(this.buffer, this.length, command, padded, dataType, dataCount, parameter1, parameter2);
    const payloadOffset = this.length + headerLength;
    if (padded > payloadSize) this.buffer.fill(0, payloadOffset + payloadSize, payloadOffset + padded);
    this.length = payloadOffset + padded;
    return payloadOffset;
  }

  /** The buffer that `begin`'s offset points into; valid until the next `begin` or `take`. */
  get target(): Buffer {
    return this.buffer;
  }

  /** Hands over the messages written so far, or undefined when there are none. */
  take(): Buffer | undefined {
    if (this.length === 0) return undefined;
    const batch = this.buffer.subarray(0, this.length);
    this.buffer = Buffer.allocUnsafe(this.initialCapacity);
    this.length = 0;
    return batch;
  }

  private ensure(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + bytes));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }
}
