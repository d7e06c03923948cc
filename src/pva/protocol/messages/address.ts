import type { ByteReader } from '../codec/byte-reader';
import type { ByteWriter } from '../codec/byte-writer';

// Addresses travel as 16 bytes in network order whatever the message's byte order: an IPv6
// address, or an IPv4 one mapped into IPv6 (::ffff:a.b.c.d).

const ADDRESS_SIZE = 16;
const MAPPED_PREFIX = Buffer.from('00000000000000000000ffff', 'hex');

/**
 * The address a search response gives to say "the one this reply comes from". The specification
 * says all zeros; pvxs sends the IPv4-mapped 0.0.0.0, which pvAccessCPP clients also take, so
 * that is what writeAddress makes of it.
 */
export const UNSPECIFIED_ADDRESS = '0.0.0.0';

export function isUnspecifiedAddress(address: string): boolean {
  return address === UNSPECIFIED_ADDRESS || address === '::';
}

export function writeAddress(writer: ByteWriter, address: string): void {
  writer.bytes(addressBytes(address));
}

/** IPv4-mapped addresses read as dotted quads, others as compressed IPv6 text. */
export function readAddress(reader: ByteReader): string {
  const bytes = reader.bytes(ADDRESS_SIZE);
  if (bytes.subarray(0, 12).equals(MAPPED_PREFIX)) return ipv4Text(bytes.subarray(12));
  const groups = Array.from({ length: 8 }, (_, i) => bytes.readUInt16BE(i * 2));
  return ipv6Text(groups);
}

function addressBytes(address: string): Buffer {
  const ipv4 = ipv4Bytes(address);
  if (ipv4 !== undefined) return Buffer.concat([MAPPED_PREFIX, ipv4]);
  const groups = ipv6Groups(address);
  if (groups === undefined) throw new TypeError(`not an IP address: "${address}"`);
  const bytes = Buffer.alloc(ADDRESS_SIZE);
  groups.forEach((group, i) => bytes.writeUInt16BE(group, i * 2));
  return bytes;
}

function ipv4Bytes(text: string): Buffer | undefined {
  const parts = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (parts === null) return undefined;
  const octets = parts.slice(1).map(Number);
  return octets.every((octet) => octet <= 255) ? Buffer.from(octets) : undefined;
}

function ipv6Groups(text: string): number[] | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (half: string): number[] | undefined => {
    if (half === '') return [];
    const groups: number[] = [];
    for (const part of half.split(':')) {
      const ipv4 = part.includes('.') ? ipv4Bytes(part) : undefined;
      if (ipv4 !== undefined) groups.push(ipv4.readUInt16BE(0), ipv4.readUInt16BE(2));
      else if (/^[0-9a-f]{1,4}$/i.test(part)) groups.push(parseInt(part, 16));
      else return undefined;
    }
    return groups;
  };
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  return [...head, ...Array<number>(missing).fill(0), ...tail];
}

function ipv4Text(bytes: Buffer): string {
  return Array.from(bytes).join('.');
}

/** RFC 5952 text: lower case, the longest run of two or more zero groups as "::". */
function ipv6Text(groups: number[]): string {
  let runStart = -1;
  let runLength = 1;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > runLength) [runStart, runLength] = [i, j - i];
    i = j + 1;
  }
  const hex = groups.map((group) => group.toString(16));
  if (runStart < 0) return hex.join(':');
  return `${hex.slice(0, runStart).join(':')}::${hex.slice(runStart + runLength).join(':')}`;
}
