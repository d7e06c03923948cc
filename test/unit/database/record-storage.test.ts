import { databaseOf, put, pvOf, valueOf } from './helpers';

// Records of one type start from their type's initial field values (records/field-layout.ts) and
// then hold values of their own. The initial values are the .dbd initial() of EPICS base's
// dbCommonRecord.dbd (DISV 1, UDFS INVALID, ACKT YES) and aoRecord.dbd.

describe('record field storage', () => {
  const database = databaseOf(`
    record(ao, "S:ONE") { field(DESC, "first") info(autosaveFields, "VAL") }
    record(ao, "S:TWO")
  `);
  const value = (name: string) => valueOf(pvOf(database, name));

  it('gives every record of a type the .dbd initial values, its own NAME and the record attributes', () => {
    for (const record of ['S:ONE', 'S:TWO']) {
      expect([value(`${record}.DISV`), value(`${record}.UDFS`), value(`${record}.ACKT`)]).toEqual([1, 3, 1]);
      expect([value(`${record}.NAME`), value(`${record}.RTYP`), value(`${record}.VERS`)]).toEqual([record, 'ao', 'none specified']);
    }
  });

  it('keeps what is written to one record out of another of the same type', () => {
    put(pvOf(database, 'S:TWO.HOPR'), 12);
    put(pvOf(database, 'S:TWO'), 4);
    expect([value('S:ONE.HOPR'), value('S:ONE'), value('S:ONE.DESC')]).toEqual([0, 0, 'first']);
    expect([value('S:TWO.HOPR'), value('S:TWO'), value('S:TWO.DESC')]).toEqual([12, 4, '']);
  });

  it('keeps info tags per record', () => {
    expect(database.record('S:ONE').info('autosaveFields')).toBe('VAL');
    expect(database.record('S:TWO').info('autosaveFields')).toBeUndefined();
  });
});
