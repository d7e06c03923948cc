// Opcodes of a compiled CALC program. Ours, not base's numbering: base's rpn_opcode bytes are
// never visible outside postfix.c/calcPerform.c. Operands follow their opcode in the code array
// where noted.

/** Pushes literals[operand]. */
export const LITERAL = 0;
/** Pushes the `val` given to evaluate (base's FETCH_VAL reads *presult). */
export const FETCH_VAL = 1;
/** Pushes args[operand]. */
export const FETCH = 2;
/** Pops into args[operand]. */
export const STORE = 3;
export const CONST_PI = 4;
export const CONST_D2R = 5;
export const CONST_R2D = 6;
export const UNARY_NEG = 7;
export const ADD = 8;
export const SUB = 9;
export const MULT = 10;
export const DIV = 11;
export const MODULO = 12;
export const POWER = 13;
export const ABS_VAL = 14;
export const EXP = 15;
export const LOG_10 = 16;
export const LOG_E = 17;
/** Variadic: operand is the argument count. */
export const MAX = 18;
/** Variadic: operand is the argument count. */
export const MIN = 19;
export const SQU_RT = 20;
export const ACOS = 21;
export const ASIN = 22;
export const ATAN = 23;
export const ATAN2 = 24;
export const COS = 25;
export const COSH = 26;
export const SIN = 27;
export const SINH = 28;
export const TAN = 29;
export const TANH = 30;
export const CEIL = 31;
export const FLOOR = 32;
export const FMOD = 33;
/** Variadic: operand is the argument count. */
export const FINITE = 34;
export const ISINF = 35;
/** Variadic: operand is the argument count. */
export const ISNAN = 36;
export const NINT = 37;
export const RANDOM = 38;
export const REL_OR = 39;
export const REL_AND = 40;
export const REL_NOT = 41;
export const BIT_OR = 42;
export const BIT_AND = 43;
export const BIT_EXCL_OR = 44;
export const BIT_NOT = 45;
export const RIGHT_SHIFT_ARITH = 46;
export const LEFT_SHIFT_ARITH = 47;
export const RIGHT_SHIFT_LOGIC = 48;
export const NOT_EQ = 49;
export const LESS_THAN = 50;
export const LESS_OR_EQ = 51;
export const EQUAL = 52;
export const GR_OR_EQ = 53;
export const GR_THAN = 54;
/** Pops the condition; when it is 0, jumps to operand (an index into the code). */
export const COND_IF = 55;
/** Jumps to operand. */
export const COND_ELSE = 56;
export const COND_END = 57;

/** Opcodes followed by one operand in the code array. */
export function hasOperand(opcode: number): boolean {
  switch (opcode) {
    case LITERAL:
    case FETCH:
    case STORE:
    case MAX:
    case MIN:
    case FINITE:
    case ISNAN:
    case COND_IF:
    case COND_ELSE:
      return true;
    default:
      return false;
  }
}
