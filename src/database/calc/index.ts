// The EPICS CALC language, as base 7.0's postfix() compiles it and calcPerform() runs it
// (libcom/src/calc/postfix.c, calcPerform.c).
//
// How the calc records feed it (calcRecord.c, calcoutRecord.c): `args` are the record's A…L, and
// `val` is what the expression's VAL reads: the record's current VAL for CALC, and for calcout's
// OCAL its current OVAL. PVAL is a calcout field but not a CALC operand: base refuses "PVAL" in an
// expression, and so do we.
//
// Where C leaves a result to the machine, we give what softIoc gives on Linux x86-64: see
// c-math.ts (integer conversions, ISINF's sign, pow). One deliberate difference: base traps
// (the IOC dies) on -2147483648 % -1; we give 0.
import { CompiledCalc } from './program';
import { translate } from './translate';

export { CALC_ERROR_MESSAGES, CalcError } from './errors';
export type { CalcErrorKind } from './errors';

export const CALC_ARGUMENTS = 12; // A..L

export interface CalcProgram {
  readonly text: string;
  /** Bit i set when argument i (A=0 … L=11) is read by the expression (before any store to it). */
  readonly inputs: number;
  /** Bit i set when argument i is assigned (:=). */
  readonly stores: number;
  /**
   * Evaluates with args A..L (length >= 12; assignments write back into it) and `val` for VAL
   * (NaN when not given). Never throws; NaN where base gives an error result.
   */
  evaluate(args: Float64Array, val?: number): number;
  /**
   * As evaluate, but undefined where calcPerform itself fails (returns non-zero): the record
   * then keeps VAL and takes CALC/INVALID, whereas a NaN result is a value (UDF in calc).
   */
  perform(args: Float64Array, val?: number): number | undefined;
}

/** Throws CalcError on a bad expression (empty expression included, as base does). */
export function compileCalc(text: string): CalcProgram {
  return new CompiledCalc(text, translate(text));
}
