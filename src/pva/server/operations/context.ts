import type { ClientIdentity, FieldValue, ProcessVariable, WriteResult } from '../../../database/pv';
import type { BitSet, PutRequest, PvaMessageWriter, PVStructure } from '../../protocol';
import type { Monitor, Operation, PutOptions, PvaChannel } from './operation';

/** What an operation's handlers use of the circuit they run on (pvxs's ServerConn, as its operations see it). */
export interface OperationContext {
  readonly writer: PvaMessageWriter;
  readonly identity: ClientIdentity;
  channel(serverId: number): PvaChannel | undefined;
  operation(requestId: number): Operation | undefined;
  /** False, with a warning, when the circuit holds as many operations as it may. */
  mayAddOperation(): boolean;
  add(operation: Operation): void;
  remove(operation: Operation): void;
  /**
   * A guarded, logged client write on `channel`, processed as `options` ask: `answer` is called at
   * once, or with `block` once the processing it started has finished, unless the channel or
   * circuit went first.
   */
  write(channel: PvaChannel, value: FieldValue, options: PutOptions, answer: (outcome: WriteResult) => void): void;
  decodePutData(request: PutRequest, into: PVStructure): BitSet;
  /** The PV's own code threw while it was read for this client: logged with both; returns what the client is told. */
  readFailed(pv: ProcessVariable, error: unknown, operation?: 'read' | 'subscription'): string;
  /** A monitor has an update ready: encoded now if the client keeps up, else queued. */
  deliver(monitor: Monitor): void;
  /** Whether `deliver` encodes at once: the client keeps up. */
  takesUpdates(): boolean;
}
