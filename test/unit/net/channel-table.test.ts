import { ChannelTable } from '../../../src/net/channel-table';

interface Entry {
  readonly serverId: number;
  readonly name: string;
}

function open(table: ChannelTable<Entry>, name: string): Entry {
  const entry = { serverId: table.freeId(), name };
  table.add(entry);
  return entry;
}

describe('ChannelTable', () => {
  it('hands out ids from 1 in creation order, as rsrv counts them up (camessage.c, casCreateChannel)', () => {
    const table = new ChannelTable<Entry>();
    const ids = ['A', 'B', 'C'].map((name) => open(table, name).serverId);
    expect(ids).toEqual([1, 2, 3]);
    expect(table.get(2)?.name).toBe('B');
    expect(table.size).toBe(3);
  });

  it('finds every channel by its id as it grows past its first slots, and lists each once', () => {
    const table = new ChannelTable<Entry>();
    const entries = Array.from({ length: 1000 }, (_, index) => open(table, `N${index}`));
    for (const entry of entries) expect(table.get(entry.serverId)).toBe(entry);
    expect(new Set(entries.map((entry) => entry.serverId)).size).toBe(1000);
    expect([...table.values()]).toEqual(entries);
  });

  it('finds nothing for an id it never gave, nor for 0', () => {
    const table = new ChannelTable<Entry>();
    open(table, 'A');
    expect(table.get(0)).toBeUndefined();
    expect(table.get(9)).toBeUndefined();
    expect(table.get(0xffffffff)).toBeUndefined();
  });

  it('does not give a cleared id again, even where its slot holds a newer channel', () => {
    const table = new ChannelTable<Entry>();
    const cleared = open(table, 'OLD');
    table.delete(cleared);
    const seen = new Set<number>([cleared.serverId]);
    for (let index = 0; index < 200; index++) {
      const entry = open(table, `NEW${index}`);
      expect(seen.has(entry.serverId)).toBe(false);
      seen.add(entry.serverId);
      expect(table.get(cleared.serverId)).toBeUndefined();
      table.delete(entry);
    }
    expect(table.size).toBe(0);
  });

  // The counter comes round to the long-lived channel's slot again and again, and must pass over
  // it, as rsrv's counter passes over an id still in use once it wraps (casCreateChannel).
  it('keeps a long-lived channel in place while others come and go around it', () => {
    const table = new ChannelTable<Entry>();
    const kept = open(table, 'KEPT');
    const churned: Entry[] = [];
    for (let index = 0; index < 500; index++) {
      const entry = open(table, `C${index}`);
      churned.push(entry);
      if (churned.length > 3) table.delete(churned.shift()!);
      expect(table.get(kept.serverId)).toBe(kept);
    }
    expect(table.size).toBe(4);
    expect([...table.values()].sort((a, b) => a.serverId - b.serverId)).toEqual([kept, ...churned]);
  });

  it('clears one channel without touching the others, and ignores a channel it does not hold', () => {
    const table = new ChannelTable<Entry>();
    const [a, b, c] = ['A', 'B', 'C'].map((name) => open(table, name)) as [Entry, Entry, Entry];
    table.delete(b);
    table.delete(b);
    table.delete({ serverId: a.serverId, name: 'not A' });
    expect(table.size).toBe(2);
    expect(table.get(a.serverId)).toBe(a);
    expect(table.get(b.serverId)).toBeUndefined();
    expect(table.get(c.serverId)).toBe(c);
  });

  it('wraps past 2^32 - 1 to 1: server ids are 32-bit on the wire', () => {
    const table = new ChannelTable<Entry>(0xfffffffe);
    const ids = [open(table, 'A'), open(table, 'B'), open(table, 'C')].map((entry) => entry.serverId);
    expect(ids).toEqual([0xfffffffe, 0xffffffff, 1]);
    expect(table.get(0xffffffff)?.name).toBe('B');
    expect(table.get(1)?.name).toBe('C');
  });

  it('refuses a channel whose slot is taken: ids come from freeId', () => {
    const table = new ChannelTable<Entry>();
    const a = open(table, 'A');
    expect(() => table.add({ serverId: a.serverId, name: 'again' })).toThrow(/slot is taken/);
    expect(table.get(a.serverId)).toBe(a);
  });

  it('empties on clear, and goes on counting', () => {
    const table = new ChannelTable<Entry>();
    const a = open(table, 'A');
    open(table, 'B');
    table.clear();
    expect(table.size).toBe(0);
    expect(table.get(a.serverId)).toBeUndefined();
    expect(open(table, 'C').serverId).toBe(3);
  });
});
