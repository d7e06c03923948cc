// The elements of the CALC language and their priorities, as EPICS base's postfix.c tables
// `operands` and `operators` define them (base 7.0, libcom/src/calc/postfix.c).
import * as op from './opcodes';

export type ElementKind =
  | 'operand'
  | 'literal' // a decimal number, Inf or NaN, read as strtod reads it
  | 'hexLiteral' // 0x…, read as strtoul reads it
  | 'store'
  | 'unary'
  | 'vararg'
  | 'binary'
  | 'separator'
  | 'closeParen'
  | 'conditional'
  | 'terminator';

export interface Element {
  readonly name: string;
  readonly kind: ElementKind;
  /** Priority while on the translation stack. */
  readonly inStackPriority: number;
  /** Priority when met in the expression. */
  readonly incomingPriority: number;
  /** Change of the run-time stack depth: positive pushes. */
  readonly runtimeEffect: number;
  /** The opcode generated, or NOT_GENERATED. */
  readonly opcode: number;
  /** For FETCH: the argument index (A=0 … L=11). */
  readonly argument?: number;
}

/** '(' and the like: elements that steer translation but emit no code. */
export const NOT_GENERATED = -1;

const ARGUMENT_NAMES = 'ABCDEFGHIJKL';

function element(name: string, kind: ElementKind, priorities: [number, number], runtimeEffect: number, opcode: number): Element {
  return { name, kind, inStackPriority: priorities[0], incomingPriority: priorities[1], runtimeEffect, opcode };
}

const PUSH: [number, number] = [0, 0];
const PREFIX: [number, number] = [7, 8];

const unary = (name: string, opcode: number, runtimeEffect = 0): Element => element(name, 'unary', PREFIX, runtimeEffect, opcode);
const vararg = (name: string, opcode: number): Element => element(name, 'vararg', PREFIX, 0, opcode);
const constant = (name: string, opcode: number): Element => element(name, 'operand', PUSH, 1, opcode);
const binary = (name: string, priority: number, opcode: number): Element => element(name, 'binary', [priority, priority], -1, opcode);

/** What may start where an operand is expected. */
export const OPERAND_ELEMENTS: readonly Element[] = [
  unary('!', op.REL_NOT),
  // Stays on the stack under everything until its ')' (in-stack priority 0).
  element('(', 'unary', [0, 8], 0, NOT_GENERATED),
  unary('-', op.UNARY_NEG),
  element('.', 'literal', PUSH, 1, op.LITERAL),
  ...'0123456789'.split('').map((digit) => element(digit, 'literal', PUSH, 1, op.LITERAL)),
  element('0X', 'hexLiteral', PUSH, 1, op.LITERAL),
  element('INF', 'literal', PUSH, 1, op.LITERAL),
  element('NAN', 'literal', PUSH, 1, op.LITERAL),
  ...ARGUMENT_NAMES.split('').map((name, argument) => ({ ...constant(name, op.FETCH), argument })),
  constant('VAL', op.FETCH_VAL),
  constant('PI', op.CONST_PI),
  constant('D2R', op.CONST_D2R),
  constant('R2D', op.CONST_R2D),
  constant('RNDM', op.RANDOM),
  unary('ABS', op.ABS_VAL),
  unary('ACOS', op.ACOS),
  unary('ASIN', op.ASIN),
  unary('ATAN', op.ATAN),
  // Two arguments, but a unary operator in base: the comma leaves both on the stack.
  unary('ATAN2', op.ATAN2, -1),
  unary('CEIL', op.CEIL),
  unary('COS', op.COS),
  unary('COSH', op.COSH),
  unary('EXP', op.EXP),
  vararg('FINITE', op.FINITE),
  unary('FLOOR', op.FLOOR),
  unary('FMOD', op.FMOD, -1),
  unary('ISINF', op.ISINF),
  vararg('ISNAN', op.ISNAN),
  unary('LN', op.LOG_E),
  unary('LOG', op.LOG_10),
  unary('LOGE', op.LOG_E),
  vararg('MAX', op.MAX),
  vararg('MIN', op.MIN),
  unary('NINT', op.NINT),
  // NOT is the bitwise ~ in base, not the logical !.
  unary('NOT', op.BIT_NOT),
  unary('SIN', op.SIN),
  unary('SINH', op.SINH),
  unary('SQR', op.SQU_RT),
  unary('SQRT', op.SQU_RT),
  unary('TAN', op.TAN),
  unary('TANH', op.TANH),
  unary('~', op.BIT_NOT),
];

/** What may follow an operand. */
export const OPERATOR_ELEMENTS: readonly Element[] = [
  binary('!=', 3, op.NOT_EQ),
  binary('#', 3, op.NOT_EQ),
  binary('%', 5, op.MODULO),
  binary('&', 2, op.BIT_AND),
  binary('&&', 2, op.REL_AND),
  element(')', 'closeParen', PUSH, 0, NOT_GENERATED),
  binary('*', 5, op.MULT),
  binary('**', 6, op.POWER),
  binary('+', 4, op.ADD),
  element(',', 'separator', PUSH, 0, NOT_GENERATED),
  binary('-', 4, op.SUB),
  binary('/', 5, op.DIV),
  element(':', 'conditional', PUSH, -1, op.COND_ELSE),
  element(':=', 'store', PUSH, -1, op.STORE),
  element(';', 'terminator', PUSH, 0, NOT_GENERATED),
  binary('<', 3, op.LESS_THAN),
  binary('<<', 2, op.LEFT_SHIFT_ARITH),
  binary('<=', 3, op.LESS_OR_EQ),
  binary('=', 3, op.EQUAL),
  binary('==', 3, op.EQUAL),
  binary('>', 3, op.GR_THAN),
  binary('>=', 3, op.GR_OR_EQ),
  binary('>>', 2, op.RIGHT_SHIFT_ARITH),
  binary('>>>', 2, op.RIGHT_SHIFT_LOGIC),
  element('?', 'conditional', PUSH, -1, op.COND_IF),
  binary('AND', 2, op.BIT_AND),
  binary('OR', 1, op.BIT_OR),
  binary('XOR', 1, op.BIT_EXCL_OR),
  binary('^', 6, op.POWER),
  binary('|', 1, op.BIT_OR),
  binary('||', 1, op.REL_OR),
];

/**
 * Base searches each sorted table backwards, case-insensitively, so where two names match the
 * longer one wins; sorting by length once gives the same pick.
 */
function longestFirst(elements: readonly Element[]): readonly Element[] {
  return [...elements].sort((a, b) => b.name.length - a.name.length);
}

const OPERANDS_BY_LENGTH = longestFirst(OPERAND_ELEMENTS);
const OPERATORS_BY_LENGTH = longestFirst(OPERATOR_ELEMENTS);

/** The element that starts at `offset`, or undefined when none does. */
export function matchElement(text: string, offset: number, operandNeeded: boolean): Element | undefined {
  const table = operandNeeded ? OPERANDS_BY_LENGTH : OPERATORS_BY_LENGTH;
  for (const candidate of table) {
    if (startsWithIgnoringCase(text, offset, candidate.name)) return candidate;
  }
  return undefined;
}

/** ASCII-only folding, as epicsStrnCaseCmp's toupper in the C locale (no 'ı' for 'I'). */
function startsWithIgnoringCase(text: string, offset: number, name: string): boolean {
  if (offset + name.length > text.length) return false;
  for (let i = 0; i < name.length; i++) {
    let code = text.charCodeAt(offset + i);
    if (code >= 0x61 && code <= 0x7a) code -= 0x20;
    if (code !== name.charCodeAt(i)) return false;
  }
  return true;
}
