// What calc and calcout share: the inputs INPA…INPL read into A…L, CALC compiled once (at load
// and when written) and evaluated on A…L without allocating, and the posts of A…L that changed
// since LA…LL (calcRecord.c and calcoutRecord.c fetch_values and monitor).

import { CalcError, compileCalc, type CalcProgram } from '../calc';
import { AlarmSeverity, AlarmStatus, EventMask } from '../pv';
import type { DbRecord } from '../record';
import { field, stringField, type FieldSpec } from './field-spec';
import type { FieldRefusal } from './record-type';

export const ARGUMENTS = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L'];
export const INPUT_LINKS = ARGUMENTS.map((name) => `INP${name}`);
const LAST_POSTED = ARGUMENTS.map((name) => `L${name}`);

interface CalcState {
  readonly programs: Map<string, CalcProgram>;
  readonly args: Float64Array;
}

const STATES = new WeakMap<DbRecord, CalcState>();

/** INPA…INPL, A…L (pp) and LA…LL. */
export function argumentFields(): FieldSpec[] {
  return [
    ...INPUT_LINKS.map((name) => field(name, 'INLINK')),
    ...ARGUMENTS.map((name) => field(name, 'DOUBLE', { processPassive: true })),
    ...LAST_POSTED.map((name) => field(name, 'DOUBLE', { readOnly: true })),
  ];
}

/** An expression field (CALC, OCAL): 80 characters, pp, "0" until set. */
export function expressionField(name: string): FieldSpec {
  return stringField(name, 80, { processPassive: true, initial: '0' });
}

/** special(SPC_CALC) before the put: an expression that does not compile is refused. */
export function checkExpression(text: string): FieldRefusal | undefined {
  try {
    compileCalc(text);
    return undefined;
  } catch (error) {
    if (error instanceof CalcError) return { reason: `bad expression "${text}": ${error.message}`, offset: error.offset };
    throw error;
  }
}

/** Compiles an expression field of the record (at init, and after every accepted put). */
export function compileExpression(record: DbRecord, name: string): void {
  stateOf(record).programs.set(name, compileCalc(record.string(name)));
}

/** fetch_values: every input link read into its argument; false if any failed (each failure raised LINK/INVALID). */
export function fetchArguments(record: DbRecord): boolean {
  let ok = true;
  for (let i = 0; i < INPUT_LINKS.length; i++) if (!record.readLink(INPUT_LINKS[i]!, ARGUMENTS[i]!)) ok = false;
  return ok;
}

/**
 * calcPerform: the expression of field `name` on A…L, with VAL standing for field `result`
 * (the field the result goes to: VAL for CALC, OVAL for OCAL); assignments (`:=`) store back into
 * A…L. Where calcPerform fails the record takes CALC/INVALID and `result` keeps its value.
 */
export function evaluate(record: DbRecord, name: string, result = 'VAL'): boolean {
  const state = stateOf(record);
  const program = state.programs.get(name);
  if (!program) throw new Error(`${record.name}.${name} was never compiled`);
  const { args } = state;
  for (let i = 0; i < ARGUMENTS.length; i++) args[i] = record.number(ARGUMENTS[i]!);
  const value = program.perform(args, record.number(result));
  if (program.stores > 0) for (let i = 0; i < ARGUMENTS.length; i++) record.assign(ARGUMENTS[i]!, args[i]!);
  if (value === undefined) {
    record.raiseAlarm(AlarmStatus.CALC, AlarmSeverity.INVALID, `${name} calcPerform`);
    return false;
  }
  record.assign(result, value);
  return true;
}

/** monitor(): A…L that changed since last posted (or all, when the alarm changed), with the VAL mask. */
export function postArguments(record: DbRecord, mask: number): void {
  for (let i = 0; i < ARGUMENTS.length; i++) {
    const name = ARGUMENTS[i]!;
    const value = record.number(name);
    if (Object.is(value, record.number(LAST_POSTED[i]!)) && (mask & EventMask.ALARM) === 0) continue;
    record.post(name, mask | EventMask.VALUE | EventMask.LOG);
    record.assign(LAST_POSTED[i]!, value);
  }
}

function stateOf(record: DbRecord): CalcState {
  let state = STATES.get(record);
  if (!state) STATES.set(record, (state = { programs: new Map(), args: new Float64Array(ARGUMENTS.length) }));
  return state;
}
