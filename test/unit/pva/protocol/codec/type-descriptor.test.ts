import { ByteReader } from '../../../../../src/pva/protocol/codec/byte-reader';
import { ByteWriter } from '../../../../../src/pva/protocol/codec/byte-writer';
import {
  boundedArray,
  boundedString,
  decodeType,
  encodeType,
  fixedArray,
  scalar,
  scalarArray,
  structure,
  structureArray,
  TypeCache,
  TypeRegistry,
  union,
  unionArray,
  VARIANT_UNION,
  VARIANT_UNION_ARRAY,
  type FieldDesc,
  type ScalarType,
  type StructureDesc,
} from '../../../../../src/pva/protocol/codec/type-descriptor';
import { ProtocolError } from '../../../../../src/pva/protocol/errors';
import { hex, text } from '../fixtures';

// Introspection data ("Meta Data: Introspection Data" of the specification): the FieldDesc type
// codes, and FULL_WITH_ID / ONLY_ID caching.

const encode = (type: FieldDesc | null, littleEndian = false, registry?: TypeRegistry) => {
  const writer = new ByteWriter(littleEndian, 8);
  encodeType(writer, type, registry);
  return writer.take()!.toString('hex');
};
const decode = (bytes: Buffer, littleEndian = false, cache = new TypeCache()) => {
  const reader = new ByteReader(bytes, littleEndian);
  const type = decodeType(reader, cache);
  expect(reader.remaining).toBe(0);
  return type;
};

describe('scalar and scalar array type codes', () => {
  // Bits 7-5 kind (000 boolean, 001 integer, 010 floating point, 011 string), bits 4-3 scalar
  // (00) or variable array (01), bit 2 unsigned, bits 1-0 width (integers) or 2 float, 3 double.
  it.each([
    ['boolean', 0x00],
    ['byte', 0x20],
    ['short', 0x21],
    ['int', 0x22],
    ['long', 0x23],
    ['ubyte', 0x24],
    ['ushort', 0x25],
    ['uint', 0x26],
    ['ulong', 0x27],
    ['float', 0x42],
    ['double', 0x43],
    ['string', 0x60],
  ] as [ScalarType, number][])('%s, and its array with 0x08 more', (type, code) => {
    expect(encode(scalar(type))).toBe(code.toString(16).padStart(2, '0'));
    expect(encode(scalarArray(type))).toBe((code | 0x08).toString(16).padStart(2, '0'));
    expect(decode(Buffer.of(code))).toBe(scalar(type));
    expect(decode(Buffer.of(code | 0x08))).toBe(scalarArray(type));
  });

  it('bounded (0b10 in bits 4-3) and fixed (0b11) arrays carry their bound as a Size', () => {
    expect(encode(boundedArray('byte', 16))).toBe('3010');
    expect(encode(fixedArray('byte', 4))).toBe('3804');
    expect(decode(hex('30 10'))).toEqual(boundedArray('byte', 16));
    expect(decode(hex('38 04'))).toEqual(fixedArray('byte', 4));
  });

  it('a bounded string is 0x83 and its bound, as pvDataCPP writes it', () => {
    // The specification's tables disagree: complex type 0b011 (0x83) in one, 0x86 in the other.
    expect(encode(boundedString(40))).toBe('8328');
    expect(decode(hex('83 28'))).toEqual(boundedString(40));
  });
});

