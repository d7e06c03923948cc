import { compileCalc } from '../../../../src/database/calc';

/** A..L = 1..12, as base's epicsCalcTest.cpp sets them. */
export function testArgs(): Float64Array {
  return Float64Array.from({ length: 12 }, (_, i) => i + 1);
}

export function calc(text: string, args = testArgs(), val?: number): number {
  return compileCalc(text).evaluate(args, val);
}

/** The result's 32 bits as base's testUInt32Calc reads them (epicsCalcTest.cpp). */
export function calcUInt32(text: string): number {
  return calc(text) >>> 0;
}

/** Checks each [expression, expected] pair; NaN matches NaN, and -0 matches 0. */
export function expectResults(cases: ReadonlyArray<readonly [string, number]>): void {
  for (const [text, expected] of cases) {
    const result = calc(text);
    if (Number.isNaN(expected) || !Number.isFinite(expected)) expect({ text, result }).toEqual({ text, result: expected });
    else expect({ text, result: result + 0 }).toEqual({ text, result: expected + 0 });
  }
}

/** As expectResults, for results of libm functions (which may differ from V8's in the last bits). */
export function expectClose(cases: ReadonlyArray<readonly [string, number]>): void {
  for (const [text, expected] of cases) {
    const result = calc(text);
    expect({ text, close: Math.abs(result - expected) < 1e-12 }).toEqual({ text, close: true });
  }
}
