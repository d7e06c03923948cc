// Compile errors, with the messages of base's calcErrorStr (libcom/src/calc/postfix.c).

export const CALC_ERROR_MESSAGES = {
  tooMany: 'Too many results returned',
  badLiteral: 'Badly formed numeric literal',
  badAssignment: 'Bad assignment target',
  badSeparator: 'Comma without enclosing parentheses',
  parenNotOpen: 'Close parenthesis found without open',
  parenOpen: 'Parenthesis still open at end of expression',
  conditional: 'Unbalanced conditional ?: operators',
  incomplete: 'Incomplete expression, operand missing',
  underflow: 'Not enough operands provided',
  overflow: 'Runtime stack overflow',
  syntax: 'Syntax error, unknown operator/operand',
  empty: 'NULL or empty input argument to postfix()',
} as const;

export type CalcErrorKind = keyof typeof CALC_ERROR_MESSAGES;

/** A CALC expression that base's postfix() refuses. */
export class CalcError extends Error {
  constructor(
    message: string,
    /** 0-based character offset in the expression where the error was found. */
    readonly offset: number,
  ) {
    super(message);
    this.name = 'CalcError';
  }
}

export function calcError(kind: CalcErrorKind, offset: number): CalcError {
  return new CalcError(CALC_ERROR_MESSAGES[kind], offset);
}
