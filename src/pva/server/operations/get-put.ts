// GET and PUT: one reply per request, from a value filled from the PV on demand (pvxs's serverget.cpp).
import type { OperationContext } from './context';
import type { Operation } from './operation';
import {
  BitSet,
  Command,
  errorStatus,
  PVStructure,
  STATUS_OK,
  writeOperationData,
  writeOperationStatus,
  type GetRequest,
  type PutRequest,
  type Status,
} from '../../protocol';

/** Every field: what a GET or PUT's data says changed. */
const EVERYTHING = BitSet.of(0);

/** The operation a request names, of the kind it should be, or an error reply. */
export function operationFor(
  context: OperationContext,
  command: number,
  requestId: number,
  subcommand: number,
  kind: Operation['kind'],
): Operation | undefined {
  const operation = context.operation(requestId);
  if (operation?.kind === kind) return operation;
  writeOperationStatus(context.writer, command, requestId, subcommand, errorStatus(`no ${kind} operation ${requestId}`));
  return undefined;
}

export function get(context: OperationContext, request: GetRequest): void {
  const operation = operationFor(context, Command.GET, request.requestId, request.subcommand, 'get');
  if (!operation) return;
  if (request.destroy) context.remove(operation);
  writeData(context, Command.GET, operation, request.subcommand);
}

function writeData(context: OperationContext, command: typeof Command.GET | typeof Command.PUT, operation: Operation, subcommand: number): void {
  const { channel } = operation;
  if (!channel.rights.read) {
    writeOperationStatus(context.writer, command, operation.id, subcommand, errorStatus(`${channel.pv.name}: no read access`));
    return;
  }
  try {
    operation.mapping.fill(operation.value);
  } catch (error) {
    writeOperationStatus(context.writer, command, operation.id, subcommand, errorStatus(context.readFailed(channel.pv, error)));
    return;
  }
  writeOperationData(context.writer, command, operation.id, subcommand, operation.value, EVERYTHING, operation.selected);
}

export function put(context: OperationContext, request: PutRequest): void {
  const operation = operationFor(context, Command.PUT, request.requestId, request.subcommand, 'put');
  if (!operation) return;
  if (request.destroy) context.remove(operation);
  if (request.getPut) return writeData(context, Command.PUT, operation, request.subcommand);
  const { pv } = operation.channel;
  const reply = (status: Status) => writeOperationStatus(context.writer, Command.PUT, request.requestId, request.subcommand, status);
  if (!operation.channel.rights.write) return reply(errorStatus(operation.channel.rights.noWriteReason ?? `${pv.name}: no write access`));
  // record._options.process and block are not consulted: the write is a CA put's (dbPutField
  // processes a Passive record when the field is PP), which is QSRV's process=passive, and the
  // reply waits until the processing it started has finished (dbProcessNotify), as QSRV's
  // block=true does.
  // A fresh value, so that fields the client leaves out are not taken from an earlier PUT.
  const into = new PVStructure(operation.mapping.type);
  const bits = context.decodePutData(request, into);
  const outcome = operation.mapping.putValue(into, bits);
  if (!outcome.ok) return reply(errorStatus(outcome.message));
  if (outcome.value === undefined) return reply(STATUS_OK);
  context.write(operation.channel, outcome.value, (written) => reply(written.ok ? STATUS_OK : errorStatus(written.message)));
}
