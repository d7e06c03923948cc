import { ProtocolError } from '../errors';
import type { ByteReader } from './byte-reader';
import type { ByteWriter } from './byte-writer';

/** Completion status of a request, as replies carry it. */
export const StatusType = { OK: 0, WARNING: 1, ERROR: 2, FATAL: 3 } as const;
export type StatusTypeCode = (typeof StatusType)[keyof typeof StatusType];

export interface Status {
  readonly type: StatusTypeCode;
  readonly message: string;
  readonly callTree: string;
}

export const STATUS_OK: Status = Object.freeze({ type: StatusType.OK, message: '', callTree: '' });

/** The one byte that stands for OK with neither message nor call tree. */
const OK_SHORTCUT = 0xff;

export function errorStatus(message: string, callTree = ''): Status {
  return { type: StatusType.ERROR, message, callTree };
}

/** OK and WARNING are successes: the reply goes on with its data. */
export function isSuccess(status: Status): boolean {
  return status.type === StatusType.OK || status.type === StatusType.WARNING;
}

export function writeStatus(writer: ByteWriter, status: Status): void {
  if (status.type === StatusType.OK && status.message === '' && status.callTree === '') {
    writer.uint8(OK_SHORTCUT);
    return;
  }
  writer.uint8(status.type);
  writer.string(status.message);
  writer.string(status.callTree);
}

export function readStatus(reader: ByteReader): Status {
  const type = reader.uint8();
  if (type === OK_SHORTCUT) return STATUS_OK;
  if (type > StatusType.FATAL) throw new ProtocolError(`Status type ${type}`);
  return { type: type as StatusTypeCode, message: reader.string(), callTree: reader.string() };
}
