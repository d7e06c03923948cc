import { BitSet } from '../../../../../src/pva/protocol/codec/bit-set';
import { ByteReader } from '../../../../../src/pva/protocol/codec/byte-reader';
import { ByteWriter } from '../../../../../src/pva/protocol/codec/byte-writer';
import { PVStructure, type PVField } from '../../../../../src/pva/protocol/codec/pv-structure';
import { decodePartial, decodeStructure, decodeValue, encodePartial, encodeStructure, encodeValue } from '../../../../../src/pva/protocol/codec/pvdata';
import {
  boundedArray,
  fixedArray,
  scalar,
  scalarArray,
  structure,
  structureArray,
  TypeCache,
  union,
  unionArray,
  VARIANT_UNION,
  VARIANT_UNION_ARRAY,
  type FieldDesc,
} from '../../../../../src/pva/protocol/codec/type-descriptor';
import { ProtocolError } from '../../../../../src/pva/protocol/errors';
import { hex, num, ORDERS, text, type Order } from '../fixtures';

// Values ("Data Encoding: User Data" of the specification): fields in definition order, no
// alignment; arrays with a Size (fixed ones without); unions with a selector; variant unions
// with their FieldDesc; structure array elements with a presence byte.

const written = (littleEndian: boolean, write: (writer: ByteWriter) => void) => {
  const writer = new ByteWriter(littleEndian, 8);
  write(writer);
  return writer.take()?.toString('hex') ?? '';
};
const encodeField = (order: Order, type: FieldDesc, value: PVField) => written(order === 'LE', (w) => encodeValue(w, type, value));
const decodeField = (order: Order, type: FieldDesc, bytes: Buffer) => {
  const reader = new ByteReader(bytes, order === 'LE');
  const value = decodeValue(reader, type, new TypeCache());
  expect(reader.remaining).toBe(0);
  return value;
};

describe('the specification encoding example (big-endian, 85 bytes)', () => {
  const type = structure('exampleStructure', {
    value: scalarArray('byte'),
    boundedSizeArray: boundedArray('byte', 16),
    fixedSizeArray: fixedArray('byte', 4),
    timeStamp: structure('time_t', { secondsPastEpoch: scalar('long'), nanoSeconds: scalar('int'), userTag: scalar('int') }),
    alarm: structure('alarm_t', { severity: scalar('int'), status: scalar('int'), message: scalar('string') }),
    valueUnion: union('', { stringValue: scalar('string'), intValue: scalar('int'), doubleValue: scalar('double') }),
    variantUnion: VARIANT_UNION,
  });
  const bytes = hex(
    '03 01 02 03', // value: Size 3, elements
    '05 04 05 06 07 08', // boundedSizeArray: Size 5, elements
    '09 0a 0b 0c', // fixedSizeArray: the 4 elements, no Size
    '1122334455667788', // timeStamp.secondsPastEpoch
    'aabbccdd', // timeStamp.nanoSeconds
    'eeeeeeee', // timeStamp.userTag
    '11111111', // alarm.severity
    '22222222', // alarm.status
    `0b ${text('Allo, Allo!')}`, // alarm.message
    '01 33333333', // valueUnion: selector 1 (intValue), value
    `60 1c ${text('String inside variant union.')}`, // variantUnion: FieldDesc string, value
  );
  const pv = new PVStructure(type);
  pv.assign({
    value: [1, 2, 3],
    boundedSizeArray: [4, 5, 6, 7, 8],
    fixedSizeArray: [9, 10, 11, 12],
    timeStamp: { secondsPastEpoch: 0x1122334455667788n, nanoSeconds: 0xaabbccdd, userTag: 0xeeeeeeee },
    alarm: { severity: 0x11111111, status: 0x22222222, message: 'Allo, Allo!' },
    valueUnion: { selector: 1, value: 0x33333333 },
    variantUnion: { type: scalar('string'), value: 'String inside variant union.' },
  });

  it('encodes', () => {
    expect(bytes.length).toBe(85);
    expect(written(false, (w) => encodeStructure(w, pv))).toBe(bytes.toString('hex'));
  });

  it('decodes', () => {
    const decoded = decodeStructure(new ByteReader(bytes, false), type, new TypeCache());
    expect(decoded.toPlain()).toEqual(pv.toPlain());
    expect(decoded.get('timeStamp.nanoSeconds')).toBe(0xaabbccdd | 0); // int is signed
  });
});

