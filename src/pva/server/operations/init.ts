// The INIT of a GET, PUT or MONITOR: the channel, the pvRequest's field selection, the type replied.
import { createMonitor } from './monitor';
import { DEFAULT_QUEUE_SIZE, MAX_QUEUE_SIZE } from './monitor-queue';
import type { OperationContext } from './context';
import { putOptions } from './get-put';
import type { Operation } from './operation';
import { ntMappingOf } from '../nt-mapping';
import {
  Command,
  type BitSet,
  errorStatus,
  MessageType,
  parsePvRequest,
  PvRequestError,
  PVStructure,
  selectFields,
  STATUS_OK,
  writeMessage,
  writeOperationInit,
  type ClientMessage,
  type PvRequest,
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
  let request: PvRequest;
  let selected: BitSet;
  try {
    request = parsePvRequest(message.pvRequest);
    selected = selectFields(mapping.type, request);
  } catch (error) {
    if (!(error instanceof PvRequestError)) throw error;
    return fail(errorStatus(error.message));
  }
  const base = { id: message.requestId, channel, mapping, value: new PVStructure(mapping.type), selected };
  let operation: Operation;
  if (message.kind === 'getInit') {
    operation = { ...base, kind: 'get', stop: () => undefined };
  } else if (message.kind === 'putInit') {
    operation = { ...base, kind: 'put', ...putOptions(request), stop: () => undefined };
  } else {
    // The pipeline's window is counted in queue entries: pvxs (servermon.cpp) fails the INIT rather than guess.
    if (message.pipeline && request.invalidOptions.includes('queueSize'))
      return fail(errorStatus(`can not pipeline invalid queueSize: ${shown(request, 'queueSize')}`));
    const queueSize = Math.min(request.queueSize ?? DEFAULT_QUEUE_SIZE, MAX_QUEUE_SIZE);
    try {
      operation = createMonitor(context, base, { pipeline: message.pipeline, window: message.nfree, queueSize });
    } catch (error) {
      return fail(errorStatus(context.readFailed(channel.pv, error, 'subscription')));
    }
  }
  context.add(operation);
  writeOperationInit(context.writer, command, operation.id, STATUS_OK, mapping.type);
  warnOfInvalidOptions(context, operation.id, request);
  if (request.queueSize !== undefined && request.queueSize > MAX_QUEUE_SIZE) {
    writeMessage(
      context.writer,
      operation.id,
      MessageType.WARNING,
      `record._options.queueSize ${request.queueSize} is above this server's ${MAX_QUEUE_SIZE}: using ${MAX_QUEUE_SIZE}`,
    );
  }
}

/** An option with a value it cannot take is ignored, and the client told so, as QSRV does (pvxs ioc/iocsource.cpp setForceProcessingFlag). */
function warnOfInvalidOptions(context: OperationContext, requestId: number, request: PvRequest): void {
  for (const name of request.invalidOptions) {
    writeMessage(context.writer, requestId, MessageType.WARNING, `Ignoring unsupported record._options.${name}: ${shown(request, name)}`);
  }
}

/** An option's value as the client sent it, for a message. */
function shown(request: PvRequest, name: string): string {
  const value = request.options.get(name);
  return value === undefined ? 'not a scalar' : JSON.stringify(typeof value === 'bigint' ? String(value) : value);
}
