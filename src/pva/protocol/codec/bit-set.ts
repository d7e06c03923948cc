/**
 * A set of bit indexes, as pvData's BitSet: which fields of a PVStructure a message carries, bit 0
 * being the whole structure and the others its fields depth first (see StructureDesc.nodes).
 * Words are 32 bits because JavaScript's bit operators are; the wire groups bytes by 64.
 */
export class BitSet {
  private readonly words: number[] = [];

  static of(...bits: number[]): BitSet {
    const set = new BitSet();
    for (const bit of bits) set.set(bit);
    return set;
  }

  get(bit: number): boolean {
    const word = this.words[bit >>> 5];
    return word !== undefined && (word & (1 << (bit & 31))) !== 0;
  }

  set(bit: number): this {
    const index = bit >>> 5;
    while (this.words.length <= index) this.words.push(0);
    this.words[index]! |= 1 << (bit & 31);
    return this;
  }

  clear(bit: number): this {
    const index = bit >>> 5;
    if (index < this.words.length) this.words[index]! &= ~(1 << (bit & 31));
    return this;
  }

  /** Empties the set but keeps its words, so that a set reused per message does not reallocate. */
  clearAll(): this {
    this.words.fill(0);
    return this;
  }

  or(other: BitSet): this {
    for (let i = 0; i < other.words.length; i++) {
      if (i === this.words.length) this.words.push(0);
      this.words[i]! |= other.words[i]!;
    }
    return this;
  }

  isEmpty(): boolean {
    return this.words.every((word) => word === 0);
  }

  /** The lowest set bit at or after `from`, or -1. */
  nextSetBit(from: number): number {
    let index = from >>> 5;
    if (index >= this.words.length) return -1;
    let word = this.words[index]! & (~0 << (from & 31));
    for (;;) {
      if (word !== 0) return index * 32 + 31 - Math.clz32(word & -word);
      if (++index === this.words.length) return -1;
      word = this.words[index]!;
    }
  }

  toArray(): number[] {
    const bits: number[] = [];
    for (let bit = this.nextSetBit(0); bit >= 0; bit = this.nextSetBit(bit + 1)) bits.push(bit);
    return bits;
  }

  /** Bytes up to the highest non-zero one: the length the wire carries, trailing zeros left off. */
  byteLength(): number {
    for (let index = this.words.length - 1; index >= 0; index--) {
      const word = this.words[index]!;
      if (word !== 0) return index * 4 + 4 - (Math.clz32(word) >>> 3);
    }
    return 0;
  }

  /** Byte `index` (bits 8·index to 8·index+7), least significant bit first. */
  byteAt(index: number): number {
    const word = this.words[index >>> 2];
    return word === undefined ? 0 : (word >>> ((index & 3) * 8)) & 0xff;
  }

  /** ORs `value` into byte `index`. */
  orByte(index: number, value: number): void {
    const wordIndex = index >>> 2;
    while (this.words.length <= wordIndex) this.words.push(0);
    this.words[wordIndex]! |= value << ((index & 3) * 8);
  }
}
