/** A protocol core's incoming side: bytes in, typed messages out; throws ProtocolError. */
export interface MessageSource<Message> {
  push(chunk: Buffer): void;
  next(): Message | undefined;
}

/** What each protocol's framer offers: bytes in as they arrive, a complete message at a time out. */
export interface Framer {
  push(chunk: Buffer): void;
  /** Frames the next complete message, if the bytes so far hold one. */
  next(): boolean;
  /** Bytes received but not yet framed into a message. */
  readonly buffered: number;
}

/**
 * A circuit's incoming side, whatever its protocol: a framer that `maxPayloadSize` bounds (what
 * one message may ask the server to buffer), and the protocol's decoding of each framed message.
 */
export abstract class FramedReader<Message, ProtocolFramer extends Framer> implements MessageSource<Message> {
  protected constructor(protected readonly framer: ProtocolFramer) {}

  push(chunk: Buffer): void {
    this.framer.push(chunk);
  }

  /** The next complete message, or undefined until more bytes arrive. Throws ProtocolError. */
  abstract next(): Message | undefined;

  /** Bytes received but not yet framed into a message. */
  get buffered(): number {
    return this.framer.buffered;
  }
}
