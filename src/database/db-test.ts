// The iocsh commands that look at and poke the running database, as EPICS base's dbTest.c prints
// them: dbl (records by type, with chosen fields), dbgf (a field's value in its DBF type, laid out
// on dbpr's 10-column tab stops) and dbpf (a put of text, as dbPutField with DBR_STRING, then dbgf).
// dbpf, like dbPutField, is not subject to access security; DISP and read-only fields still refuse it.

import { allocate, isEnumLike, isLink, narrow, parseDbNumber } from './dbf';
import type { Database, FieldAddress } from './database';
import type { FieldData } from './field-codec';
import type { ClientIdentity, FieldValue } from './pv';
import type { DbRecord } from './record';
import type { FieldSpec } from './records/field-spec';
import { RECORD_TYPES } from './records/registry';
import { charsToText, textToChars } from './text';

/** dbl: the records of one type ("" or "*": all, types in alphabetical order), each with the fields named in `fields` (blank-separated). */
export function dbl(database: Database, recordType = '', fields = ''): string {
  const all = recordType === '' || recordType === '*';
  const records = database.loadedRecords();
  const types = [...new Set(records.map((record) => record.type.name))].sort();
  if (!all && !RECORD_TYPES.has(recordType)) return 'No record type\n';
  const names = fields.split(' ').filter(Boolean);
  let out = '';
  for (const type of all ? types : [recordType]) {
    for (const record of records) {
      if (record.type.name !== type) continue;
      out += record.name + names.map((name) => listedField(record, name)).join('') + '\n';
    }
  }
  return out;
}

function listedField(record: DbRecord, name: string): string {
  if (name === 'recordType') return `, "${record.type.name}"`;
  const spec = record.type.fields.get(name);
  return spec ? `, "${fieldText(record, spec)}"` : ', ';
}

/** dbgf: the field's elements as dbTest.c's printBuffer lays them out; enum-like fields as their label. */
export function dbgf(database: Database, name: string): string {
  const address = database.fieldAddress(name);
  if (!address) return `PV '${name}' not found\n`;
  const out = new TabbedLines();
  const { type, count, elements } = printed(address);
  out.add(count === 1 ? `DBF_${type}: ` : `DBF_${type}[${count}]: ${count === 0 ? '(empty)' : ''}`);
  for (const element of elements) out.add(element);
  return out.finish();
}

/** dbpf: `value` put to the field as text (a JSON array for an array field other than CHAR), then dbgf. */
export async function dbpf(database: Database, name: string, value: string, client: ClientIdentity): Promise<string> {
  const address = database.fieldAddress(name);
  if (!address) return `PV '${name}' not found\n`;
  const converted = fromText(address, value);
  let refusal = typeof converted === 'string' ? converted : undefined;
  if (typeof converted !== 'string') {
    const result = await address.record.write(address.spec, converted, address.longString, client);
    if (!result.ok) refusal = result.message;
  }
  return (refusal === undefined ? '' : `dbpf: ${refusal}\n`) + dbgf(database, name);
}

/** The text as the elements a channel of the field writes, or why it cannot be. */
function fromText(address: FieldAddress, text: string): FieldValue | string {
  const { record, spec, longString } = address;
  const shape = record.shape(spec);
  if (longString) return withNul(text);
  if (shape.dbf === 'STRING' || isLink(shape.dbf)) return [text];
  if (shape.array) return arrayFromText(shape.dbf, text);
  if (isEnumLike(shape.dbf)) {
    const index = choicesOf(record, spec).indexOf(text);
    if (index >= 0) return allocateWith(shape.dbf, [index]);
  }
  const parsed = parseDbNumber(shape.dbf, text);
  return parsed.ok ? allocateWith(shape.dbf, [parsed.value]) : `${record.name}.${spec.name}: ${parsed.reason}`;
}

/** CHAR arrays take the text and its NUL; others a JSON array (or one value), as dbPutConvertJSON reads it. */
function arrayFromText(dbf: FieldSpec['dbf'], text: string): FieldValue | string {
  if (dbf === 'CHAR' || dbf === 'UCHAR') return withNul(text);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return `"${text}" is not JSON: ${(error as Error).message}`;
  }
  const items = Array.isArray(parsed) ? parsed : [parsed];
  if (dbf === 'STRING') return items.map(String);
  if (!items.every((item) => typeof item === 'number')) return `"${text}" is not an array of numbers`;
  return allocateWith(dbf, items);
}

function withNul(text: string): Uint8Array {
  return textToChars(text, Buffer.byteLength(text) + 1);
}

function allocateWith(dbf: FieldSpec['dbf'], numbers: readonly number[]): FieldValue {
  const out = allocate(dbf, numbers.length) as Exclude<FieldValue, string[]>;
  numbers.forEach((n, i) => (out[i] = narrow(dbf, n)));
  return out;
}

