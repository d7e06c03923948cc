import { AccessRules, parseAcf } from '../../../src/access';
import type { ClientIdentity } from '../../../src/database/pv';
import { databaseOf, put, pvOf, valueOf } from './helpers';

// The database under access security: a field's access is its record's group's rules for the
// field's level, within what the field allows; servers hear when that may have changed.

const rulesOf = (text: string) => AccessRules.compile(parseAcf(text, { file: 'test.acf' }));
const ALICE: ClientIdentity = { user: 'alice', host: 'opi-1', address: '10.0.0.7' };
const MALLORY: ClientIdentity = { user: 'mallory', host: 'opi-1', address: '10.0.0.8' };

const ACF = `
UAG(ops) { alice }
ASG(DEFAULT) { RULE(1, READ) }
ASG(OPS) { RULE(1, READ) RULE(1, WRITE) { UAG(ops) } }
ASG(VALONLY) { RULE(1, READ) RULE(0, WRITE) }
ASG(HIDDEN) { RULE(1, NONE) }
`;

function load() {
  return databaseOf(`
record(ao, "S:OPS") { field(ASG, "OPS") }
record(ao, "S:VALONLY") { field(ASG, "VALONLY") }
record(ao, "S:HIDDEN") { field(ASG, "HIDDEN") }
record(ao, "S:UNDECLARED") { field(ASG, "NO_SUCH_GROUP") }
record(ao, "S:PLAIN")
`);
}

describe('FieldPv access rights', () => {
  it('lets everyone read and write what is writable while no rules are in force', () => {
    const database = load();
    expect(database.accessSecurity).toBeUndefined();
    expect(pvOf(database, 'S:OPS').accessRights(MALLORY)).toEqual({ read: true, write: true });
    expect(pvOf(database, 'S:OPS.STAT').accessRights(MALLORY)).toEqual({ read: true, write: false });
  });

  it("asks the rules of the record's ASG, DEFAULT for an undeclared group or none", () => {
    const database = load();
    database.setAccessSecurity(rulesOf(ACF));
    expect(pvOf(database, 'S:OPS').accessRights(ALICE)).toEqual({ read: true, write: true });
    expect(pvOf(database, 'S:OPS').accessRights(MALLORY)).toEqual({ read: true, write: false });
    expect(pvOf(database, 'S:HIDDEN').accessRights(ALICE)).toEqual({ read: false, write: false });
    expect(pvOf(database, 'S:UNDECLARED').accessRights(ALICE)).toEqual({ read: true, write: false });
    expect(pvOf(database, 'S:PLAIN').accessRights(ALICE)).toEqual({ read: true, write: false });
  });

  it('gives VAL level 0 and every other field level 1', () => {
    const database = load();
    database.setAccessSecurity(rulesOf(ACF));
    expect(pvOf(database, 'S:VALONLY').accessRights(MALLORY)).toEqual({ read: true, write: true });
    expect(pvOf(database, 'S:VALONLY.VAL').accessRights(MALLORY)).toEqual({ read: true, write: true });
    expect(pvOf(database, 'S:VALONLY.DESC').accessRights(MALLORY)).toEqual({ read: true, write: false });
  });

  it('keeps read-only fields read-only whatever the rules give', () => {
    const database = load();
    database.setAccessSecurity(rulesOf(ACF));
    expect(pvOf(database, 'S:OPS.STAT').accessRights(ALICE)).toEqual({ read: true, write: false });
  });

  it('refuses a write the rules do not allow (readOnly: ECA_NOWTACCESS), changing nothing', () => {
    const database = load();
    const pv = pvOf(database, 'S:OPS');
    expect(put(pv, 1)).toEqual({ ok: true });
    database.setAccessSecurity(rulesOf(ACF));
    const refused = pv.write(new Float64Array([2]), MALLORY);
    expect(refused).toEqual({ ok: false, error: 'readOnly', message: 'S:OPS: no write access' });
    expect(valueOf(pv)).toBe(1);
    expect(pv.acknowledgeAlarm('severity', 3, MALLORY)).toMatchObject({ ok: false, error: 'readOnly' });
    expect(pv.write(new Float64Array([3]), ALICE)).toEqual({ ok: true });
    expect(valueOf(pv)).toBe(3);
  });

  it('follows the rules as they are replaced, and lifts them when they are removed', () => {
    const database = load();
    const pv = pvOf(database, 'S:OPS');
    database.setAccessSecurity(rulesOf(ACF));
    expect(pv.accessRights(ALICE).write).toBe(true);
    database.setAccessSecurity(rulesOf('ASG(OPS) { RULE(1, READ) }'));
    expect(pv.accessRights(ALICE).write).toBe(false);
    database.setAccessSecurity(undefined);
    expect(pv.accessRights(MALLORY).write).toBe(true);
  });
});

describe('Database.subscribeAccessChanges', () => {
  it('tells listeners when rules are put in force or removed, until they stop listening', () => {
    const database = load();
    let heard = 0;
    const stop = database.subscribeAccessChanges(() => heard++);
    database.setAccessSecurity(rulesOf(ACF));
    database.setAccessSecurity(undefined);
    expect(heard).toBe(2);
    stop();
    database.setAccessSecurity(rulesOf(ACF));
    expect(heard).toBe(2);
  });

  it('tells listeners when a record moves to another group (ASG written), while rules are in force', () => {
    const database = load();
    let heard = 0;
    database.subscribeAccessChanges(() => heard++);
    database.record('S:PLAIN').setField('ASG', 'OPS');
    expect(heard).toBe(0);
    database.setAccessSecurity(rulesOf(ACF));
    heard = 0;
    expect(pvOf(database, 'S:PLAIN').accessRights(MALLORY).write).toBe(false);
    expect(pvOf(database, 'S:PLAIN.ASG').write(['VALONLY'], ALICE)).toEqual({ ok: true });
    expect(heard).toBe(1);
    expect(pvOf(database, 'S:PLAIN').accessRights(MALLORY).write).toBe(true);
  });
});
