import * as os from 'node:os';
import { isIPv4 } from 'node:net';

export interface SocketAddress {
  host: string;
  port: number;
}

/** The address as the 32-bit number CA puts in search replies and beacons. */
export function ipv4ToNumber(address: string): number {
  const parts = address.split('.').map(Number);
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

export function numberToIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff].join('.');
}

/**
 * Parses an EPICS address list ("a.b.c.d[:port] host2 …", blanks between entries) as EPICS
 * base does; entries without a port get `defaultPort` (lists of interfaces or clients ignore
 * ports). Bad entries are reported, not dropped silently.
 */
export function parseAddressList(text: string | undefined, defaultPort: number, onInvalid: (entry: string) => void): SocketAddress[] {
  if (!text) return [];
  const list: SocketAddress[] = [];
  for (const entry of text.split(/\s+/)) {
    if (entry === '') continue;
    const [host, portText] = entry.split(':');
    const port = portText === undefined ? defaultPort : Number(portText);
    const portValid = portText === undefined || (Number.isInteger(port) && port > 0 && port <= 0xffff);
    if (!host || !isIPv4(host) || !portValid) {
      onInvalid(entry);
      continue;
    }
    list.push({ host, port });
  }
  return list;
}

export const ANY_ADDRESS = '0.0.0.0';

/** The IPv4 interfaces with their broadcast address (loopback gets 127.255.255.255, as Linux routes it). */
export function ipv4Interfaces(): { address: string; broadcast: string }[] {
  const found: { address: string; broadcast: string }[] = [];
  for (const infos of Object.values(os.networkInterfaces())) {
    for (const info of infos ?? []) {
      if (info.family !== 'IPv4') continue;
      const address = ipv4ToNumber(info.address);
      const mask = ipv4ToNumber(info.netmask);
      found.push({ address: info.address, broadcast: numberToIpv4((address | ~mask) >>> 0) });
    }
  }
  return found;
}

/** The broadcast address of the interface that owns `address`, if it is one of ours. */
export function broadcastAddressOf(address: string): string | undefined {
  return ipv4Interfaces().find((entry) => entry.address === address)?.broadcast;
}
