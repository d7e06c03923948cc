// What postfix() refuses (base 7.0 libcom/src/calc/postfix.c, messages from calcErrorStr), with
// the offset where we found it, and calcArgUsage's inputs and stores.
import { CALC_ERROR_MESSAGES, CalcError, compileCalc } from '../../../../src/database/calc';
import { calc } from './helpers';

function compileError(text: string): { message: string; offset: number } {
  try {
    compileCalc(text);
  } catch (error) {
    if (error instanceof CalcError) return { message: error.message, offset: error.offset };
    throw error;
  }
  throw new Error(`"${text}" compiled`);
}

const M = CALC_ERROR_MESSAGES;

test.each<[string, string, number]>([
  ['', M.empty, 0],
  ['   ', M.incomplete, 3],
  ['A+*(', M.syntax, 2],
  ['/2', M.syntax, 0],
  ['2+', M.incomplete, 2],
  ['A B', M.syntax, 2],
  ['0x1.5', M.syntax, 3],
  ['0xZ', M.syntax, 1],
  ['0x', M.syntax, 1],
  ['2 $ 3', M.syntax, 2],
  ['PVAL', M.syntax, 0],
  ['SIN()', M.syntax, 4],
  ['MAX', M.incomplete, 3],
  ['MIN()', M.syntax, 4],
  ['MIN(1,)', M.syntax, 6],
  ['MAX(1,2,)', M.syntax, 8],
  ['.', M.badLiteral, 0],
  ['1e999', M.badLiteral, 0],
  ['2+1e-400', M.badLiteral, 2],
  ['1e-310', M.badLiteral, 0],
  ['0x100000000', M.badLiteral, 0],
  ['1:=2', M.badAssignment, 1],
  ['VAL:=2', M.badAssignment, 3],
  ['PI:=2', M.badAssignment, 2],
  ['1+A:=2', M.badAssignment, 3],
  ['(A:=2)', M.badAssignment, 2],
  ['A:=B:=2', M.badAssignment, 4],
  ['2,3', M.badSeparator, 1],
  ['1+2,3', M.badSeparator, 3],
  ['A)', M.parenNotOpen, 1],
  ['(A))', M.parenNotOpen, 3],
  ['1+(2', M.parenOpen, 2],
  ['(1;2)', M.parenOpen, 0],
  ['1?2', M.conditional, 1],
  ['1?', M.conditional, 1],
  ['1?2;3:4', M.conditional, 1],
  [':2', M.syntax, 0],
  ['1:2', M.conditional, 1],
  ['1;2', M.incomplete, 3],
  ['A;', M.incomplete, 2],
  ['(1,2)', M.incomplete, 5],
  ['ATAN2(1)', M.incomplete, 8],
  ['ATAN2(1,2,3)', M.incomplete, 12],
  ['FMOD(1)+2', M.incomplete, 9],
  ['SIN(1,2)', M.incomplete, 8],
  ['1;2;3', M.tooMany, 3],
])('%j is refused: %s at %d', (text, message, offset) => {
  expect(compileError(text)).toEqual({ message, offset });
});

test('the run-time stack holds 80 values (CALCPERFORM_STACK), checked at compile time', () => {
  const deep = (n: number): string => `MAX(${Array.from({ length: n }, (_, i) => i + 1).join(',')})`;
  expect(calc(deep(79))).toBe(79);
  expect(compileError(deep(80))).toEqual({ message: M.overflow, offset: deep(80).lastIndexOf(',') + 1 });
});

test('programs that compile', () => {
  for (const text of ['A', ' A ', 'A:=1;B:=2;A+B', '(A):=1;A', 'MAX(1)', 'SIN 1', '1.', 'INFINITY']) {
    expect(compileCalc(text).text).toBe(text);
  }
});

test.each<[string, number, number]>([
  ['a', 0b1, 0],
  ['L', 0b1000_0000_0000, 0],
  ['A+B+C+D+E+F+G+H+I+J+K+L', 0xfff, 0],
  ['VAL+PI', 0, 0],
  ['1;C:=0', 0, 0b100],
  ['2;A:=0;B:=A;C:=B', 0, 0b111],
  // an argument read only after being stored to is not an input
  ['3;B:=A;A:=B;C:=D;D:=C', 0b1001, 0b1111],
  ['E?F:G', 0b111_0000, 0],
])('inputs and stores of %j (calcArgUsage)', (text, inputs, stores) => {
  const program = compileCalc(text);
  expect({ inputs: program.inputs, stores: program.stores }).toEqual({ inputs, stores });
});

test('perform() tells a calcPerform failure from a NaN result', () => {
  const args = Float64Array.from({ length: 12 }, () => 1);
  // Compiles (the run-time depth is counted over both branches) but leaves two values when A is true.
  const unbalanced = compileCalc('A?(B,C):FMOD(D)');
  expect(unbalanced.perform(args)).toBeUndefined();
  expect(unbalanced.evaluate(args)).toBeNaN();
  expect(compileCalc('0/0').perform(args)).toBeNaN();
});

test('evaluation reuses one stack: results do not leak between programs', () => {
  const args = Float64Array.from({ length: 12 }, (_, i) => i + 1);
  const first = compileCalc('MAX(A,B,C)+1');
  const second = compileCalc('L*2');
  expect(first.evaluate(args)).toBe(4);
  expect(second.evaluate(args)).toBe(24);
  expect(first.evaluate(args)).toBe(4);
});

describe('programs base accepts whose shape only the postfix code explains (postfix.c, calcPerform.c)', () => {
  test('a branch may pop a value pushed before its conditional', () => {
    const program = compileCalc('D;A?B:FMOD(C)');
    const args = Float64Array.from({ length: 12 }, (_, i) => i + 1);
    args[0] = 0;
    // FMOD takes D (pushed before the ?) and C: fmod(4, 3)
    expect(program.perform(args)).toBe(1);
    args[0] = 1;
    // B is pushed above D: two values remain, calcPerform fails
    expect(program.perform(args)).toBeUndefined();
  });

  test('an assignment before a conditional takes the whole conditional', () => {
    const args = Float64Array.from({ length: 12 }, (_, i) => i + 1);
    expect(calc('B;0?A:=5:6', args)).toBe(2);
    expect(args[0]).toBe(6);
  });
});
