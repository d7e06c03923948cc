// Shared by the DBR tests: a source with known state, and a way to spell expected bytes by hand.

import { Dbf, type DbrSource, type DbrValue } from '../../../../../src/ca/protocol/dbr';

/** Bytes from hex fragments (spaces allowed), so that each field can be written and commented on its own. */
export function hex(...fragments: string[]): Buffer {
  return Buffer.from(fragments.join('').replace(/\s+/g, ''), 'hex');
}

export function zeros(byteCount: number): string {
  return '00'.repeat(byteCount);
}

/** "ab" as a 40-byte dbr_string_t. */
export function string40(textHex: string): string {
  return textHex + zeros(40 - textHex.replace(/\s+/g, '').length / 2);
}

export interface SourceState {
  type: number;
  value: DbrValue;
  className?: string;
  precision?: number;
  units?: string;
  enumStrings?: readonly string[];
  status?: number;
  severity?: number;
}

/**
 * status HIHI (3), severity MAJOR (2), ACKT yes, ACKS MAJOR; stamp 1000000000 s + 123456789 ns;
 * units "mV", PREC 3; limits display +/-100, alarm +/-90, warning +/-80, control +/-95.
 */
export function source(state: SourceState): DbrSource {
  const metadata = {
    units: state.units ?? 'mV',
    precision: state.precision ?? 3,
    upperDisplayLimit: 100,
    lowerDisplayLimit: -100,
    upperAlarmLimit: 90,
    upperWarningLimit: 80,
    lowerWarningLimit: -80,
    lowerAlarmLimit: -90,
    upperControlLimit: 95,
    lowerControlLimit: -95,
    enumStrings: state.enumStrings ?? [],
  };
  return {
    type: state.type,
    className: state.className ?? 'ai',
    value: () => state.value,
    alarm: () => ({ status: state.status ?? 3, severity: state.severity ?? 2, acknowledgeTransient: true, acknowledgeSeverity: 2 }),
    timeStamp: () => ({ secondsPastEpoch: 1_000_000_000, nanoseconds: 123_456_789 }),
    metadata: () => metadata,
  };
}

/** One PV per DBF type, each holding one element of its own type, as the fixtures use them. */
export const SCALAR_SOURCES: readonly DbrSource[] = [
  source({ type: Dbf.STRING, value: ['abc'] }),
  source({ type: Dbf.SHORT, value: Int16Array.of(-2) }),
  source({ type: Dbf.FLOAT, value: Float32Array.of(1.5) }),
  source({ type: Dbf.ENUM, value: Uint16Array.of(1), enumStrings: ['Off', 'On'] }),
  source({ type: Dbf.CHAR, value: Uint8Array.of(200) }),
  source({ type: Dbf.LONG, value: Int32Array.of(-100000) }),
  source({ type: Dbf.DOUBLE, value: Float64Array.of(-2.5) }),
];

/** Fills a buffer with 0xAA around the encoding, so that untouched pads and overruns show. */
export function encodeInto(size: number, encode: (target: Buffer, offset: number) => void): { written: Buffer; before: number; after: number } {
  const guard = 8;
  const target = Buffer.alloc(size + 2 * guard, 0xaa);
  encode(target, guard);
  return { written: target.subarray(guard, guard + size), before: target.readUInt8(guard - 1), after: target.readUInt8(guard + size) };
}
