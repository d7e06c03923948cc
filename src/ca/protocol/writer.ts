import { headerSizeFor, paddedSize, writeHeader } from './header';

/**
 * Accumulates outgoing messages in one buffer so that a batch goes out in one socket write.
 * `take()` hands the batch over as a view and goes on writing after it in the same buffer: the
 * socket keeps that view until it is written, and nothing handed out is ever written again.
 * Only when the buffer is used up does a new one take its place, as large as the largest batch
 * so far (up to a limit), so that a circuit that sends big batches stops regrowing its buffer.
 */
export class MessageWriter {
  private buffer: Buffer;
  /** The first byte not yet handed out. */
  private start = 0;
  private length = 0;
  private capacity: number;

  constructor(initialCapacity = 16 * 1024) {
    this.capacity = initialCapacity;
    this.buffer = Buffer.allocUnsafe(initialCapacity);
  }

  /** Bytes written since the last `take()`. */
  get size(): number {
    return this.length - this.start;
  }

  /**
   * Appends a header for a payload of `payloadSize` bytes and zeroes the padding; returns the
   * offset at which the caller writes the payload into `this.target`.
   */
  begin(command: number, payloadSize: number, dataType: number, dataCount: number, parameter1: number, parameter2: number): number {
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

  /**
   * Drops what was written after the first `size` bytes of this batch: a message whose payload
   * could not be finished (its source threw) leaves nothing behind. `size` is a `size` read earlier.
   */
  truncate(size: number): void {
    this.length = this.start + size;
  }

  /** Hands over the messages written since the last call, or undefined when there are none. */
  take(): Buffer | undefined {
    if (this.length === this.start) return undefined;
    const batch = this.buffer.subarray(this.start, this.length);
    this.start = this.length;
    return batch;
  }

  /** Room for `bytes` more after the current batch, which moves to a new buffer if need be. */
  private ensure(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const pending = this.length - this.start;
    if (pending + bytes > this.capacity) this.capacity = Math.min(Math.max(this.capacity * 2, pending + bytes), MAX_CAPACITY);
    const next = Buffer.allocUnsafe(Math.max(this.capacity, pending + bytes));
    this.buffer.copy(next, 0, this.start, this.length);
    this.buffer = next;
    this.start = 0;
    this.length = pending;
  }
}

/** The largest buffer a writer keeps asking for; a bigger batch gets a buffer of its own size. */
const MAX_CAPACITY = 1024 * 1024;