describe.each(ORDERS)('scalar arrays, %s', (order) => {
  it.each([
    ['boolean[]', scalarArray('boolean'), [true, false], '02 01 00'],
    ['byte[]', scalarArray('byte'), Int8Array.of(-1, 2), '02 ff 02'],
    ['ushort[]', scalarArray('ushort'), Uint16Array.of(1, 0xfffe), `02 ${num(order, '0001')} ${num(order, 'fffe')}`],
    ['int[]', scalarArray('int'), Int32Array.of(1, -1), `02 ${num(order, '00000001')} ${num(order, 'ffffffff')}`],
    ['long[]', scalarArray('long'), BigInt64Array.of(-2n), `01 ${num(order, 'fffffffffffffffe')}`],
    ['ulong[]', scalarArray('ulong'), BigUint64Array.of(1n), `01 ${num(order, '0000000000000001')}`],
    ['float[]', scalarArray('float'), Float32Array.of(1.5), `01 ${num(order, '3fc00000')}`],
    ['double[]', scalarArray('double'), Float64Array.of(1.5, -2), `02 ${num(order, '3ff8000000000000')} ${num(order, 'c000000000000000')}`],
    ['string[]', scalarArray('string'), ['ab', ''], `02 02 ${text('ab')} 00`],
    ['empty double[]', scalarArray('double'), new Float64Array(0), '00'],
  ] as [string, FieldDesc, PVField, string][])('%s', (_name, type, value, bytes) => {
    expect(encodeField(order, type, value)).toBe(hex(bytes).toString('hex'));
    expect(decodeField(order, type, hex(bytes))).toEqual(value);
  });

  it('encodes plain number arrays as the element type', () => {
    expect(encodeField(order, scalarArray('short'), [1, -1] as unknown as PVField)).toBe(`02${num(order, '0001')}${num(order, 'ffff')}`);
  });
});

describe('arrays of structures, unions and variant unions', () => {
  it('the specification example: [{0x1111, 0x2222}, null, {0x3333, 0x4444}]', () => {
    const element = structure('', { a: scalar('short'), b: scalar('short') });
    const type = structureArray(element);
    const make = (a: number, b: number) => {
      const pv = new PVStructure(element);
      pv.assign({ a, b });
      return pv;
    };
    const bytes = hex(
      '03', // 3 elements
      '01 1111 2222', // present, a, b
      '00', // null
      '01 3333 4444',
    );
    const value = [make(0x1111, 0x2222), null, make(0x3333, 0x4444)];
    expect(encodeField('BE', type, value)).toBe(bytes.toString('hex'));
    const decoded = decodeField('BE', type, bytes) as (PVStructure | null)[];
    expect(decoded.map((pv) => pv?.toPlain() ?? null)).toEqual([{ a: 0x1111, b: 0x2222 }, null, { a: 0x3333, b: 0x4444 }]);
  });

  it('union array elements: presence, then selector and value; variant union array elements: presence, type, value', () => {
    const choice = union('', { s: scalar('string'), i: scalar('int') });
    const unions = [{ selector: 1, value: 7 }, null];
    expect(encodeField('LE', unionArray(choice), unions)).toBe(hex('02 01 01 07000000 00').toString('hex'));
    expect(decodeField('LE', unionArray(choice), hex('02 01 01 07000000 00'))).toEqual(unions);
    const variants = [{ type: scalar('ubyte'), value: 5 }, null];
    expect(encodeField('LE', VARIANT_UNION_ARRAY, variants)).toBe('0201240500');
    expect(decodeField('LE', VARIANT_UNION_ARRAY, hex('02 01 24 05 00'))).toEqual(variants);
  });

  it('an empty union and an empty variant union are the null Size / NULL type', () => {
    expect(encodeField('LE', union('', { i: scalar('int') }), null)).toBe('ff');
    expect(encodeField('LE', VARIANT_UNION, null)).toBe('ff');
    expect(decodeField('LE', VARIANT_UNION, hex('ff'))).toBeNull();
  });
});

