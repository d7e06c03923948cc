// A record type's fields as its .dbd declares them: name, DBF type and the attributes that
// change how the IOC treats the field (string size, menu, initial value, SPC_NOMOD, pp, prop).

import type { DbfType } from '../dbf';
import type { Menu } from '../menus';

export interface FieldSpec {
  readonly name: string;
  readonly dbf: DbfType;
  /** Capacity of a DBF_STRING field in bytes, terminating NUL included. */
  readonly size?: number;
  readonly menu?: Menu;
  /** The .dbd initial() value, in .db notation. */
  readonly initial?: string;
  /** SPC_NOMOD: clients may not write it (a .db file may still set it, except NAME). */
  readonly readOnly?: boolean;
  /** pp(TRUE): a client write processes a passive record. */
  readonly processPassive?: boolean;
  /** prop(YES): a write posts DBE_PROPERTY to every channel of the record. */
  readonly property?: boolean;
}

type FieldOptions = Omit<FieldSpec, 'name' | 'dbf'>;

export function field(name: string, dbf: DbfType, options: FieldOptions = {}): FieldSpec {
  return Object.freeze({ name, dbf, ...options });
}

export function stringField(name: string, size: number, options: Omit<FieldOptions, 'size'> = {}): FieldSpec {
  return field(name, 'STRING', { ...options, size });
}

export function menuField(name: string, menu: Menu, options: Omit<FieldOptions, 'menu'> = {}): FieldSpec {
  return field(name, 'MENU', { ...options, menu });
}

/** Field specs by name, in declaration order; a later spec of the same name replaces an earlier one. */
export type FieldTable = ReadonlyMap<string, FieldSpec>;

export function fieldTable(...groups: readonly (readonly FieldSpec[])[]): FieldTable {
  const table = new Map<string, FieldSpec>();
  for (const group of groups) for (const spec of group) table.set(spec.name, spec);
  return table;
}
