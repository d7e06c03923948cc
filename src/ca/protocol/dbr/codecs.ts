// One codec per DBR type, indexed by its code: the five value families built from their headers,
// then the four special types.

import { ctrlHeader, grHeader } from './graphic';
import { plainHeader } from './plain';
import { classNameCodec, putAcksCodec, putAcktCodec, stsackStringCodec } from './special';
import { stsHeader } from './sts';
import { timeHeader } from './time';
import { DBF_TYPE_COUNT, type DbfType, type DbrCodec, type DbrHeader, type DecodedDbr } from './types';
import { decodeValue, encodeValue, minimumValueEnd } from './value';

function familyCodec(dbrType: number, header: DbrHeader, elementType: DbfType): DbrCodec {
  const valueOffset = header.valueOffset[elementType]!;
  return {
    elementType,
    valueOffset,
    encode(target, offset, count, source) {
      // Zeroing first leaves every pad, unused label slot and absent precision at 0.
      target.fill(0, offset, offset + valueOffset);
      header.encode(target, offset, elementType, source);
      encodeValue(target, offset + valueOffset, elementType, count, source);
    },
    decode(payload, offset, count) {
      const into: DecodedDbr = { dbrType, value: decodeValue(payload, offset + valueOffset, elementType, count) };
      header.decode(payload, offset, elementType, into);
      return into;
    },
  };
}

const FAMILY_HEADERS = [plainHeader, stsHeader, timeHeader, grHeader, ctrlHeader];

const CODECS: readonly DbrCodec[] = [
  ...FAMILY_HEADERS.flatMap((header, family) =>
    Array.from({ length: DBF_TYPE_COUNT }, (_, elementType) => familyCodec(family * DBF_TYPE_COUNT + elementType, header, elementType as DbfType)),
  ),
  putAcktCodec,
  putAcksCodec,
  stsackStringCodec,
  classNameCodec,
];

/** The codec of a DBR type 0..38; throws for anything else. */
export function codecFor(dbrType: number): DbrCodec {
  const codec = CODECS[dbrType];
  if (codec === undefined) throw new RangeError(`${dbrType} is not a DBR type`);
  return codec;
}

/** Whether `payloadLength` bytes hold a DBR of this codec with `count` elements. */
export function holdsElements(codec: DbrCodec, payloadLength: number, count: number): boolean {
  return payloadLength >= minimumValueEnd(codec.valueOffset, codec.elementType, count);
}
