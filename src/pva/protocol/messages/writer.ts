import { ByteWriter } from '../codec/byte-writer';
import type { TypeRegistry } from '../codec/type-descriptor';
import { Flag, HEADER_SIZE, PVA_MAGIC, PVA_VERSION } from './constants';

const SIZE_OFFSET = 4;

/**
 * Accumulates a server's outgoing messages in one byte order, so that a batch goes out in one
 * socket write. A message is `begin`, its payload written into the returned ByteWriter, `end`,
 * which fills in the payload size. `take()` hands the batch over (see ByteWriter).
 */
export class PvaMessageWriter {
  readonly body: ByteWriter;
  /**
   * When set, types go out FULL_WITH_ID the first time and ONLY_ID after, as pvAccessCPP
   * servers send them; unset, every type goes out in full, as pvxs sends them.
   */
  typeRegistry: TypeRegistry | undefined;
  private messageStart = -1;

  constructor(littleEndian: boolean, initialCapacity?: number) {
    this.body = new ByteWriter(littleEndian, initialCapacity);
  }

  get littleEndian(): boolean {
    return this.body.littleEndian;
  }

  /** Bytes written since the last `take()`. */
  get size(): number {
    return this.body.length;
  }

  /** Starts an application message; write its payload into the returned writer, then `end()`. */
  begin(command: number): ByteWriter {
    if (this.messageStart >= 0) throw new Error('begin() before the previous message ended');
    this.messageStart = this.body.length;
    this.header(0, command, 0);
    return this.body;
  }

  end(): void {
    if (this.messageStart < 0) throw new Error('end() without begin()');
    this.body.patchInt32(this.messageStart + SIZE_OFFSET, this.body.length - this.messageStart - HEADER_SIZE);
    this.messageStart = -1;
  }

  /** A control message, whose size field carries `value`. */
  control(command: number, value: number): void {
    this.header(Flag.CONTROL, command, value);
  }

  take(): Buffer | undefined {
    return this.body.take();
  }

  private header(flags: number, command: number, sizeOrValue: number): void {
    const body = this.body;
    body.uint8(PVA_MAGIC);
    body.uint8(PVA_VERSION);
    body.uint8(flags | Flag.SERVER | (body.littleEndian ? 0 : Flag.BIG_ENDIAN));
    body.uint8(command);
    body.uint32(sizeOrValue);
  }
}
