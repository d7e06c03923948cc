import { BitSet } from '../../../../../src/pva/protocol/codec/bit-set';
import { PVStructure } from '../../../../../src/pva/protocol/codec/pv-structure';
import { scalar, scalarArray, structure } from '../../../../../src/pva/protocol/codec/type-descriptor';

// PVStructure: values held flat by BitSet bit, converted on the way in as pvData converts them.

describe('PVStructure', () => {
  const type = structure('', {
    b: scalar('byte'),
    u: scalar('uint'),
    l: scalar('long'),
    f: scalar('float'),
    s: scalar('string'),
    flag: scalar('boolean'),
    d: scalarArray('double'),
    inner: structure('', { x: scalar('int') }),
  });

  it('starts with zeros, empty strings and arrays', () => {
    expect(new PVStructure(type).toPlain()).toEqual({ b: 0, u: 0, l: 0n, f: 0, s: '', flag: false, d: new Float64Array(0), inner: { x: 0 } });
  });

  it('converts what it is given as C would, and marks only new values', () => {
    const pv = new PVStructure(type);
    const changed = new BitSet();
    pv.assign({ b: 200, u: -1, l: 5, f: 0.1, s: 12, flag: 1, d: [1, 2], inner: { x: 2 ** 32 + 3 } }, changed);
    expect(pv.toPlain()).toEqual({ b: -56, u: 0xffffffff, l: 5n, f: Math.fround(0.1), s: '12', flag: true, d: Float64Array.of(1, 2), inner: { x: 3 } });
    expect(changed.toArray()).toEqual([1, 2, 3, 4, 5, 6, 7, 9]);
    const again = new BitSet();
    pv.assign({ b: -56, s: '12', d: [1, 2], inner: { x: 3 } }, again);
    expect(again.toArray()).toEqual([7]); // arrays are not compared
    pv.set('inner.x', 4, again);
    pv.assign({ 'inner.x': 4, b: 1 }, again);
    expect(again.toArray()).toEqual([1, 7, 9]);
  });

  it('refuses unknown fields and values of the wrong kind', () => {
    const pv = new PVStructure(type);
    expect(() => pv.assign({ nope: 1 })).toThrow(TypeError);
    expect(() => pv.assign({ s: {} })).toThrow(TypeError);
    expect(() => pv.assign({ d: 3 })).toThrow(TypeError);
    expect(() => pv.get('inner')).toThrow(TypeError);
  });
});
