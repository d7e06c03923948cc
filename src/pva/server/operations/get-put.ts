// GET and PUT: one reply per request, from a value filled from the PV on demand (pvxs's serverget.cpp).
import type { OperationContext } from './context';
import type { Monitor, Operation, PutOperation, PutOptions } from './operation';
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
  type PvRequest,
  type Status,
} from '../../protocol';
import type { PutProcessing } from '../../../database/pv';

/** Every field: what a GET or PUT's data says changed. */
const EVERYTHING = BitSet.of(0);

interface OperationKinds {
  get: Operation;
  put: PutOperation;
  monitor: Monitor;
}

/** The operation a request names, of the kind it should be, or an error reply. */
export function operationFor<Kind extends keyof OperationKinds>(
  context: OperationContext,
  command: number,
  requestId: number,
  subcommand: number,
  kind: Kind,
): OperationKinds[Kind] | undefined {
  const operation = context.operation(requestId);
  if (operation?.kind === kind) return operation as OperationKinds[Kind];
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
  // A fresh value, so that fields the client leaves out are not taken from an earlier PUT.
  const into = new PVStructure(operation.mapping.type);
  const bits = context.decodePutData(request, into);
  const outcome = operation.mapping.putValue(into, bits);
  if (!outcome.ok) return reply(errorStatus(outcome.message));
  if (outcome.value === undefined) return reply(STATUS_OK);
  context.write(operation.channel, outcome.value, operation, (written) => reply(written.ok ? STATUS_OK : errorStatus(written.message)));
}

/**
 * A PUT's record._options as QSRV reads them (pvxs ioc/singlesource.cpp onPut and
 * ioc/iocsource.cpp setForceProcessingFlag): process "passive" (the default) as dbPutField, "true"
 * always, "false" never; block false by default, so a plain put is answered at once, and never
 * with process false, when there is no processing to wait for. An option with a value it cannot
 * take counts as absent. With block and process true the record is processed whatever the field,
 * where QSRV's dbProcessNotify keeps to dbPutField's rule (pva2pva's pdbsingle.cpp: dbNotify
 * "doesn't allow us" to force processing): a put that asks for both gets both.
 */
export function putOptions(request: PvRequest): PutOptions {
  const processing: PutProcessing = request.process === undefined || request.process === 'passive' ? 'passive' : request.process ? 'always' : 'never';
  return { processing, block: processing !== 'never' && request.block === true };
}
