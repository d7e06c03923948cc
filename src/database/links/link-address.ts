// What a link field says, as dbParseLink reads it: nothing, a constant (a number, an array,
// {const: …}) that record support loads at init, a PV with its modifiers ("REC.FIELD PP MS"), or
// an "@…" parameter that the record's device support reads.

import type { JsonValue } from '../db-file/ast';
import { parseDbNumber } from '../dbf';
import type { LinkConstant } from '../records/record-type';

/**
 * NPP: read or write only. PP: process a passive target (the reader before reading, the writer
 * after writing). CA: through Channel Access (dbPutField semantics on writes). CP: the target's
 * monitors process this record; CPP: only while this record is passive.
 */
export type ProcessMode = 'NPP' | 'PP' | 'CA' | 'CP' | 'CPP';
/** How the target's alarm reaches this record (recGblInheritSevr): not, as LINK, only INVALID, or with its status. */
export type SeverityMode = 'NMS' | 'MS' | 'MSI' | 'MSS';

export interface PvAddress {
  readonly kind: 'pv';
  /** The record name or alias. */
  readonly record: string;
  /** The field; VAL when the link does not say. */
  readonly field: string;
  readonly process: ProcessMode;
  readonly severity: SeverityMode;
}

export type LinkAddress =
  { readonly kind: 'empty' } | { readonly kind: 'constant'; readonly value: LinkConstant } | PvAddress | { readonly kind: 'parameter'; readonly text: string };

export type ParsedAddress = { ok: true; address: LinkAddress } | { ok: false; reason: string };

const EMPTY: LinkAddress = Object.freeze({ kind: 'empty' });
const PROCESS_MODES: readonly string[] = ['NPP', 'PP', 'CA', 'CP', 'CPP'];
const SEVERITY_MODES: readonly string[] = ['NMS', 'MS', 'MSI', 'MSS'];
const FIELD_PART = /^[A-Z][A-Z0-9]*\$?$/;

/** A link field's value as a .db file gives it (JSON included). */
export function parseLinkValue(value: JsonValue): ParsedAddress {
  switch (value.kind) {
    case 'array':
      return constant(value.items.map(elementText));
    case 'object': {
      const [member] = value.members;
      if (value.members.length !== 1 || !member) return { ok: false, reason: 'a JSON link has exactly one link type' };
      const [type, argument] = member;
      if (type !== 'const') return { ok: false, reason: `JSON link type "${type}" is not supported (supported: const)` };
      return constant(argument.kind === 'array' ? argument.items.map(elementText) : elementText(argument));
    }
    default:
      return parseLinkText(value.text);
  }
}

/** A link field's text, as a .db file or a client's put gives it. */
export function parseLinkText(text: string): ParsedAddress {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, address: EMPTY };
  if (trimmed.startsWith('@')) return { ok: true, address: { kind: 'parameter', text: trimmed.slice(1) } };
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return { ok: false, reason: `"${trimmed}" is JSON; a .db file gives JSON links unquoted` };
  if (parseDbNumber('DOUBLE', trimmed).ok) return constant(trimmed);
  return parsePvText(trimmed);
}

function parsePvText(text: string): ParsedAddress {
  const [name = '', ...modifiers] = text.split(/\s+/);
  let process: ProcessMode = 'NPP';
  let severity: SeverityMode = 'NMS';
  for (const modifier of modifiers) {
    if (PROCESS_MODES.includes(modifier)) process = modifier as ProcessMode;
    else if (SEVERITY_MODES.includes(modifier)) severity = modifier as SeverityMode;
    else return { ok: false, reason: `"${modifier}" is not a link modifier (${[...PROCESS_MODES, ...SEVERITY_MODES].join(', ')})` };
  }
  const dot = name.lastIndexOf('.');
  const hasField = dot > 0 && FIELD_PART.test(name.slice(dot + 1));
  const record = hasField ? name.slice(0, dot) : name;
  // A "$" (long string) suffix changes nothing here: links carry the field whole.
  const field = hasField ? name.slice(dot + 1).replace(/\$$/, '') : 'VAL';
  return { ok: true, address: { kind: 'pv', record, field, process, severity } };
}

function constant(value: LinkConstant): ParsedAddress {
  return { ok: true, address: { kind: 'constant', value } };
}

function elementText(value: JsonValue): string {
  return value.text;
}
