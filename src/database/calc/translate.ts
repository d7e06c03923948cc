// Infix to postfix, as base's postfix() translates (libcom/src/calc/postfix.c): the same
// priorities, the same run-time stack accounting and the same errors, each with the offset where
// it was found.
import { calcError } from './errors';
import { Element, matchElement, NOT_GENERATED } from './elements';
import { readDecimalLiteral, readHexLiteral } from './literal';
import * as op from './opcodes';

/** calcPerform's stack depth (CALCPERFORM_STACK in postfix.h). */
export const CALCPERFORM_STACK = 80;

export interface Translation {
  /** Opcodes, each followed by its operand where it has one; jumps not yet resolved. */
  readonly code: number[];
  readonly literals: number[];
}

/** An element waiting on the translation stack. */
interface Pending {
  readonly element: Element;
  /** The opcode to emit: a STORE or COND_END differ from their element's. */
  readonly opcode: number;
  readonly operand: number;
  /** Changed by commas inside a '(' and passed on to a variadic function. */
  runtimeEffect: number;
  readonly offset: number;
}

const isOpenParen = (pending: Pending): boolean => pending.element.name === '(';

class Translator {
  readonly code: number[] = [];
  readonly literals: number[] = [];
  private readonly stack: Pending[] = [];
  private runtimeDepth = 0;
  private operandNeeded = true;
  /** Offsets of the '?' still waiting for their ':'. */
  private readonly openConditionals: number[] = [];
  /** Index in code of the last instruction emitted, for the assignment check. */
  private lastInstruction = -1;

  constructor(private readonly text: string) {}

  translate(): Translation {
    let offset = this.skipSpace(0);
    while (offset < this.text.length) {
      const element = matchElement(this.text, offset, this.operandNeeded);
      if (!element) throw calcError('syntax', offset);
      offset = this.skipSpace(this.apply(element, offset));
    }
    this.popWhile(() => true, 'parenOpen');
    if (this.openConditionals.length > 0) throw calcError('conditional', this.openConditionals[0]!);
    if (this.operandNeeded || this.runtimeDepth !== 1) throw calcError('incomplete', this.text.length);
    return { code: this.code, literals: this.literals };
  }

  /** Translates one element found at `offset`; returns the offset after it. */
  private apply(element: Element, offset: number): number {
    let end = offset + element.name.length;
    switch (element.kind) {
      case 'operand':
        this.emit(element.opcode, element.argument);
        this.runtimeDepth += element.runtimeEffect;
        this.operandNeeded = false;
        break;
      case 'literal':
      case 'hexLiteral':
        end = this.literal(element, offset);
        break;
      case 'store':
        this.store(element, offset);
        break;
      case 'unary':
      case 'vararg':
        this.popWhile((top) => top.element.inStackPriority >= element.incomingPriority);
        this.push(element, offset);
        break;
      case 'binary':
        this.popWhile((top) => top.element.inStackPriority >= element.incomingPriority);
        this.push(element, offset);
        this.operandNeeded = true;
        break;
      case 'separator':
        this.separator(offset);
        break;
      case 'closeParen':
        this.closeParen(offset);
        break;
      case 'conditional':
        this.conditional(element, offset);
        break;
      case 'terminator':
        this.terminator(offset);
        break;
    }
    if (this.runtimeDepth < 0) throw calcError('underflow', offset);
    if (this.runtimeDepth >= CALCPERFORM_STACK) throw calcError('overflow', offset);
    return end;
  }

  private literal(element: Element, offset: number): number {
    const literal = element.kind === 'hexLiteral' ? readHexLiteral(this.text, offset) : readDecimalLiteral(this.text, offset);
    if (!literal) throw calcError('badLiteral', offset);
    this.emit(op.LITERAL, this.literals.length);
    this.literals.push(literal.value);
    this.runtimeDepth += element.runtimeEffect;
    this.operandNeeded = false;
    return literal.end;
  }

