// The INIT of a GET, PUT or MONITOR: the channel, the pvRequest's field selection, the type replied.
import { createMonitor } from './monitor';
import type { OperationContext } from './context';
import type { Operation } from './operation';
import { ntMappingOf } from '../nt-mapping';
import {
  Command,
  type BitSet,
  errorStatus,
  parsePvRequest,
  PvRequestError,
  PVStructure,
  selectFields,
  STATUS_OK,
  writeOperationInit,
  type ClientMessage,
  type Status,
} from '../../protocol';

export type InitRequest = Extract<ClientMessage, { kind: 'getInit' | 'putInit' | 'monitorInit' }>;

export function initOperation(context: OperationContext, message: InitRequest): void {
  const command = message.kind === 'getInit' ? Command.GET : message.kind === 'putInit' ? Command.PUT : Command.MONITOR;
  const fail = (status: Status) => writeOperationInit(context.writer, command, message.requestId, status);
  const channel = context.channel(message.serverChannelId);
  if (!channel) return fail(errorStatus(`no channel with server id ${message.serverChannelId}`));
  if (context.operation(message.requestId)) return fail(errorStatus(`request id ${message.requestId} in use`));
  if (!context.mayAddOperation()) return fail(errorStatus('too many operations on this connection (maxSubscriptionsPerCircuit)'));
  const mapping = ntMappingOf(channel.pv);
  let selected: BitSet;
  try {
    selected = selectFields(mapping.type, parsePvRequest(message.pvRequest));
  } catch (error) {
    if (!(error instanceof PvRequestError)) throw error;
    return fail(errorStatus(error.message));
  }
  const base = { id: message.requestId, channel, mapping, value: new PVStructure(mapping.type), selected };
  let operation: Operation;
  if (message.kind !== 'monitorInit') {
    operation = { ...base, kind: message.kind === 'getInit' ? 'get' : 'put', stop: () => undefined };
  } else {
    try {
      operation = createMonitor(context, base, message.pipeline, message.nfree);
    } catch (error) {
      return fail(errorStatus(context.readFailed(channel.pv, error, 'subscription')));
    }
  }
  context.add(operation);
  writeOperationInit(context.writer, command, operation.id, STATUS_OK, mapping.type);
}
