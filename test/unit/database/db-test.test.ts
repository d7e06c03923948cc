import { dbgf, dbl, dbpf, formatG } from '../../../src/database/db-test';
import { CLIENT, databaseOf } from './helpers';

// Expected texts are what EPICS base R7.0.8.1's softIoc printed for the same records and commands
// (dbTest.c: dbl, dbgf, dbpf, printBuffer and dbpr_msgOut's 10-column tab stops), trailing blanks included.

const DB = `
record(ai, "T:A") { field(VAL, "1.5") field(EGU, "V") }
record(stringin, "T:S") { field(VAL, "hello") }
record(longout, "T:L") { field(VAL, "3") }
record(ai, "U:A") { field(EGU, "mA") }
record(bo, "Q:Z") { field(ZNAM, "off") field(ONAM, "on") }
record(waveform, "Q:W") { field(NELM, 4) field(FTVL, DOUBLE) }
record(waveform, "Q:WC") { field(NELM, 40) field(FTVL, CHAR) }
`;

describe('dbl, dbgf and dbpf (dbTest.c)', () => {
  const database = databaseOf(DB, { start: true });
  afterAll(() => database.close());

  it('dbl lists records by record type in alphabetical order, each type in load order', () => {
    expect(dbl(database)).toBe('T:A\nU:A\nQ:Z\nT:L\nT:S\nQ:W\nQ:WC\n');
    expect(dbl(database, 'ai')).toBe('T:A\nU:A\n');
    expect(dbl(database, 'calc')).toBe('');
    expect(dbl(database, 'bogus')).toBe('No record type\n');
  });

  it('dbl prints the named fields quoted, and a bare comma where the record type has no such field', () => {
    expect(dbl(database, '', 'EGU DESC')).toBe('T:A, "V", ""\nU:A, "mA", ""\nQ:Z, , ""\nT:L, "", ""\nT:S, , ""\nQ:W, "", ""\nQ:WC, "", ""\n');
    expect(dbl(database, 'bo', 'recordType SCAN')).toBe('Q:Z, "bo", "Passive"\n');
  });

  it('dbgf prints the value in the field type on 10-column tab stops', () => {
    expect(dbgf(database, 'T:A')).toBe('DBF_DOUBLE:         1.5       \n');
    expect(dbgf(database, 'T:S')).toBe('DBF_STRING:         "hello"   \n');
    expect(dbgf(database, 'T:L')).toBe('DBF_LONG:           3 = 0x3   \n');
    expect(dbgf(database, 'T:A.EGU')).toBe('DBF_STRING:         "V"       \n');
    expect(dbgf(database, 'Q:Z')).toBe('DBF_STRING:         "off"     \n');
    expect(dbgf(database, 'Q:Z.SCAN')).toBe('DBF_STRING:         "Passive" \n');
    expect(dbgf(database, 'T:A.PREC')).toBe('DBF_SHORT:          0 = 0x0   \n');
    expect(dbgf(database, 'T:A.DTYP')).toBe('DBF_STRING:         "Soft Channel"      \n');
    expect(dbgf(database, 'T:A.INP')).toBe('DBF_STRING:         ""        \n');
    expect(dbgf(database, 'Q:W')).toBe('DBF_DOUBLE[0]: (empty)        \n');
    expect(dbgf(database, 'T:NONE')).toBe("PV 'T:NONE' not found\n");
  });

  it('dbpf puts text as DBR_STRING, processing a passive record, and prints the field as dbgf', async () => {
    expect(await dbpf(database, 'T:A', '3.25', CLIENT)).toBe('DBF_DOUBLE:         3.25      \n');
    expect(await dbpf(database, 'T:A', '1e30', CLIENT)).toBe('DBF_DOUBLE:         1e+30     \n');
    expect(await dbpf(database, 'T:S', 'a b c', CLIENT)).toBe('DBF_STRING:         "a b c"   \n');
    expect(await dbpf(database, 'T:L', '-7', CLIENT)).toBe('DBF_LONG:           -7 = 0xfffffff9     \n');
    expect(await dbpf(database, 'Q:Z', 'on', CLIENT)).toBe('DBF_STRING:         "on"      \n');
    expect(await dbpf(database, 'Q:Z', '0', CLIENT)).toBe('DBF_STRING:         "off"     \n');
    expect(await dbpf(database, 'Q:WC', 'hello world', CLIENT)).toBe('DBF_CHAR[12]:       "hello world"       \n');
    expect(await dbpf(database, 'Q:W', '[1, 2.5, 3]', CLIENT)).toBe('DBF_DOUBLE[3]:      1         2.5       3         \n');
  });

  it('dbpf says why a put is refused, and the field keeps its value', async () => {
    await dbpf(database, 'T:A', '0.1', CLIENT);
    expect(await dbpf(database, 'T:A', 'abc', CLIENT)).toBe('dbpf: T:A.VAL: "abc" is not a number\nDBF_DOUBLE:         0.1       \n');
    expect(await dbpf(database, 'T:A.NAME', 'X', CLIENT)).toMatch(/^dbpf: T:A\.NAME is read-only\nDBF_STRING: {9}"T:A"/);
  });
});

describe('formatG (C printf %g)', () => {
  it('chooses fixed or exponent notation and drops trailing zeros as printf does', () => {
    expect([formatG(0.1, 12), formatG(1e-5, 12), formatG(123456789012345, 12), formatG(100, 6), formatG(-2.5e-7, 6)]).toEqual([
      '0.1',
      '1e-05',
      '1.23456789012e+14',
      '100',
      '-2.5e-07',
    ]);
    expect([formatG(NaN, 6), formatG(-Infinity, 6), formatG(0, 6)]).toEqual(['nan', '-inf', '0']);
  });
});
