import pino, { type Logger } from 'pino';
import { Database } from '../../../src/database';
import type { ClientIdentity, FieldValue, ProcessVariable, PutCompletion, PutProcessing, WriteResult } from '../../../src/database/pv';

export const CLIENT: ClientIdentity = { user: 'tester', host: 'localhost', address: '127.0.0.1:5000' };

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A logger whose lines land in `lines`. */
export function capturingLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line) as LogLine) });
  return { logger, lines };
}

/** A database holding `text`; records are not started (no PINI, no scans) unless asked. */
export function databaseOf(text: string, options: { macros?: string; start?: boolean } = {}): Database {
  const database = new Database();
  database.loadText(text, { macros: options.macros ?? '' });
  if (options.start) database.start();
  return database;
}

export function pvOf(database: Database, name: string): ProcessVariable {
  const pv = database.find(name);
  if (!pv) throw new Error(`no PV ${name}`);
  return pv;
}

/** The masks a PV posts from now on. */
export function monitor(pv: ProcessVariable): number[] {
  const masks: number[] = [];
  pv.subscribe((mask) => masks.push(mask));
  return masks;
}

/** A client write of `value` in the PV's native type, as the write may answer: now or later. */
export function write(
  pv: ProcessVariable,
  value: number | string | FieldValue,
  completion?: PutCompletion,
  processing?: PutProcessing,
): WriteResult | Promise<WriteResult> {
  if (typeof value === 'string') return pv.write([value], CLIENT, completion, processing);
  if (typeof value === 'number') {
    const current = pv.value();
    const array = Array.isArray(current) ? [String(value)] : new (current.constructor as new (n: number) => Exclude<FieldValue, string[]>)(1);
    if (!Array.isArray(array)) array[0] = value;
    return pv.write(array, CLIENT, completion, processing);
  }
  return pv.write(value, CLIENT, completion, processing);
}

/** A client write with completion (a CA put with callback), awaited until its answer; aborting `signal` cancels the wait. */
export async function putWithCompletion(
  pv: ProcessVariable,
  value: number | string | FieldValue,
  signal: AbortSignal = new AbortController().signal,
  processing?: PutProcessing,
): Promise<WriteResult> {
  return write(pv, value, { signal }, processing);
}

/**
 * A client write that must be done when it returns: the assertions after it read what it changed.
 * A write that answers later (a device support deciding asynchronously) fails the test here; such
 * a test awaits `putLater`.
 */
export function put(pv: ProcessVariable, value: number | string | FieldValue, processing?: PutProcessing): WriteResult {
  const result = write(pv, value, undefined, processing);
  if (result instanceof Promise) throw new Error(`the write to ${pv.name} answers later; await putLater instead`);
  return result;
}

/** A client write, awaited until its answer. */
export async function putLater(pv: ProcessVariable, value: number | string | FieldValue): Promise<WriteResult> {
  return write(pv, value);
}

/** The first element of a PV's value. */
export function valueOf(pv: ProcessVariable): number | string {
  return pv.value()[0]!;
}
