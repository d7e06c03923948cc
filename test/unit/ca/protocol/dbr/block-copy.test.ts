import { Dbf, DbrType, dbrPayloadSize, encodeDbr } from '../../../../../src/ca/protocol/dbr';
import { source } from './fixtures';

// Arrays read in their native type go out by block copy and byte swap; the bytes must be those
// of the element-by-element big-endian layout, whatever the length and wherever the array starts.

const CASES = [
  { type: Dbf.SHORT, make: (n: number) => new Int16Array(n), set: (v: DataView, o: number, x: number) => v.setInt16(o, x), size: 2 },
  { type: Dbf.FLOAT, make: (n: number) => new Float32Array(n), set: (v: DataView, o: number, x: number) => v.setFloat32(o, x), size: 4 },
  { type: Dbf.ENUM, make: (n: number) => new Uint16Array(n), set: (v: DataView, o: number, x: number) => v.setUint16(o, x), size: 2 },
  { type: Dbf.CHAR, make: (n: number) => new Uint8Array(n), set: (v: DataView, o: number, x: number) => v.setUint8(o, x), size: 1 },
  { type: Dbf.LONG, make: (n: number) => new Int32Array(n), set: (v: DataView, o: number, x: number) => v.setInt32(o, x), size: 4 },
  { type: Dbf.DOUBLE, make: (n: number) => new Float64Array(n), set: (v: DataView, o: number, x: number) => v.setFloat64(o, x), size: 8 },
];

describe.each(CASES)('DBF type $type in its own DBR type', ({ type, make, set, size }) => {
  it.each([1, 7, 8, 33, 1000])('%i elements, from the middle of a larger array, with a zero-filled tail', (length) => {
    const backing = make(length + 3);
    for (let i = 0; i < backing.length; i++) backing[i] = ((i * 37) % 251) - (type === Dbf.CHAR || type === Dbf.ENUM ? 0 : 120) + (size >= 4 ? 0.5 : 0);
    const value = backing.subarray(2, 2 + length);
    const count = length + 2;
    const target = Buffer.alloc(dbrPayloadSize(DbrType.STS_STRING + type, count) + 3, 0xaa);
    encodeDbr(target, 3, DbrType.STS_STRING + type, count, source({ type, value }));

    const expected = Buffer.alloc(count * size);
    const view = new DataView(expected.buffer, expected.byteOffset, expected.length);
    for (let i = 0; i < length; i++) set(view, i * size, value[i]!);
    const valueStart = 3 + dbrPayloadSize(DbrType.STS_STRING + type, count) - count * size;
    expect(target.subarray(valueStart).toString('hex')).toBe(expected.toString('hex'));
  });
});