  /** `X :=` turns the fetch of X just emitted into a store, done when its value is complete. */
  private store(element: Element, offset: number): void {
    const last = this.lastInstruction;
    if (last < 0 || this.stack.length > 0 || this.code[last] !== op.FETCH) throw calcError('badAssignment', offset);
    const argument = this.code[last + 1]!;
    this.code.length = last;
    this.lastInstruction = -1;
    this.stack.push({ element, opcode: op.STORE, operand: argument, runtimeEffect: element.runtimeEffect, offset });
    this.runtimeDepth -= 1;
    this.operandNeeded = true;
  }

  private separator(offset: number): void {
    const open = this.popToOpenParen(offset, 'badSeparator');
    this.operandNeeded = true;
    open.runtimeEffect -= 1;
  }

  private closeParen(offset: number): void {
    const open = this.popToOpenParen(offset, 'parenNotOpen');
    this.stack.pop();
    // A variadic function before the '(' takes one argument more than the commas in it.
    const fn = this.stack[this.stack.length - 1];
    if (fn?.element.kind === 'vararg') {
      fn.runtimeEffect = open.runtimeEffect;
      if (fn.runtimeEffect > 0) throw calcError('incomplete', offset);
    }
  }

  private popToOpenParen(offset: number, error: 'badSeparator' | 'parenNotOpen'): Pending {
    if (this.stack.length === 0) throw calcError(error, offset);
    for (;;) {
      const top = this.stack[this.stack.length - 1]!;
      if (isOpenParen(top)) return top;
      if (this.stack.length <= 1) throw calcError(error, offset);
      this.popOne();
    }
  }

  private conditional(element: Element, offset: number): void {
    this.popWhile((top) => top.element.inStackPriority > element.incomingPriority);
    this.emit(element.opcode, -1);
    this.runtimeDepth += element.runtimeEffect;
    if (element.opcode === op.COND_ELSE) {
      if (this.openConditionals.pop() === undefined) throw calcError('conditional', offset);
      this.stack.push({ element, opcode: op.COND_END, operand: 0, runtimeEffect: 0, offset });
    } else {
      this.openConditionals.push(offset);
    }
    this.operandNeeded = true;
  }

  /** `;` ends one expression: its value stays on the stack beneath the next one's. */
  private terminator(offset: number): void {
    this.popWhile(() => true, 'parenOpen');
    if (this.openConditionals.length > 0) throw calcError('conditional', this.openConditionals[0]!);
    if (this.runtimeDepth > 1) throw calcError('tooMany', offset);
    this.operandNeeded = true;
  }

  private push(element: Element, offset: number): void {
    this.stack.push({ element, opcode: element.opcode, operand: 0, runtimeEffect: element.runtimeEffect, offset });
  }

  /** Emits pending operators while `shouldPop` holds; an open '(' met on the way is `openError`. */
  private popWhile(shouldPop: (top: Pending) => boolean, openError?: 'parenOpen'): void {
    while (this.stack.length > 0) {
      const top = this.stack[this.stack.length - 1]!;
      if (!shouldPop(top)) return;
      if (openError && isOpenParen(top)) throw calcError(openError, top.offset);
      this.popOne();
    }
  }

  private popOne(): void {
    const top = this.stack.pop()!;
    if (top.opcode !== NOT_GENERATED) {
      const kind = top.element.kind;
      const operand = kind === 'vararg' ? 1 - top.runtimeEffect : kind === 'store' ? top.operand : undefined;
      this.emit(top.opcode, operand);
    }
    this.runtimeDepth += top.runtimeEffect;
  }

  private emit(opcode: number, operand?: number): void {
    this.lastInstruction = this.code.length;
    this.code.push(opcode);
    if (op.hasOperand(opcode)) this.code.push(operand ?? 0);
  }

  private skipSpace(offset: number): number {
    while (offset < this.text.length && isCSpace(this.text.charCodeAt(offset))) offset++;
    return offset;
  }
}

/** C's isspace in the C locale: space, \t, \n, \v, \f, \r. */
function isCSpace(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d);
}

/** Throws CalcError where postfix() fails. */
export function translate(text: string): Translation {
  if (text.length === 0) throw calcError('empty', 0);
  return new Translator(text).translate();
}