describe('complex type codes', () => {
  const point = structure('point_t', { x: scalar('short'), y: scalar('short') });
  const pointBytes = `80 07 ${text('point_t')} 02 01 ${text('x')} 21 01 ${text('y')} 21`;
  const choice = union('', { s: scalar('string'), i: scalar('int') });
  const choiceBytes = `81 00 02 01 ${text('s')} 60 01 ${text('i')} 22`;

  it.each([
    ['structure: 0x80, id, Size of fields, (name, FieldDesc) pairs', point, pointBytes],
    ['union: 0x81, the same', choice, choiceBytes],
    ['variant union: 0x82', VARIANT_UNION, '82'],
    ['structure array: 0x88 and the element structure', structureArray(point), `88 ${pointBytes}`],
    ['union array: 0x89 and the element union', unionArray(choice), `89 ${choiceBytes}`],
    ['variant union array: 0x8a', VARIANT_UNION_ARRAY, '8a'],
    ['NULL_TYPE_CODE: no type', null, 'ff'],
  ] as [string, FieldDesc | null, string][])('%s', (_name, type, bytes) => {
    expect(encode(type)).toBe(hex(bytes).toString('hex'));
    expect(decode(hex(bytes))).toEqual(type);
  });

  it('numbers structure nodes depth first for BitSets', () => {
    // The specification's example of bit numbering ("Partial Structure Serialization").
    const type = structure('', {
      timeStamp: structure('', { secondsPastEpoch: scalar('long'), nanoSeconds: scalar('int'), userTag: scalar('int') }),
      value: structureArray(structure('org.epics.ioc.test.testStructure', { value: scalar('double') })),
      factoryRPC: scalar('string'),
      arguments: structure('', { size: scalar('int') }),
    });
    expect(type.nodes.length).toBe(9);
    expect(
      ['timeStamp', 'timeStamp.secondsPastEpoch', 'timeStamp.nanoSeconds', 'timeStamp.userTag', 'value', 'factoryRPC', 'arguments', 'arguments.size'].map(
        (name) => type.offsets.get(name),
      ),
    ).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});

// Example #1 of the specification: time_t sent with FULL_WITH_ID 1, big-endian.
const EXAMPLE_1 = hex(
  'fd 0001', // FULL_WITH_ID, id 1
  `80 0b ${text('timeStamp_t')}`, // structure "timeStamp_t"
  '03', // 3 fields
  `10 ${text('secondsPastEpoch')} 23`, // long
  `0b ${text('nanoSeconds')} 22`, // int
  `07 ${text('userTag')} 22`, // int
);

// Example #2 of the specification: every structure, union and variant union cached, ids 1 to 5.
const EXAMPLE_2 = hex(
  `fd 0001 80 10 ${text('exampleStructure')} 07`,
  `05 ${text('value')} 28`, // byte[]
  `10 ${text('boundedSizeArray')} 30 10`, // byte<16>
  `0e ${text('fixedSizeArray')} 38 04`, // byte[4]
  `09 ${text('timeStamp')} fd 0002 80 06 ${text('time_t')} 03`,
  `  10 ${text('secondsPastEpoch')} 23`,
  `  0b ${text('nanoseconds')} 22`,
  `  07 ${text('userTag')} 22`,
  `05 ${text('alarm')} fd 0003 80 07 ${text('alarm_t')} 03`,
  `  08 ${text('severity')} 22`,
  `  06 ${text('status')} 22`,
  `  07 ${text('message')} 60`,
  `0a ${text('valueUnion')} fd 0004 81 00 03`, // union without id
  `  0b ${text('stringValue')} 60`,
  `  08 ${text('intValue')} 22`,
  `  0b ${text('doubleValue')} 43`,
  `0c ${text('variantUnion')} fd 0005 82`,
);

describe('introspection cache', () => {
  it('reads example #1 and remembers it under its id for ONLY_ID', () => {
    const cache = new TypeCache();
    expect(EXAMPLE_1.length).toBe(57);
    const type = decode(EXAMPLE_1, false, cache) as StructureDesc;
    expect(type.id).toBe('timeStamp_t');
    expect(type.fields.map((field) => [field.name, field.type])).toEqual([
      ['secondsPastEpoch', scalar('long')],
      ['nanoSeconds', scalar('int')],
      ['userTag', scalar('int')],
    ]);
    expect(decode(hex('fe 0001'), false, cache)).toBe(type);
  });

  it('reads the id in the message byte order', () => {
    const cache = new TypeCache();
    const type = decode(hex('fd 0100 22'), true, cache);
    expect(decode(hex('fe 0100'), true, cache)).toBe(type);
  });

  it('reads example #2, caching at every depth', () => {
    const cache = new TypeCache();
    expect(EXAMPLE_2.length).toBe(243);
    const type = decode(EXAMPLE_2, false, cache) as StructureDesc;
    expect(type.fields.map((field) => field.name)).toEqual(['value', 'boundedSizeArray', 'fixedSizeArray', 'timeStamp', 'alarm', 'valueUnion', 'variantUnion']);
    expect(decode(hex('fe 0003'), false, cache)).toBe(type.fields[4]!.type);
    expect(decode(hex('fe 0005'), false, cache)).toBe(VARIANT_UNION);
  });

  it('writes example #2 with a registry, as pvAccessCPP would', () => {
    const type = decode(EXAMPLE_2) as StructureDesc;
    const registry = new TypeRegistry();
    expect(encode(type, false, registry)).toBe(EXAMPLE_2.toString('hex'));
    expect(encode(type, false, registry)).toBe('fe0001');
    expect(encode(type.fields[3]!.type, false, registry)).toBe('fe0002');
  });

  it('sends in full once the peer registry is full', () => {
    const registry = new TypeRegistry(1);
    const a = structure('a', {});
    const b = structure('b', {});
    expect(encode(a, true, registry)).toBe(hex(`fd 0100 80 01 ${text('a')} 00`).toString('hex'));
    expect(encode(b, true, registry)).toBe(hex(`80 01 ${text('b')} 00`).toString('hex'));
  });

  it('refuses an id never defined, and FULL_TAGGED_ID', () => {
    expect(() => decode(hex('fe 0007'))).toThrow(ProtocolError);
    expect(() => decode(hex('fc 0001 00000000 22'))).toThrow(ProtocolError);
  });
});

describe('malformed introspection', () => {
  it.each([
    ['an unknown scalar code', '44'],
    ['a reserved code', 'e0'],
    ['a bounded structure array', '90'],
    ['a structure array of a scalar', '88 22'],
    ['a NULL field type', `80 00 01 01 ${text('a')} ff`],
    ['a field name twice', `80 00 02 01 ${text('a')} 22 01 ${text('a')} 22`],
    ['more fields than bytes', '80 00 fe 00100000'],
    ['a truncated structure', `80 00 02 01 ${text('a')} 22`],
  ])('%s', (_name, bytes) => {
    expect(() => decode(hex(bytes))).toThrow(ProtocolError);
  });

  it('refuses nesting deeper than 20', () => {
    const nested = '8000 01 0161 '.repeat(22) + '22';
    expect(() => decode(hex(nested))).toThrow(ProtocolError);
    expect(decode(hex('8000 01 0161 '.repeat(20) + '22'))).not.toBeNull();
  });
});
