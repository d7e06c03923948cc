import type { Channel, Context } from 'epics-tca';
import { Channel_DBR_TYPES, ChannelMonitor_MASKS } from 'epics-tca';
import { Command, Dbe } from '../../src/ca/protocol/constants';
import { FieldType } from '../../src/database/pv';
import { PvMap, SimplePv } from '../../src/database/simple-pv';
import { RawPvaClient } from '../helpers/pva-raw-client';
import { pvaValue } from '../helpers/tca';
import { RawCircuit, request } from '../helpers/raw-client';

// One client that never reads, beside one that does, for both protocols: the CI test
// (slow-client.test.ts) checks that the fast one is served in full, the bench
// (bench/slow-client.ts) measures its update latency with and without the slow one.

export const WAVE_ELEMENTS = 1_000_000;

/** A counter the fast client monitors, stamped with when it was posted, and a large array the slow client monitors. */
export function slowClientPvs(): { pvs: PvMap; counter: SimplePv; wave: SimplePv; postedAt: Map<number, bigint> } {
  const counter = new SimplePv({ name: 'SLOW:COUNTER', type: FieldType.LONG, value: 0 });
  const wave = new SimplePv({ name: 'SLOW:WAVE', type: FieldType.DOUBLE, maxElements: WAVE_ELEMENTS, value: new Float64Array(WAVE_ELEMENTS) });
  return { pvs: new PvMap([counter, wave]), counter, wave, postedAt: new Map() };
}

/**
 * A client that monitors the large array, asks for it again and again, and never reads a byte
 * (a raw client: real clients read). Returns the function that closes it.
 */
export async function startSlowClient(protocol: 'ca' | 'pva', tcpPort: number): Promise<() => void> {
  if (protocol === 'ca') {
    const circuit = await RawCircuit.connect(tcpPort);
    const sid = await circuit.createChannel('SLOW:WAVE', 1);
    circuit.socket.pause();
    const add = Buffer.alloc(16);
    add.writeUInt16BE(Dbe.VALUE, 12);
    circuit.send(request(Command.EVENT_ADD, 6, WAVE_ELEMENTS, sid, 1, add));
    circuit.send(Buffer.concat(Array.from({ length: 100 }, (_, ioid) => request(Command.READ_NOTIFY, 6, WAVE_ELEMENTS, sid, ioid))));
    return () => circuit.close();
  }
  const client = await RawPvaClient.connect(tcpPort);
  const sid = await client.createChannel('SLOW:WAVE');
  await client.monitor(sid, 1, 1_000_000);
  await client.getInit(sid, 2);
  client.socket.pause();
  for (let i = 0; i < 100; i++) client.get(sid, 2);
  return () => client.close();
}

/** The fast client: epics-tca monitoring the counter over `protocol`; `onValue` gets each value as it arrives. */
export async function monitorCounter(context: Context, protocol: 'ca' | 'pva', onValue: (value: number) => void): Promise<() => Promise<void>> {
  const channel: Channel = (await context.createChannel('SLOW:COUNTER', protocol, 10))!;
  const monitor =
    protocol === 'ca'
      ? await channel.createMonitor(
          10,
          (m) => onValue(m.getChannel().getDbrData().value as number),
          Channel_DBR_TYPES.DBR_TIME_LONG,
          1,
          ChannelMonitor_MASKS.DBE_VALUE,
        )
      : await channel.createMonitorPva(10, 'value', (m) => onValue(pvaValue(m) as number));
  return async () => {
    monitor!.destroyHard();
    await channel.destroyHard();
  };
}
