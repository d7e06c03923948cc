import { BitSet } from '../../../../src/pva/protocol/codec/bit-set';
import { PVStructure } from '../../../../src/pva/protocol/codec/pv-structure';
import { scalar, scalarArray, structure } from '../../../../src/pva/protocol/codec/type-descriptor';
import { MonitorQueue, type MonitorEntry } from '../../../../src/pva/server/operations/monitor-queue';

// The queue of one MONITOR, as pvxs's servermon.cpp keeps it (ServerMonitorControl::doPost): up to
// `limit` entries; when full, the newest is squashed into the last (values overwritten, changed
// bits OR'd), and we mark in the overrun BitSet what changed more than once, as pvAccessCPP's
// MonitorFIFO does and pvxs's client reads it (clientmon.cpp: a non-empty overrun means squashed).

const TYPE = structure('', { a: scalar('double'), b: scalar('int'), samples: scalarArray('double') });
const [A, B, SAMPLES] = ['a', 'b', 'samples'].map((name) => TYPE.offsets.get(name)!) as [number, number, number];

/** The state a monitor last read, and the bits that differ from the one before. */
function latest(fields: { a?: number; b?: number; samples?: Float64Array }, head = new PVStructure(TYPE)): [PVStructure, BitSet] {
  const changed = new BitSet();
  head.assign(fields, changed);
  return [head, changed];
}

const drain = (queue: MonitorQueue): MonitorEntry[] => {
  const entries: MonitorEntry[] = [];
  for (let entry = queue.front(); entry; entry = queue.front()) {
    // Copies: the queue reuses its entries.
    const value = new PVStructure(TYPE);
    value.values.splice(0, value.values.length, ...entry.value.values);
    entries.push({ value, changed: new BitSet().or(entry.changed), overrun: new BitSet().or(entry.overrun) });
    queue.shift();
  }
  return entries;
};

describe('MonitorQueue', () => {
  it('holds up to its limit of distinct updates, oldest first', () => {
    const queue = new MonitorQueue(TYPE, 3);
    const head = new PVStructure(TYPE);
    for (const a of [1, 2, 3]) queue.post(...latest({ a }, head));
    expect(queue.size).toBe(3);
    const entries = drain(queue);
    expect(entries.map((e) => e.value.get('a'))).toEqual([1, 2, 3]);
    expect(entries.map((e) => e.changed.toArray())).toEqual([[A], [A], [A]]);
    expect(entries.map((e) => e.overrun.isEmpty())).toEqual([true, true, true]);
    expect(queue.size).toBe(0);
  });

  it('squashes the newest into the last when full: values overwritten, changed OR’d, overrun where a field changed again', () => {
    const queue = new MonitorQueue(TYPE, 2);
    const head = new PVStructure(TYPE);
    queue.post(...latest({ a: 1 }, head));
    queue.post(...latest({ a: 2 }, head));
    queue.post(...latest({ b: 7 }, head));
    expect(queue.size).toBe(2);
    queue.post(...latest({ a: 3 }, head));
    const [first, last] = drain(queue) as [MonitorEntry, MonitorEntry];
    expect([first.value.get('a'), first.changed.toArray(), first.overrun.toArray()]).toEqual([1, [A], []]);
    // a was 2 then 3 in this one update: overrun; b changed once: not.
    expect([last.value.get('a'), last.value.get('b'), last.changed.toArray(), last.overrun.toArray()]).toEqual([3, 7, [A, B], [A]]);
  });

  it('counts a squash into a whole first update (bit 0) as an overrun of what changed', () => {
    const queue = new MonitorQueue(TYPE, 1);
    const head = new PVStructure(TYPE);
    queue.post(head, BitSet.of(0));
    queue.post(...latest({ b: 4 }, head));
    const [entry] = drain(queue) as [MonitorEntry];
    expect([entry.changed.toArray(), entry.overrun.toArray(), entry.value.get('b')]).toEqual([[0, B], [B], 4]);
  });

  it('reuses its entries round the ring, each starting with clean bits', () => {
    const queue = new MonitorQueue(TYPE, 2);
    const head = new PVStructure(TYPE);
    queue.post(...latest({ a: 1 }, head));
    queue.post(...latest({ a: 2 }, head));
    queue.post(...latest({ a: 3 }, head)); // squashed: overrun on the second entry
    const first = queue.front();
    queue.shift();
    queue.shift();
    queue.post(...latest({ b: 5 }, head));
    queue.post(...latest({ b: 6 }, head));
    queue.post(...latest({ a: 9 }, head));
    expect(queue.front()).toBe(first);
    const entries = drain(queue);
    expect(entries.map((e) => [e.changed.toArray(), e.overrun.toArray()])).toEqual([
      [[B], []],
      [[A, B], []],
    ]);
    expect(entries.map((e) => [e.value.get('a'), e.value.get('b')])).toEqual([
      [3, 5],
      [9, 6],
    ]);
  });

  it('keeps a copy of a typed array, which the PV changes in place (ProcessVariable.value: never keep)', () => {
    const queue = new MonitorQueue(TYPE, 2);
    const head = new PVStructure(TYPE);
    const samples = Float64Array.of(1, 2);
    queue.post(...latest({ samples }, head));
    samples[0] = 10;
    queue.post(...latest({ samples }, head));
    samples[0] = 20;
    queue.post(...latest({ samples }, head));
    samples[0] = 30;
    const entries = drain(queue);
    expect(entries.map((e) => Array.from(e.value.get('samples') as Float64Array))).toEqual([
      [1, 2],
      [20, 2],
    ]);
    expect(entries[1]!.overrun.toArray()).toEqual([SAMPLES]);
  });

  it('clear() empties it', () => {
    const queue = new MonitorQueue(TYPE, 4);
    queue.post(...latest({ a: 1 }));
    queue.clear();
    expect([queue.size, queue.front()]).toEqual([0, undefined]);
  });
});
