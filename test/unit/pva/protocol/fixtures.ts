// Helpers to write byte fixtures by hand: hex with spaces and `//` comments, text as its bytes,
// and numbers written big-endian and turned around for the little-endian variant of a fixture.

export type Order = 'LE' | 'BE';
export const ORDERS: readonly Order[] = ['LE', 'BE'];

export function hex(...parts: string[]): Buffer {
  const text = parts
    .join('\n')
    .replace(/\/\/[^\n]*/g, '')
    .replace(/\s+/g, '');
  if (!/^([0-9a-f]{2})*$/i.test(text)) throw new Error(`bad fixture hex: ${text}`);
  return Buffer.from(text, 'hex');
}

/** The bytes of ASCII/UTF-8 text, as hex. */
export const text = (value: string): string => Buffer.from(value, 'utf8').toString('hex');

/** A number field given big-endian, in `order`. */
export const num = (order: Order, bigEndianHex: string): string => {
  const bytes = bigEndianHex.replace(/\s+/g, '').match(/../g)!;
  return (order === 'BE' ? bytes : bytes.reverse()).join('');
};

export const littleEndian = (order: Order): boolean => order === 'LE';
