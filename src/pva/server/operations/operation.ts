import type { Channel, ChannelOperation } from '../../../net/circuit-base';
import type { PutProcessing } from '../../../database/pv';
import type { BitSet, PVStructure } from '../../protocol';
import type { NtMapping } from '../nt-mapping';
import type { MonitorQueue } from './monitor-queue';

export type PvaChannel = Channel<Operation>;

/** A GET, PUT or MONITOR a client created on a channel, known by its request id. */
export interface Operation extends ChannelOperation {
  readonly kind: 'get' | 'put' | 'monitor';
  readonly channel: PvaChannel;
  readonly mapping: NtMapping;
  /** What the client was last sent (a monitor) or a scratch value (get, put). */
  readonly value: PVStructure;
  readonly selected: BitSet;
}

/** How a PUT's writes are made, as QSRV reads its pvRequest's record._options (see putOptions). */
export interface PutOptions {
  readonly processing: PutProcessing;
  /** Answered once the processing the write started has finished (dbProcessNotify), not at once. */
  readonly block: boolean;
}

export interface PutOperation extends Operation, PutOptions {
  readonly kind: 'put';
}

/**
 * A monitor: `value` is the PV's state as last read, `changed` the fields in which it differs from
 * what went before. An update that cannot go out now (socket full, pipeline window closed) waits
 * in `queue`; while the client keeps up, updates are encoded straight from `value`.
 */
export interface Monitor extends Operation {
  readonly kind: 'monitor';
  readonly changed: BitSet;
  readonly queue: MonitorQueue;
  readonly pipeline: boolean;
  /** With pipeline: updates the client can still take. */
  window: number;
  started: boolean;
  /** Queued for the next flush; the queue holds each at most once. */
  pending: boolean;
  /** The first update, or a change while stopped or unable to read, is owed: the PV's state goes out once the monitor may send. */
  dirty: boolean;
}

export const isMonitor = (operation: Operation): operation is Monitor => operation.kind === 'monitor';
