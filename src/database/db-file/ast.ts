// What a .db file says, in the order it says it, before any record exists.

import type { SourceLocation } from './location';

/**
 * A field or info value. dbLoadRecords reads values as relaxed JSON: quoted strings (either
 * quote), bare words, numbers, arrays and maps; `text` is the value as the record receives it.
 */
export type JsonValue =
  | { readonly kind: 'string'; readonly text: string; readonly quoted: boolean }
  | { readonly kind: 'number'; readonly text: string }
  | { readonly kind: 'literal'; readonly text: 'null' | 'true' | 'false' }
  | { readonly kind: 'array'; readonly text: string; readonly items: readonly JsonValue[] }
  | { readonly kind: 'object'; readonly text: string; readonly members: readonly (readonly [string, JsonValue])[] };

export interface Setting {
  readonly name: string;
  readonly value: JsonValue;
  /** Where the setting's name is. */
  readonly location: SourceLocation;
  /** Where its value starts. */
  readonly valueLocation: SourceLocation;
}

export interface NamedAt {
  readonly name: string;
  readonly location: SourceLocation;
}

export interface RecordDefinition {
  readonly kind: 'record';
  /** The type as written; `*` adds to a record defined before. */
  readonly recordType: string;
  readonly typeLocation: SourceLocation;
  readonly name: string;
  readonly location: SourceLocation;
  readonly fields: readonly Setting[];
  readonly infos: readonly Setting[];
  readonly aliases: readonly NamedAt[];
}

/** `alias("record", "alias")` outside a record. */
export interface AliasDefinition {
  readonly kind: 'alias';
  readonly target: NamedAt;
  readonly alias: NamedAt;
}

export type DatabaseItem = RecordDefinition | AliasDefinition;

export interface ParsedDatabase {
  readonly items: readonly DatabaseItem[];
  /** Every file read, the top one first. */
  readonly files: readonly string[];
}
