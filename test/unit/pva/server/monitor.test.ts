import { FieldType } from '../../../../src/database/pv';
import { SimplePv } from '../../../../src/database/simple-pv';
import { BitSet, Command, PVStructure, PvaMessageWriter, type MonitorRequest } from '../../../../src/pva/protocol';
import type { OperationContext } from '../../../../src/pva/server/operations/context';
import { createMonitor, monitor as monitorRequest, writeUpdate, type MonitorOptions } from '../../../../src/pva/server/operations/monitor';
import type { Monitor, PvaChannel } from '../../../../src/pva/server/operations/operation';
import { ntMappingOf } from '../../../../src/pva/server/nt-mapping';

// A MONITOR's updates against a client that keeps up, one whose socket is full, and one that
// grants a pipeline window, as pvxs's servermon.cpp serves them: up to queueSize updates wait,
// the newest squashed into the last (see monitor-queue.test.ts), sent as the window allows
// (MonitorOp::doReply sends while `window` is non-zero; an ack adds to it).

interface Update {
  value: number;
  /** The overrun BitSet's bytes. */
  overrun: number[];
}

/** A monitor of a scalar double for field(value), on a circuit stood in for by a writer and a flag. */
function harness(options: Partial<MonitorOptions> = {}) {
  const pv = new SimplePv({ name: 'Q', type: FieldType.DOUBLE, value: 0 });
  const writer = new PvaMessageWriter(true);
  const waiting = new Set<Monitor>();
  let takesUpdates = true;
  const context = {
    writer,
    operation: () => monitor,
    remove: (operation: Monitor) => operation.stop(),
    readFailed: () => 'read failed',
    takesUpdates: () => takesUpdates,
    // The send queue (src/net/send-queue.ts): encoded at once, or held once until the flush.
    deliver: (m: Monitor) => {
      if (m.pending) return;
      if (takesUpdates) {
        writeUpdate(context, m);
      } else {
        m.pending = true;
        waiting.add(m);
      }
    },
  } as unknown as OperationContext;
  const mapping = ntMappingOf(pv);
  const channel = { clientId: 1, serverId: 1, pv, rights: { read: true, write: true }, operations: new Set() } as PvaChannel;
  const base = { id: 5, channel, mapping, value: new PVStructure(mapping.type), selected: BitSet.of(mapping.type.offsets.get('value')!) };
  const monitor = createMonitor(context, base, { pipeline: false, window: 0, queueSize: 4, ...options });
  const request = (fields: Partial<MonitorRequest>) =>
    monitorRequest(context, { kind: 'monitor', serverChannelId: 1, requestId: 5, subcommand: 0, ack: 0, start: undefined, destroy: false, ...fields });
  return {
    pv,
    monitor,
    start: () => request({ start: true }),
    stop: () => request({ start: false }),
    ack: (count: number) => request({ ack: count }),
    destroy: () => request({ destroy: true }),
    socketFull: () => (takesUpdates = false),
    /** The socket drained: what waited is encoded (SendQueue.flush). */
    drained: () => {
      takesUpdates = true;
      for (const m of waiting) {
        m.pending = false;
        writeUpdate(context, m);
      }
      waiting.clear();
    },
    /** The updates written since the last call. */
    updates: (): Update[] => {
      const batch = writer.take() ?? Buffer.alloc(0);
      const updates: Update[] = [];
      for (let at = 0; at < batch.length; at += 8 + batch.readUInt32LE(at + 4)) {
        const payload = batch.subarray(at + 8, at + 8 + batch.readUInt32LE(at + 4));
        // ioid, subcommand 0, BitSet {value} (1 byte), the double, the overrun BitSet
        if (batch[at + 3] !== Command.MONITOR || payload[4] !== 0) continue;
        updates.push({ value: payload.readDoubleLE(7), overrun: [...payload.subarray(16, 16 + payload[15]!)] });
      }
      return updates;
    },
  };
}

const plain = (value: number): Update => ({ value, overrun: [] });
/** The overrun BitSet {1}: value. */
const squashed = (value: number): Update => ({ value, overrun: [0b10] });

describe('pvAccess MONITOR queue', () => {
  it('sends every change at once while the client keeps up, queueing nothing', () => {
    const h = harness();
    h.start();
    for (let value = 1; value <= 10; value++) h.pv.post(value);
    expect(h.updates()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(plain));
    expect(h.monitor.queue.size).toBe(0);
  });

  it('queues queueSize updates while the socket is full, the newest squashed into the last', () => {
    const h = harness({ queueSize: 3 });
    h.start();
    h.updates();
    h.socketFull();
    for (let value = 1; value <= 10; value++) h.pv.post(value);
    expect(h.updates()).toEqual([]);
    expect(h.monitor.queue.size).toBe(3);
    h.drained();
    expect(h.updates()).toEqual([plain(1), plain(2), squashed(10)]);
    h.pv.post(11);
    expect(h.updates()).toEqual([plain(11)]);
  });

  it('sends no more than the pipeline window; an ack lets the queue out', () => {
    const h = harness({ pipeline: true, window: 2, queueSize: 2 });
    h.start();
    h.pv.post(1);
    for (let value = 2; value <= 6; value++) h.pv.post(value);
    expect(h.updates()).toEqual([plain(0), plain(1)]);
    h.ack(1);
    expect(h.updates()).toEqual([plain(2)]);
    h.pv.post(7);
    h.ack(5);
    // The queue held 2 and 6 (3 to 6 squashed); after 2 went, 7 joined behind 6.
    expect(h.updates()).toEqual([squashed(6), plain(7)]);
    expect(h.monitor.window).toBe(3);
    h.pv.post(8);
    expect(h.updates()).toEqual([plain(8)]);
  });

  it('with a full socket and an open window, sends what waited only up to the window', () => {
    const h = harness({ pipeline: true, window: 2, queueSize: 4 });
    h.start();
    h.updates();
    h.socketFull();
    for (let value = 1; value <= 3; value++) h.pv.post(value);
    h.drained();
    expect(h.updates()).toEqual([plain(1)]);
    h.ack(2);
    expect(h.updates()).toEqual([plain(2), plain(3)]);
  });

  it('sends nothing while stopped; on start, what was queued, then the state the PV reached', () => {
    const h = harness({ pipeline: true, window: 1, queueSize: 4 });
    h.start();
    h.pv.post(1);
    h.pv.post(2);
    h.stop();
    h.pv.post(3);
    h.ack(5);
    expect(h.updates()).toEqual([plain(0)]);
    h.start();
    expect(h.updates()).toEqual([plain(1), plain(2), plain(3)]);
  });

  it('destroy drops what was queued and takes no more', () => {
    const h = harness({ pipeline: true, window: 1 });
    h.start();
    h.pv.post(1);
    h.pv.post(2);
    expect(h.monitor.queue.size).toBe(2);
    h.destroy();
    expect(h.monitor.queue.size).toBe(0);
    h.pv.post(3);
    expect(h.monitor.queue.size).toBe(0);
  });

  it('sends nothing queued to a client that lost read access', () => {
    const h = harness({ pipeline: true, window: 1 });
    h.start();
    h.pv.post(1);
    h.monitor.channel.rights = { read: false, write: false };
    h.ack(3);
    expect(h.updates()).toEqual([plain(0)]);
  });
});
