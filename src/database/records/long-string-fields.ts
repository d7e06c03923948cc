import { field, type FieldSpec } from './field-spec';

/** VAL and OVAL of lsi/lso: DBF_NOACCESS in the table, served as strings of SIZV bytes. */
export function longStringValueFields(): FieldSpec[] {
  return [
    field('VAL', 'NOACCESS', { processPassive: true }),
    field('OVAL', 'NOACCESS', { readOnly: true }),
    field('SIZV', 'USHORT', { readOnly: true, initial: '41' }),
    field('LEN', 'ULONG', { readOnly: true }),
    field('OLEN', 'ULONG', { readOnly: true }),
  ];
}
