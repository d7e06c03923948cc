// A translated expression made ready to run: jumps resolved, argument usage found.
import * as op from './opcodes';
import { perform } from './perform';
import { Translation } from './translate';

/** Calls `visit` with the index of each instruction, skipping operands. */
function forEachInstruction(code: ArrayLike<number>, from: number, visit: (index: number) => boolean | void): void {
  for (let index = from; index < code.length; index += op.hasOperand(code[index]!) ? 2 : 1) {
    if (visit(index) === true) return;
  }
}

/**
 * Where calcPerform's cond_search lands: the instruction after the `match` (COND_ELSE or COND_END)
 * that pairs with the conditional at `from`, counting the COND_IFs met on the way; -1 when
 * there is none, which calcPerform reports as an error.
 */
function jumpTarget(code: number[], from: number, match: number): number {
  let depth = 1;
  let target = -1;
  forEachInstruction(code, from + 2, (index) => {
    const opcode = code[index]!;
    if (opcode === match && --depth === 0) {
      target = index + (op.hasOperand(opcode) ? 2 : 1);
      return true;
    }
    if (opcode === op.COND_IF) depth++;
  });
  return target;
}

function resolveJumps(code: number[]): Int32Array {
  const resolved = Int32Array.from(code);
  forEachInstruction(code, 0, (index) => {
    const opcode = code[index]!;
    if (opcode === op.COND_IF) resolved[index + 1] = jumpTarget(code, index, op.COND_ELSE);
    else if (opcode === op.COND_ELSE) resolved[index + 1] = jumpTarget(code, index, op.COND_END);
  });
  return resolved;
}

/** calcArgUsage: an argument stored before it is read is not an input. */
function argumentUsage(code: number[]): { inputs: number; stores: number } {
  let inputs = 0;
  let stores = 0;
  forEachInstruction(code, 0, (index) => {
    const bit = 1 << code[index + 1]!;
    if (code[index] === op.FETCH) inputs |= bit & ~stores;
    else if (code[index] === op.STORE) stores |= bit;
  });
  return { inputs, stores };
}

export class CompiledCalc {
  readonly inputs: number;
  readonly stores: number;
  private readonly code: Int32Array;
  private readonly literals: Float64Array;

  constructor(
    readonly text: string,
    translation: Translation,
  ) {
    this.code = resolveJumps(translation.code);
    this.literals = Float64Array.from(translation.literals);
    ({ inputs: this.inputs, stores: this.stores } = argumentUsage(translation.code));
  }

  perform(args: Float64Array, val = NaN): number | undefined {
    return perform(this.code, this.literals, args, val);
  }

  evaluate(args: Float64Array, val = NaN): number {
    return perform(this.code, this.literals, args, val) ?? NaN;
  }
}
