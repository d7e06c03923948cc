import { ByteReader } from '../../../../../src/pva/protocol/codec/byte-reader';
import { ByteWriter } from '../../../../../src/pva/protocol/codec/byte-writer';
import { ProtocolError } from '../../../../../src/pva/protocol/errors';
import { hex, num, ORDERS, text, type Order } from '../fixtures';

// Primitive encodings (specification, "Data Encoding": basic types, Sizes, strings), no
// alignment, in the byte order of the message.

const written = (order: Order, write: (writer: ByteWriter) => void): string => {
  const writer = new ByteWriter(order === 'LE', 4);
  write(writer);
  return writer.take()?.toString('hex') ?? '';
};
const reader = (order: Order, bytes: Buffer) => new ByteReader(bytes, order === 'LE');

describe.each(ORDERS)('basic types, %s', (order) => {
  const cases: [string, (w: ByteWriter) => void, (r: ByteReader) => unknown, unknown, string][] = [
    ['boolean true', (w) => w.boolean(true), (r) => r.boolean(), true, '01'],
    ['byte -2', (w) => w.int8(-2), (r) => r.int8(), -2, 'fe'],
    ['ubyte 254', (w) => w.uint8(254), (r) => r.uint8(), 254, 'fe'],
    ['short -2', (w) => w.int16(-2), (r) => r.int16(), -2, num(order, 'fffe')],
    ['ushort 0x1234', (w) => w.uint16(0x1234), (r) => r.uint16(), 0x1234, num(order, '1234')],
    ['int -2', (w) => w.int32(-2), (r) => r.int32(), -2, num(order, 'fffffffe')],
    ['uint 0x89abcdef', (w) => w.uint32(0x89abcdef), (r) => r.uint32(), 0x89abcdef, num(order, '89abcdef')],
    ['long -2', (w) => w.int64(-2n), (r) => r.int64(), -2n, num(order, 'fffffffffffffffe')],
    ['ulong 0xfedcba9876543210', (w) => w.uint64(0xfedcba9876543210n), (r) => r.uint64(), 0xfedcba9876543210n, num(order, 'fedcba9876543210')],
    ['float 1.5', (w) => w.float32(1.5), (r) => r.float32(), 1.5, num(order, '3fc00000')],
    ['double -0.1', (w) => w.float64(-0.1), (r) => r.float64(), -0.1, num(order, 'bfb999999999999a')],
  ];
  it.each(cases)('%s', (_name, write, read, value, bytes) => {
    expect(written(order, write)).toBe(hex(bytes).toString('hex'));
    expect(read(reader(order, hex(bytes)))).toBe(value);
  });

  it('reads any non-zero byte as true', () => {
    expect(reader(order, hex('80')).boolean()).toBe(true);
  });
});

describe.each(ORDERS)('Size, %s', (order) => {
  it.each([
    [0, '00'],
    [253, 'fd'], // the largest one-byte Size
    [254, `fe ${num(order, '000000fe')}`], // 254 escapes to an int32
    [255, `fe ${num(order, '000000ff')}`],
    [0x7fffffff, `fe ${num(order, '7fffffff')}`], // as pvxs and pvDataCPP write it
  ])('%i', (size, bytes) => {
    expect(written(order, (w) => w.size(size))).toBe(hex(bytes).toString('hex'));
    expect(reader(order, hex(bytes)).size()).toBe(size);
  });

  it('refuses sizes past 2^31-1', () => {
    expect(() => written(order, (w) => w.size(0x80000000))).toThrow(RangeError);
  });

  it('reads 0xFF as the null Size, which only sizeOrNull accepts', () => {
    expect(reader(order, hex('ff')).sizeOrNull()).toBe(-1);
    expect(() => reader(order, hex('ff')).size()).toThrow(ProtocolError);
  });

  it('refuses a negative int32 after 0xFE', () => {
    expect(() => reader(order, hex(`fe ${num(order, '80000000')}`)).size()).toThrow(ProtocolError);
  });
});

describe.each(ORDERS)('strings, %s', (order) => {
  it.each([
    ['', '00'],
    ['Allo, Allo!', `0b ${text('Allo, Allo!')}`], // no NUL
    ['µA', '03 c2b5 41'], // the Size counts UTF-8 bytes, not characters
    ['x'.repeat(300), `fe ${num(order, '0000012c')} ${text('x'.repeat(300))}`],
  ])('"%s"', (value, bytes) => {
    expect(written(order, (w) => w.string(value))).toBe(hex(bytes).toString('hex'));
    expect(reader(order, hex(bytes)).string()).toBe(value);
  });

  it('reads the null Size as an empty string, as pvAccessJava may send one', () => {
    expect(reader(order, hex('ff')).string()).toBe('');
  });

  it('throws ProtocolError on a string longer than the message', () => {
    expect(() => reader(order, hex(`05 ${text('abc')}`)).string()).toThrow(ProtocolError);
  });
});

describe.each(ORDERS)('array elements, %s', (order) => {
  it('writes and reads doubles in the message order', () => {
    const bytes = `${num(order, '3ff8000000000000')} ${num(order, 'c000000000000000')}`; // 1.5, -2
    expect(written(order, (w) => w.elements(Float64Array.of(1.5, -2)))).toBe(hex(bytes).toString('hex'));
    expect(Array.from(reader(order, hex(bytes)).elements(Float64Array, 2))).toEqual([1.5, -2]);
  });

  it('reads into an aligned array from an odd offset', () => {
    const bytes = hex(`00 ${num(order, '0001')} ${num(order, 'fffe')}`);
    const r = reader(order, bytes);
    r.uint8();
    expect(Array.from(r.elements(Int16Array, 2))).toEqual([1, -2]);
  });

  it('checks the count against the message before allocating', () => {
    expect(() => reader(order, hex('0000')).elements(Float64Array, 0x10000000)).toThrow(ProtocolError);
  });
});

describe('ByteWriter buffer', () => {
  it('hands out what was written and goes on after it; grown buffers keep the untaken bytes', () => {
    const writer = new ByteWriter(false, 4);
    writer.uint32(0x01020304);
    const first = writer.take()!;
    writer.uint16(0x0506);
    writer.uint32(0); // grows the buffer
    writer.patchInt32(2, 0x0708090a);
    expect(first.toString('hex')).toBe('01020304');
    expect(writer.length).toBe(6);
    expect(writer.take()!.toString('hex')).toBe('05060708090a');
    expect(writer.take()).toBeUndefined();
  });
});

describe('ByteReader', () => {
  it('stops at the end it is given, not the buffer', () => {
    const r = new ByteReader(hex('0102030405'), true, 1, 3);
    expect(r.uint16()).toBe(0x0302);
    expect(() => r.uint8()).toThrow(ProtocolError);
  });
});
