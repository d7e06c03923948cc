import { FieldType } from '../../src/database/pv';
import { PvMap, SimplePv } from '../../src/database/simple-pv';

/** The PVs fuzzed messages name: one of each native type, scalars and arrays. */
export const FUZZ_PV_NAMES = ['FUZZ:LONG', 'FUZZ:DOUBLE', 'FUZZ:STRING', 'FUZZ:ENUM', 'FUZZ:WAVE', 'FUZZ:FLOATS', 'FUZZ:NOPE'];

/** Read-only and out of the fuzzer's reach: the well-behaved client checks that it keeps counting. */
export const HEALTH_COUNTER = 'HEALTH:COUNTER';

/** The fuzz targets and a counter that `tick` increments. */
export function fuzzPvs(): { pvs: PvMap; tick: () => void } {
  const counter = new SimplePv({ name: HEALTH_COUNTER, type: FieldType.LONG, value: 0, readOnly: true });
  const pvs = new PvMap([
    counter,
    new SimplePv({ name: 'FUZZ:LONG', type: FieldType.LONG, value: 1 }),
    new SimplePv({ name: 'FUZZ:DOUBLE', type: FieldType.DOUBLE, value: 1.5, metadata: { precision: 2, units: 'mm' } }),
    new SimplePv({ name: 'FUZZ:STRING', type: FieldType.STRING, value: 'text' }),
    new SimplePv({ name: 'FUZZ:ENUM', type: FieldType.ENUM, value: 1, metadata: { enumStrings: ['Off', 'On', 'Auto'] } }),
    new SimplePv({ name: 'FUZZ:WAVE', type: FieldType.CHAR, maxElements: 70000, value: new Uint8Array(1000) }),
    new SimplePv({ name: 'FUZZ:FLOATS', type: FieldType.FLOAT, maxElements: 100, value: [1, 2, 3] }),
  ]);
  let count = 0;
  return { pvs, tick: () => counter.post(++count) };
}
