// The DBR codec: what the CA server writes for reads and monitors, and reads from writes.

import { codecFor, holdsElements } from './codecs';
import { ELEMENT_SIZE, type DbrSource, type DecodedDbr } from './types';

export {
  Dbf,
  DbrType,
  isReadableDbrType,
  isWritableDbrType,
  type DbfType,
  type DbrSource,
  type DbrTimeStamp,
  type DbrTypeCode,
  type DbrValue,
  type DecodedDbr,
} from './types';
export { decodeDbrForWrite, type DbrWriteDecoding } from './write';

/** The DBF type of a DBR's value elements (PUT_ACKT/PUT_ACKS: ENUM; STSACK_STRING/CLASS_NAME: STRING). */
export function dbrElementType(dbrType: number): number {
  return codecFor(dbrType).elementType;
}

/** Bytes of a DBR with `count` elements, without the 8-byte alignment padding of a message. */
export function dbrPayloadSize(dbrType: number, count: number): number {
  const codec = codecFor(dbrType);
  return codec.valueOffset + count * ELEMENT_SIZE[codec.elementType];
}

/**
 * Writes exactly dbrPayloadSize(dbrType, count) bytes at `offset`: the source's state in the
 * requested type, its elements converted from its native type, cut to `count` or zero-filled.
 */
export function encodeDbr(target: Buffer, offset: number, dbrType: number, count: number, source: DbrSource): void {
  if (!(count >= 1)) throw new RangeError(`a DBR carries at least one element, not ${count}`);
  codecFor(dbrType).encode(target, offset, count, source);
}

/** A DBR as a client sees it, elements in the DBR's own element type. Throws on a short payload. */
export function decodeDbr(payload: Buffer, dbrType: number, count: number): DecodedDbr {
  const codec = codecFor(dbrType);
  if (!holdsElements(codec, payload.length, count)) {
    throw new RangeError(`${payload.length} bytes are too few for ${count} elements of DBR type ${dbrType}`);
  }
  return codec.decode(payload, 0, count);
}