describe('array bounds', () => {
  it('refuses to encode past a bound or beside a fixed size', () => {
    expect(() => encodeField('LE', boundedArray('byte', 2), Int8Array.of(1, 2, 3))).toThrow(RangeError);
    expect(() => encodeField('LE', fixedArray('byte', 2), Int8Array.of(1))).toThrow(RangeError);
  });

  it('refuses a peer array past its bound, a union selector past its members, a count past the message', () => {
    expect(() => decodeField('LE', boundedArray('byte', 2), hex('03 010203'))).toThrow(ProtocolError);
    expect(() => decodeField('LE', union('', { i: scalar('int') }), hex('01 00000000'))).toThrow(ProtocolError);
    expect(() => decodeField('LE', scalarArray('string'), hex('fe 00000010 00'))).toThrow(ProtocolError);
  });
});

// The specification's BitSet numbering example, with a leaf and a sub-structure to change.
const RECORD = structure('', {
  timeStamp: structure('', { secondsPastEpoch: scalar('long'), nanoSeconds: scalar('int'), userTag: scalar('int') }),
  value: structureArray(structure('', { value: scalar('double') })),
  factoryRPC: scalar('string'),
  arguments: structure('', { size: scalar('int') }),
});

describe('partial structures (changed BitSet and the fields it marks)', () => {
  const pv = new PVStructure(RECORD);
  pv.assign({ timeStamp: { secondsPastEpoch: 1, nanoSeconds: 2, userTag: 3 }, factoryRPC: 'f', arguments: { size: 4 } });
  const partial = (changed: BitSet, selected?: BitSet) => written(true, (w) => encodePartial(w, pv, changed, selected));

  it.each([
    ['one leaf and another', BitSet.of(3, 8), undefined, '02 08 01 02000000 04000000'], // bits 3, 8; nanoSeconds, size
    ['a sub-structure: every field below it', BitSet.of(1), undefined, '01 02 0100000000000000 02000000 03000000'],
    ['bit 0: the whole structure', BitSet.of(0), undefined, `01 01 0100000000000000 02000000 03000000 00 01${text('f')} 04000000`],
    ['a structure and a field below it: the structure once', BitSet.of(1, 3), undefined, '01 02 0100000000000000 02000000 03000000'],
    ['no change', new BitSet(), undefined, '00'],
    ['a change outside the selection', BitSet.of(3, 8), BitSet.of(7), '02 00 01 04000000'],
    ['a changed structure, a selected leaf below it', BitSet.of(1), BitSet.of(3), '01 08 02000000'],
    ['a changed leaf below a selected structure', BitSet.of(3), BitSet.of(1), '01 08 02000000'],
    ['everything changed, two fields selected', BitSet.of(0), BitSet.of(6, 2), `01 44 0100000000000000 01${text('f')}`],
  ] as [string, BitSet, BitSet | undefined, string][])('%s', (_name, changed, selected, bytes) => {
    expect(partial(changed, selected)).toBe(hex(bytes).toString('hex'));
  });

  it('decodes into a structure, leaving unmarked fields alone', () => {
    const into = new PVStructure(RECORD);
    into.assign({ factoryRPC: 'keep' });
    const bits = decodePartial(new ByteReader(hex('02 08 01 02000000 04000000'), true), into, new TypeCache());
    expect(bits.toArray()).toEqual([3, 8]);
    expect(into.toPlain()).toEqual({
      timeStamp: { secondsPastEpoch: 0n, nanoSeconds: 2, userTag: 0 },
      value: [],
      factoryRPC: 'keep',
      arguments: { size: 4 },
    });
  });

  it('decodes a marked structure whole, and ignores bits past the end', () => {
    const into = new PVStructure(RECORD);
    decodePartial(new ByteReader(hex('02 80 fe 04000000'), true), into, new TypeCache()); // bits 7, 9..15
    expect(into.get('arguments.size')).toBe(4);
  });
});

describe('nesting', () => {
  it('refuses variant unions nested deeper than 20', () => {
    const bytes = hex('82 '.repeat(30) + '22 00000000');
    expect(() => decodeField('LE', VARIANT_UNION, bytes)).toThrow(ProtocolError);
  });
});
