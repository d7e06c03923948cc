import { Dbf, DbrType, dbrElementType, dbrPayloadSize, isReadableDbrType, isWritableDbrType, type DbrSource } from '../../../../../src/ca/protocol/dbr';
import type { ProcessVariable } from '../../../../../src/database/pv';
import { DBR_SIZE } from './layouts';

const ALL_TYPES = Array.from({ length: 39 }, (_, type) => type);
const ELEMENT_SIZE = [40, 2, 4, 2, 1, 4, 8];

describe('DBR type facts', () => {
  it('sizes every type as db_access.h: dbr_size plus (count - 1) * dbr_value_size', () => {
    for (const type of ALL_TYPES) {
      const valueSize = ELEMENT_SIZE[dbrElementType(type)]!;
      expect([type, dbrPayloadSize(type, 1)]).toEqual([type, DBR_SIZE[type]]);
      expect([type, dbrPayloadSize(type, 10)]).toEqual([type, DBR_SIZE[type]! + 9 * valueSize]);
    }
  });

  it('gives each type its value element type', () => {
    const families = ALL_TYPES.slice(0, 35).map((type) => dbrElementType(type));
    expect(families).toEqual(Array.from({ length: 35 }, (_, type) => type % 7));
    expect([35, 36, 37, 38].map((type) => dbrElementType(type))).toEqual([Dbf.ENUM, Dbf.ENUM, Dbf.STRING, Dbf.STRING]);
  });

  it('reads 0..34, STSACK_STRING and CLASS_NAME', () => {
    expect(ALL_TYPES.filter(isReadableDbrType)).toEqual([...ALL_TYPES.slice(0, 35), 37, 38]);
  });

  it('writes 0..34 (by their value part), PUT_ACKT and PUT_ACKS', () => {
    expect(ALL_TYPES.filter(isWritableDbrType)).toEqual(ALL_TYPES.slice(0, 37));
  });

  it('knows nothing past CLASS_NAME', () => {
    for (const type of [-1, 39, 1.5, NaN]) {
      expect(isReadableDbrType(type)).toBe(false);
      expect(isWritableDbrType(type)).toBe(false);
      expect(() => dbrPayloadSize(type, 1)).toThrow(RangeError);
      expect(() => dbrElementType(type)).toThrow(RangeError);
    }
  });

  it('numbers types as db_access.h', () => {
    expect([DbrType.STS_STRING, DbrType.TIME_STRING, DbrType.GR_STRING, DbrType.CTRL_STRING]).toEqual([7, 14, 21, 28]);
    expect([DbrType.CTRL_DOUBLE, DbrType.PUT_ACKT, DbrType.PUT_ACKS, DbrType.STSACK_STRING, DbrType.CLASS_NAME]).toEqual([34, 35, 36, 37, 38]);
  });

  it('lets a ProcessVariable be a DbrSource without the protocol importing the database', () => {
    const asSource = (pv: ProcessVariable): DbrSource => pv; // a compile-time check
    expect(asSource).toBeInstanceOf(Function);
  });
});