/** The DBR type dbgf names, the element count and what it prints of them, as printBuffer formats it. */
function printed(address: FieldAddress): { type: string; count: number; elements: string[] } {
  const { record, spec, longString } = address;
  const shape = record.shape(spec);
  const data = record.get(spec.name);
  if (longString) return { type: 'CHAR', count: Buffer.byteLength(data as string) + 1, elements: charElements(data as string) };
  if (shape.dbf === 'STRING' || isLink(shape.dbf) || isEnumLike(shape.dbf)) {
    const texts = shape.array ? [...(data as string[])] : [fieldText(record, spec)];
    return { type: 'STRING', count: texts.length, elements: texts.map((text) => `"${escaped(text)}"`) };
  }
  const values = shape.array ? [...(data as Exclude<FieldValue, string[]>)] : [data as number];
  if (shape.dbf === 'CHAR' && values.length > 1) {
    return { type: 'CHAR', count: values.length, elements: charElements(charsToText(Uint8Array.from(values, (n) => n & 0xff))) };
  }
  return { type: shape.dbf, count: values.length, elements: values.map((n) => formatNumber(shape.dbf, n)) };
}

/** A field's value as text, as dbGetString gives it: a menu or device choice by its label. */
function fieldText(record: DbRecord, spec: FieldSpec): string {
  const data: FieldData = record.get(spec.name);
  if (!isEnumLike(spec.dbf)) return typeof data === 'string' || typeof data === 'number' ? String(data) : [...data].join(' ');
  return choicesOf(record, spec)[data as number] ?? String(data);
}

function choicesOf(record: DbRecord, spec: FieldSpec): readonly string[] {
  if (spec.dbf === 'MENU') return spec.menu?.choices ?? [];
  if (spec.dbf === 'DEVICE') return record.type.devices;
  return spec.name === 'VAL' ? record.type.enumStrings(record) : [];
}

function formatNumber(dbf: FieldSpec['dbf'], n: number): string {
  switch (dbf) {
    case 'CHAR': {
      const value = (n << 24) >> 24;
      const hex = `${value} = 0x${(value & 0xff).toString(16)}`;
      return value >= 0x20 && value < 0x7f ? `${hex} = '${String.fromCharCode(value)}'` : hex;
    }
    case 'UCHAR':
    case 'USHORT':
    case 'ULONG':
    case 'UINT64':
      return `${n} = 0x${n.toString(16)}`;
    case 'SHORT':
      return `${n} = 0x${(n & 0xffff).toString(16)}`;
    case 'LONG':
      return `${n} = 0x${(n >>> 0).toString(16)}`;
    case 'INT64':
      return `${n} = ${n < 0 ? '-' : ''}0x${Math.abs(n).toString(16)}`;
    case 'FLOAT':
      return formatG(n, 6);
    default:
      return formatG(n, 12);
  }
}

/** C's %.<precision>g. */
export function formatG(value: number, precision: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value < 0 ? '-inf' : 'inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const [mantissa, exponentText] = value.toExponential(precision - 1).split('e') as [string, string];
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= precision) {
    const digits = String(Math.abs(exponent)).padStart(2, '0');
    return `${stripZeros(mantissa)}e${exponent < 0 ? '-' : '+'}${digits}`;
  }
  return stripZeros(value.toFixed(precision - 1 - exponent));
}

function stripZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** A CHAR array up to its first NUL, quoted in pieces that fit a line, as printBuffer splits it. */
function charElements(text: string): string[] {
  const content = text.split('\0')[0] ?? '';
  const pieces: string[] = [];
  for (let i = 0; i < content.length;) {
    let chunk = Math.min(content.length - i, MAXLINE - 5);
    while (escaped(content.slice(i, i + chunk)).length >= MAXLINE - 5) chunk--;
    i += chunk;
    pieces.push(`"${escaped(content.slice(i - chunk, i))}"${i < content.length ? ' +' : ''}`);
  }
  return pieces;
}

const ESCAPES: Readonly<Record<string, string>> = {
  '\x07': 'a',
  '\b': 'b',
  '\f': 'f',
  '\n': 'n',
  '\r': 'r',
  '\t': 't',
  '\v': 'v',
  '\\': '\\',
  "'": "'",
  '"': '"',
};

/** epicsStrnEscapedFromRaw. */
function escaped(text: string): string {
  let out = '';
  for (const c of text) {
    const code = c.charCodeAt(0);
    if (ESCAPES[c]) out += `\\${ESCAPES[c]}`;
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += c;
  }
  return out;
}

const MAXLINE = 80;
const TAB = 10;

/** dbpr's message buffer: each piece starts on the next 10-column tab stop; a line never passes 80 columns. */
class TabbedLines {
  private line = '';
  private out = '';

  add(piece: string): void {
    const text = piece.slice(0, MAXLINE);
    if (this.line.length + text.length > MAXLINE) this.flush();
    this.line += text;
    this.line = this.line.padEnd(Math.min(MAXLINE, (Math.floor(this.line.length / TAB) + 1) * TAB));
  }

  finish(): string {
    this.flush();
    return this.out;
  }

  private flush(): void {
    if (this.line !== '') this.out += this.line + '\n';
    this.line = '';
  }
}
