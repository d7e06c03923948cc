import type { DbrHeader, DbrSource, DecodedDbr } from './types';

/** The status and severity every STS, TIME, GR and CTRL DBR starts with (two dbr_short_t). */
export function encodeAlarm(target: Buffer, offset: number, source: DbrSource): void {
  const { status, severity } = source.alarm();
  target.writeUInt16BE(status & 0xffff, offset);
  target.writeUInt16BE(severity & 0xffff, offset + 2);
}

export function decodeAlarm(payload: Buffer, offset: number, into: DecodedDbr): void {
  into.status = payload.readUInt16BE(offset);
  into.severity = payload.readUInt16BE(offset + 2);
}

/**
 * dbr_sts_*: status, severity, value. The value sits at its natural alignment, so dbr_sts_char
 * has a one-byte RISC_pad and dbr_sts_double a four-byte one.
 */
export const stsHeader: DbrHeader = {
  // by DBF type: STRING, SHORT, FLOAT, ENUM, CHAR, LONG, DOUBLE
  valueOffset: [4, 4, 4, 4, 5, 4, 8],
  encode(target, offset, _elementType, source) {
    encodeAlarm(target, offset, source);
  },
  decode(payload, offset, _elementType, into) {
    decodeAlarm(payload, offset, into);
  },
};
