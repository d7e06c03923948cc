import { BitSet } from '../../../../../src/pva/protocol/codec/bit-set';
import { ByteReader } from '../../../../../src/pva/protocol/codec/byte-reader';
import { ByteWriter } from '../../../../../src/pva/protocol/codec/byte-writer';
import { hex } from '../fixtures';

// BitSet examples of the specification ("Meta Data: BitSets"): a Size in bytes up to the last
// non-zero one, then bytes least significant first. Those of 8 bytes and more are in
// little-endian order: whole 64-bit words go in the message's byte order, so big-endian messages
// carry each word's bytes reversed (pvDataCPP and pvxs write a word with putLong/to_wire), while
// the trailing bytes stay least significant first.

const encode = (bits: BitSet, littleEndian: boolean) => {
  const writer = new ByteWriter(littleEndian, 4);
  writer.bitSet(bits);
  return writer.take()!.toString('hex');
};
const decode = (bytes: Buffer, littleEndian: boolean) => new ByteReader(bytes, littleEndian).bitSet().toArray();

const SPECIFICATION_EXAMPLES: [number[], string][] = [
  [[], '00'],
  [[0], '01 01'],
  [[1], '01 02'],
  [[7], '01 80'],
  [[8], '02 00 01'],
  [[15], '02 00 80'],
  [[55], '07 00 00 00 00 00 00 80'],
  [[56], '08 00 00 00 00 00 00 00 01'],
  [[63], '08 00 00 00 00 00 00 00 80'],
  [[64], '09 00 00 00 00 00 00 00 00 01'],
  [[65], '09 00 00 00 00 00 00 00 00 02'],
  [[0, 1, 2, 4], '01 17'],
  [[0, 1, 2, 4, 8], '02 17 01'],
  [[8, 17, 24, 25, 34, 40, 42, 49, 50], '07 00 01 02 03 04 05 06'],
  [[8, 17, 24, 25, 34, 40, 42, 49, 50, 56, 57, 58], '08 00 01 02 03 04 05 06 07'],
  [[8, 17, 24, 25, 34, 40, 42, 49, 50, 56, 57, 58, 67], '09 00 01 02 03 04 05 06 07 08'],
  [[8, 17, 24, 25, 34, 40, 42, 49, 50, 56, 57, 58, 67, 72, 75], '0a 00 01 02 03 04 05 06 07 08 09'],
  [[8, 17, 24, 25, 34, 40, 42, 49, 50, 56, 57, 58, 67, 72, 75, 81, 83], '0b 00 01 02 03 04 05 06 07 08 09 0a'],
];

describe('BitSet encoding, little-endian (the specification examples)', () => {
  it.each(SPECIFICATION_EXAMPLES)('{%s}', (bits, bytes) => {
    expect(encode(BitSet.of(...bits), true)).toBe(hex(bytes).toString('hex'));
    expect(decode(hex(bytes), true)).toEqual(bits);
  });
});

describe('BitSet encoding, big-endian', () => {
  it.each([
    [[7], '01 80'], // shorter than a word: as in little-endian
    [[56], '08 01 00 00 00 00 00 00 00'], // the word's most significant byte first
    [[8, 17, 24, 25, 34, 40, 42, 49, 50, 56, 57, 58, 67, 72, 75], '0a 07 06 05 04 03 02 01 00 08 09'],
  ] as [number[], string][])('{%s}', (bits, bytes) => {
    expect(encode(BitSet.of(...bits), false)).toBe(hex(bytes).toString('hex'));
    expect(decode(hex(bytes), false)).toEqual(bits);
  });
});

describe('BitSet', () => {
  it('leaves trailing zero bytes off, also after bits are cleared', () => {
    const bits = BitSet.of(3, 40).clear(40);
    expect(encode(bits, true)).toBe('0108');
    expect(bits.byteLength()).toBe(1);
  });

  it('reads trailing zero bytes a peer did send', () => {
    expect(decode(hex('03 01 00 00'), true)).toEqual([0]);
  });

  it('finds set bits across words, including bit 31', () => {
    const bits = BitSet.of(31, 32, 95);
    expect([bits.nextSetBit(0), bits.nextSetBit(32), bits.nextSetBit(33), bits.nextSetBit(96)]).toEqual([31, 32, 95, -1]);
    expect(bits.get(31) && !bits.get(30)).toBe(true);
  });

  it('clearAll empties without forgetting its size; or merges', () => {
    const bits = BitSet.of(100).clearAll();
    expect(bits.isEmpty()).toBe(true);
    expect(bits.or(BitSet.of(1, 70)).toArray()).toEqual([1, 70]);
  });
});
