// The updates one MONITOR holds while its client cannot take them (send queue busy, pipeline
// window closed), as pvxs's servermon.cpp holds them: up to the pvRequest's
// record._options.queueSize distinct updates, oldest first; when full, the newest is squashed into
// the last (its values overwritten, its changed bits OR'd).
import { BitSet, PVStructure, type NumericArray, type PVField, type StructureDesc } from '../../protocol';

/** pvxs's default (servermon.cpp `limit`), also pvAccessCPP's MonitorFIFO's. */
export const DEFAULT_QUEUE_SIZE = 4;
/**
 * pvxs takes any uint32; we bound what one monitor of a slow client may hold (pvAccessCPP's
 * MonitorFIFO has a maxCount too, 4 in its default Config).
 */
export const MAX_QUEUE_SIZE = 64;

/** One update as the client will get it. */
export interface MonitorEntry {
  readonly value: PVStructure;
  readonly changed: BitSet;
  /**
   * The fields that changed more than once within this update (pvAccess's overrun BitSet), which
   * pvxs's client reads as "squashed on the server". pvxs's server sends it empty; we fill it.
   */
  readonly overrun: BitSet;
}

export class MonitorQueue {
  /** A ring of entries, made as first needed and reused, so that a monitor that keeps up costs none. */
  private readonly entries: MonitorEntry[] = [];
  private first = 0;
  private count = 0;

  constructor(
    private readonly type: StructureDesc,
    readonly limit: number,
  ) {}

  get size(): number {
    return this.count;
  }

  /** Queues `latest`, whose fields in `changed` differ from the entry before; squashed into the last when full. */
  post(latest: PVStructure, changed: BitSet): void {
    let entry: MonitorEntry;
    if (this.count < this.limit) {
      entry = this.slot(this.count++);
      entry.changed.clearAll();
      entry.overrun.clearAll();
    } else {
      entry = this.slot(this.count - 1);
      // Bit 0 (a whole first update) is the only structure bit a monitor's changes carry.
      const whole = entry.changed.get(0);
      for (let bit = changed.nextSetBit(0); bit >= 0; bit = changed.nextSetBit(bit + 1)) if (whole || entry.changed.get(bit)) entry.overrun.set(bit);
    }
    entry.changed.or(changed);
    copyValues(latest, entry.value);
  }

  /** The oldest entry, if any. */
  front(): MonitorEntry | undefined {
    return this.count === 0 ? undefined : this.entries[this.first];
  }

  /** The oldest entry has gone out. */
  shift(): void {
    if (this.count === 0) return;
    this.first = (this.first + 1) % this.limit;
    this.count--;
  }

  clear(): void {
    this.first = 0;
    this.count = 0;
  }

  private slot(index: number): MonitorEntry {
    const position = (this.first + index) % this.limit;
    let entry = this.entries[position];
    if (entry === undefined) {
      entry = { value: new PVStructure(this.type), changed: new BitSet(), overrun: new BitSet() };
      this.entries[position] = entry;
    }
    return entry;
  }
}

/**
 * A PV's typed arrays are its own and change in place (ProcessVariable.value: "never keep"), so
 * an entry holds a copy, into its previous array when the length allows.
 */
function copyValues(from: PVStructure, into: PVStructure): void {
  const values = into.values;
  from.values.forEach((value, index) => {
    values[index] = ArrayBuffer.isView(value) ? copyArray(value, values[index]) : value;
  });
}

function copyArray(array: NumericArray, previous: PVField | undefined): NumericArray {
  if (previous?.constructor === array.constructor && (previous as NumericArray).length === array.length) {
    (previous as typeof array).set(array as never);
    return previous as NumericArray;
  }
  return array.slice();
}
