// GET_FIELD: a channel's type, or one of its fields' (pvxs's serverintrospect.cpp).
import type { OperationContext } from './context';
import { ntMappingOf } from '../nt-mapping';
import { errorStatus, STATUS_OK, writeGetField, type GetFieldRequest } from '../../protocol';

export function getField(context: OperationContext, request: GetFieldRequest): void {
  const channel = context.channel(request.serverChannelId);
  if (!channel) return writeGetField(context.writer, request.requestId, errorStatus(`no channel with server id ${request.serverChannelId}`));
  const type = ntMappingOf(channel.pv).type;
  if (request.subField === '' || request.subField === 'field') return writeGetField(context.writer, request.requestId, STATUS_OK, type);
  const bit = type.offsets.get(request.subField);
  if (bit === undefined) return writeGetField(context.writer, request.requestId, errorStatus(`${channel.pv.name} has no field ${request.subField}`));
  writeGetField(context.writer, request.requestId, STATUS_OK, type.nodes[bit]);
}
