// dbr_gr_* and dbr_ctrl_*: the display (GR) and control (CTRL) families. They are one layout
// but for the two control limits CTRL adds after the alarm limits, so one builder makes both.
//
// - STRING has no such struct: DBR_GR_STRING and DBR_CTRL_STRING are dbr_sts_string.
// - ENUM carries labels instead of units and limits: no_str, then 16 slots of 26 bytes.
// - FLOAT and DOUBLE start with precision and a RISC_pad, then units; SHORT, CHAR and LONG
//   start with units. Limits are in the element type; CHAR's are followed by a RISC_pad byte.

import { MAX_ENUM_STATES, MAX_ENUM_STRING_SIZE, MAX_UNITS_SIZE } from '../constants';
import { castNumber, toShort } from '../convert';
import { readCString, writeCString } from './strings';
import { decodeAlarm, encodeAlarm, stsHeader } from './sts';
import { Dbf, ELEMENT_SIZE, type DbrHeader, type DbrMetadata, type DecodedDbr } from './types';
import { dataViewOf, readNumber, writeNumber } from './value';

/** The limits in wire order; GR carries the first six, CTRL all eight. */
const LIMITS = [
  'upperDisplayLimit',
  'lowerDisplayLimit',
  'upperAlarmLimit',
  'upperWarningLimit',
  'lowerWarningLimit',
  'lowerAlarmLimit',
  'upperControlLimit',
  'lowerControlLimit',
] as const satisfies readonly (keyof DbrMetadata & keyof DecodedDbr)[];

const GR_LIMIT_COUNT = 6;
const CTRL_LIMIT_COUNT = 8;
const LABELS_OFFSET = 6;

function hasPrecision(elementType: number): boolean {
  return elementType === Dbf.FLOAT || elementType === Dbf.DOUBLE;
}

function unitsOffset(elementType: number): number {
  return hasPrecision(elementType) ? 8 : 4;
}

function graphicHeader(limitCount: number, valueOffset: readonly number[]): DbrHeader {
  return {
    valueOffset,
    encode(target, offset, elementType, source) {
      if (elementType === Dbf.STRING) {
        stsHeader.encode(target, offset, elementType, source);
        return;
      }
      encodeAlarm(target, offset, source);
      const metadata = source.metadata();
      if (elementType === Dbf.ENUM) {
        encodeLabels(target, offset, metadata.enumStrings);
        return;
      }
      // dbAccess fills precision only for FLOAT and DOUBLE fields, whatever the request type.
      const nativePrecision = source.type === Dbf.FLOAT || source.type === Dbf.DOUBLE;
      if (hasPrecision(elementType) && nativePrecision) target.writeInt16BE(toShort(metadata.precision), offset + 4);
      const units = offset + unitsOffset(elementType);
      writeCString(target, units, MAX_UNITS_SIZE, metadata.units);
      encodeLimits(target, units + MAX_UNITS_SIZE, elementType, limitCount, metadata);
    },
    decode(payload, offset, elementType, into) {
      if (elementType === Dbf.STRING) {
        stsHeader.decode(payload, offset, elementType, into);
        return;
      }
      decodeAlarm(payload, offset, into);
      if (elementType === Dbf.ENUM) {
        decodeLabels(payload, offset, into);
        return;
      }
      if (hasPrecision(elementType)) into.precision = payload.readInt16BE(offset + 4);
      const units = offset + unitsOffset(elementType);
      into.units = readCString(payload, units, MAX_UNITS_SIZE - 1);
      const size = ELEMENT_SIZE[elementType]!;
      for (let i = 0; i < limitCount; i++) into[LIMITS[i]!] = readNumber(payload, units + MAX_UNITS_SIZE + i * size, elementType);
    },
  };
}

/** The IOC keeps limits as doubles and casts them to the element type like a value. */
function encodeLimits(target: Buffer, offset: number, elementType: number, limitCount: number, metadata: DbrMetadata): void {
  const size = ELEMENT_SIZE[elementType]!;
  const wire = dataViewOf(target);
  for (let i = 0; i < limitCount; i++) {
    writeNumber(wire, offset + i * size, elementType, castNumber(metadata[LIMITS[i]!], Dbf.DOUBLE, elementType));
  }
}

function encodeLabels(target: Buffer, offset: number, labels: readonly string[]): void {
  const count = Math.min(labels.length, MAX_ENUM_STATES);
  target.writeInt16BE(count, offset + 4);
  for (let i = 0; i < count; i++) {
    writeCString(target, offset + LABELS_OFFSET + i * MAX_ENUM_STRING_SIZE, MAX_ENUM_STRING_SIZE, labels[i]!);
  }
}

/** Labels may fill all 26 bytes without a terminator (dbAccess allows it), so all 26 are read. */
function decodeLabels(payload: Buffer, offset: number, into: DecodedDbr): void {
  const count = Math.max(0, Math.min(payload.readInt16BE(offset + 4), MAX_ENUM_STATES));
  const labels: string[] = [];
  for (let i = 0; i < count; i++) {
    labels.push(readCString(payload, offset + LABELS_OFFSET + i * MAX_ENUM_STRING_SIZE, MAX_ENUM_STRING_SIZE));
  }
  into.enumStrings = labels;
}

// Value offsets by DBF type (STRING, SHORT, FLOAT, ENUM, CHAR, LONG, DOUBLE). They follow from the
// layout above; spelled out, they can be checked against db_access.h.
export const grHeader = graphicHeader(GR_LIMIT_COUNT, [4, 24, 40, 422, 19, 36, 64]);
export const ctrlHeader = graphicHeader(CTRL_LIMIT_COUNT, [4, 28, 48, 422, 21, 44, 80]);
