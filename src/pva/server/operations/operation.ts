import type { Channel, ChannelOperation } from '../../../net/circuit-base';
import type { PutProcessing } from '../../../database/pv';
import type { BitSet, PVStructure } from '../../protocol';
import type { NtMapping } from '../nt-mapping';

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
 * A monitor: `changed` gathers the fields that differ from what the client last saw, so an update
 * that cannot go out now (socket full, pipeline window closed) coalesces into the next one.
 */
export interface Monitor extends Operation {
  readonly kind: 'monitor';
  readonly changed: BitSet;
  readonly pipeline: boolean;
  /** With pipeline: updates the client can still take. */
  window: number;
  started: boolean;
  /** Queued for the next flush; the queue holds each at most once. */
  pending: boolean;
  /** An update is waiting (the first, or a change); sent when the monitor may send. */
  dirty: boolean;
}

export const isMonitor = (operation: Operation): operation is Monitor => operation.kind === 'monitor';
