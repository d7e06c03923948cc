import { AccessRules, parseAcf } from '../../../src/access';
import { Database, DbFileError } from '../../../src/database';
import { GeneralTimeClock, generalTime } from '../../../src/database/devices/general-time';
import { AlarmStatus } from '../../../src/database/pv';
import { TEST_DTYP, testDevice, type TestDevice } from '../../helpers/test-device';
import { CLIENT, pvOf, put, putLater, valueOf } from './helpers';
import { textContaining } from '../../helpers/matchers';

// Device support as EPICS base's devSup: device() adds a DTYP choice to a record type
// (dbStaticLib.c dbDTYPtoDevSup via the record type's devList), the record binds at init through its
// INP/OUT "@parameter" (INST_IO, dbCanSetLink), record support calls read_ai/write_ao
// (aiRecord.c readValue after recGblGetSimm) and get_ioint_info puts it on the I/O Intr list.

function databaseWith(device: TestDevice, text: string): Database {
  const database = new Database();
  database.registerDevice(device.support);
  database.loadText(text, { file: 'dev.db' });
  return database;
}

function loadError(device: TestDevice, text: string): string {
  const database = new Database();
  database.registerDevice(device.support);
  try {
    database.loadText(text, { file: 'dev.db' });
  } catch (error) {
    expect(error).toBeInstanceOf(DbFileError);
    return (error as Error).message;
  }
  throw new Error('the load did not fail');
}

describe('the device table', () => {
  it('adds a registered DTYP after base soft supports, to the record types it names only', () => {
    const database = databaseWith(testDevice(), 'record(ai, "A") {}\nrecord(longin, "L") {}');
    // devSoft.dbd's order: the soft supports, then Soft Timestamp and General Time, then what code registered.
    expect(pvOf(database, 'A.DTYP').metadata().enumStrings).toEqual([
      'Soft Channel',
      'Raw Soft Channel',
      'Async Soft Channel',
      'Soft Timestamp',
      'General Time',
      TEST_DTYP,
    ]);
    expect(pvOf(database, 'L.DTYP').metadata().enumStrings).toEqual(['Soft Channel', 'Async Soft Channel', 'General Time']);
    // Another database has its own table.
    const plain = new Database();
    plain.loadText('record(ai, "A") {}');
    expect(pvOf(plain, 'A.DTYP').metadata().enumStrings).not.toContain(TEST_DTYP);
  });

  it('refuses a registration after the first load, a second support of one DTYP and type, and types that call no device support', () => {
    const database = new Database();
    const device = testDevice();
    database.registerDevice(device.support);
    expect(() => database.registerDevice(device.support)).toThrow('record type ai already has a device support "Test device"');
    expect(() => database.registerDevice({ ...device.support, name: 'Soft Channel' })).toThrow('record type ai already has a device support "Soft Channel"');
    expect(() => database.registerDevice({ ...device.support, name: 'X', recordTypes: ['calc'] })).toThrow('record support of calc calls no device support');
    expect(() => database.registerDevice({ ...device.support, name: 'X', recordTypes: ['motor'] })).toThrow('record type "motor" is not supported');
    database.loadText('record(ai, "A") {}');
    expect(() => database.registerDevice({ ...device.support, name: 'Late' })).toThrow('must be registered before the first .db file is loaded');
  });
});

describe('binding at load', () => {
  it('names the choices of the record type for an unknown DTYP, at its file:line:col', () => {
    expect(loadError(testDevice(), 'record(ai, "A") {\n  field(DTYP, "IOC stats")\n}')).toBe(
      'dev.db:2:15: cannot set A.DTYP: "IOC stats" is not a choice of the device supports of this record type ("Soft Channel", "Raw Soft Channel", "Async Soft Channel", "Soft Timestamp", "General Time", "Test device")',
    );
  });

  it('refuses a device link that is not "@parameter", or is missing, and a parameter in another link', () => {
    const device = testDevice();
    expect(loadError(device, 'record(ai, "A") {\n  field(DTYP, "Test device")\n  field(INP, "B")\n}')).toBe(
      'dev.db:3:14: A: DTYP "Test device" is addressed by INP "@parameter"; INP is "B"',
    );
    expect(loadError(device, 'record(ai, "A") {\n  field(DTYP, "Test device")\n}')).toBe(
      'dev.db:2:15: A: DTYP "Test device" is addressed by INP "@parameter"; INP is not set',
    );
    expect(loadError(device, 'record(calc, "C") { field(INPA, "@level") }')).toBe(
      'dev.db:1:34: cannot set C.INPA: "@level" is a device parameter, and calc records have no device support',
    );
    expect(loadError(device, 'record(ao, "O") { field(DTYP, "Test device") field(OUT, "@setpoint") field(DOL, "@level") }')).toBe(
      'dev.db:1:82: cannot set O.DOL: "@level" is a device parameter, and device support "Test device" reads its parameter from OUT',
    );
  });

  it('reports an unknown parameter where it stands, with the choices the support names', () => {
    expect(loadError(testDevice(), 'record(ai, "A") {\n  field(INP, "@heap")\n  field(DTYP, "Test device")\n}')).toBe(
      'dev.db:2:16: A: unknown ai parameter "heap" (choices: level, count, pushed)',
    );
  });

  it('releases the bindings of a load that fails, and those of a database that closes', () => {
    const device = testDevice();
    const database = new Database();
    database.registerDevice(device.support);
    expect(() =>
      database.loadText(
        'record(ai, "A") { field(DTYP, "Test device") field(INP, "@level") }\nrecord(ao, "O") { field(DTYP, "Test device") field(OUT, "@nope") }',
      ),
    ).toThrow('<text>:2:59: O: unknown ao parameter "nope" (choices: setpoint)');
    expect(device.released).toBe(1);
    expect(database.hasRecord('A')).toBe(false);
    database.loadText('record(ai, "A") { field(DTYP, "Test device") field(INP, "@level") }');
    database.close();
    database.close();
    expect(device.released).toBe(2);
  });
});

describe('record support through the binding', () => {
  const records = `
    record(ai, "A") { field(DTYP, "Test device") field(INP, "@level") field(SCAN, "I/O Intr") field(HIHI, "10") field(HHSV, "MAJOR") }
    record(ao, "O") { field(DTYP, "Test device") field(OUT, "@setpoint") }`;

  it('reads the figure on I/O Intr and writes an output, with alarms as usual', () => {
    const device = testDevice();
    const database = databaseWith(device, records);
    database.start();
    device.figures.set('level', 12);
    expect(device.ioScan.request()).toBe(true);
    expect(valueOf(pvOf(database, 'A'))).toBe(12);
    expect(pvOf(database, 'A').alarm().status).toBe(AlarmStatus.HIHI);
    put(pvOf(database, 'O'), 3.5);
    expect(device.written).toEqual([3.5]);
    database.close();
  });

  it('simulates instead of reading the device while SIMM is YES (recGblGetSimm comes first)', () => {
    const device = testDevice();
    const database = databaseWith(device, 'record(ai, "A") { field(DTYP, "Test device") field(INP, "@level") field(SIMM, "YES") field(SIOL, "7") }');
    device.figures.set('level', 12);
    put(pvOf(database, 'A.PROC'), 1);
    expect(valueOf(pvOf(database, 'A'))).toBe(7);
  });
});

describe('a value its device support owns', () => {
  const text = 'record(ai, "A") { field(DTYP, "Test device") field(INP, "@level") field(ASG, "OPEN") }';

  it('is read-only to clients, whatever the .acf grants, while its limits stay writable', async () => {
    const database = databaseWith(testDevice(), text);
    database.setAccessSecurity(AccessRules.compile(parseAcf('ASG(OPEN) { RULE(1, WRITE) }', { file: 'open.acf' })));
    for (const name of ['A', 'A.VAL']) {
      const rights = pvOf(database, name).accessRights(CLIENT);
      expect(rights).toMatchObject({
        read: true,
        write: false,
        noWriteReason: `${name}: the value is set by device support "Test device"; clients cannot write it`,
      });
      await expect(putLater(pvOf(database, name), 5)).resolves.toMatchObject({ ok: false, error: 'readOnly' });
    }
    expect(pvOf(database, 'A.HIHI').accessRights(CLIENT)).toEqual({ read: true, write: true });
    await expect(putLater(pvOf(database, 'A.HIHI'), 5)).resolves.toEqual({ ok: true });
  });

  it('is still set by code', () => {
    const database = databaseWith(testDevice(), 'record(ai, "P") { field(DTYP, "Test device") field(INP, "@pushed") }');
    expect(pvOf(database, 'P').accessRights(CLIENT).write).toBe(false);
    database.record('P', 'number').set(4);
    expect(valueOf(pvOf(database, 'P'))).toBe(4);
  });
});

describe('device fields at run time', () => {
  it('refuses to rebind a record (DTYP or its INP), or to bind one that was soft; soft supports stay interchangeable', async () => {
    const database = databaseWith(testDevice(), 'record(ai, "A") { field(DTYP, "Test device") field(INP, "@level") }\nrecord(ai, "S") {}');
    await expect(putLater(pvOf(database, 'A.DTYP'), 0)).resolves.toMatchObject({
      ok: false,
      message: 'A.DTYP: DTYP "Test device" is bound when the database loads and cannot be changed at run time (to "Soft Channel")',
    });
    await expect(putLater(pvOf(database, 'A.INP'), '@count')).resolves.toMatchObject({
      ok: false,
      message: 'A.INP: INP addresses device support "Test device", bound when the database loaded; it cannot be changed at run time',
    });
    await expect(putLater(pvOf(database, 'S.DTYP'), 5)).resolves.toMatchObject({
      ok: false,
      message: textContaining('binds a record when the database loads'),
    });
    await expect(putLater(pvOf(database, 'S.INP'), '@level')).resolves.toMatchObject({ ok: false, message: textContaining('is a device parameter') });
    await expect(putLater(pvOf(database, 'S.DTYP'), 1)).resolves.toEqual({ ok: true });
    expect(pvOf(database, 'S.DTYP').value()).toEqual(Uint16Array.of(1));
    expect(() => database.record('A').setField('DTYP', 'Soft Channel')).toThrow('cannot be changed at run time');
  });
});

describe("base's INST_IO supports at load", () => {
  it('name their parameters when one is unknown, and Db State needs a name', () => {
    const database = new Database();
    expect(() => database.loadText('record(stringin, "G") { field(DTYP, "General Time") field(INP, "@TOPTEP") }', { file: 'gt.db' })).toThrow(
      'gt.db:1:66: G: "@TOPTEP" is not a parameter of device support "General Time" for stringin records (choices: "@BESTTCP", "@TOPTCP", "@BESTTEP")',
    );
    expect(() => database.loadText('record(bo, "S") { field(DTYP, "Db State") field(OUT, "@") }', { file: 'st.db' })).toThrow(
      'st.db:1:56: S: "Db State" needs the name of a state after "@"',
    );
  });
});

describe('the General Time clock (epicsGeneralTime.c epicsTimeGetCurrent)', () => {
  it('gives the last time again when its provider steps back, counting the step; RSTERRCNT clears the count', () => {
    const times = [
      { secondsPastEpoch: 10, nanoseconds: 5 },
      { secondsPastEpoch: 10, nanoseconds: 4 },
      { secondsPastEpoch: 11, nanoseconds: 0 },
    ];
    const clock = new GeneralTimeClock(() => times.shift()!);
    const database = new Database();
    database.registerDevice({ ...generalTime(clock), name: 'Clock under test' });
    database.loadText(`
      record(ai, "T") { field(DTYP, "Clock under test") field(INP, "@TIME") field(PREC, "9") }
      record(longin, "E") { field(DTYP, "Clock under test") field(INP, "@GETERRCNT") }
      record(bo, "R") { field(DTYP, "Clock under test") field(OUT, "@RSTERRCNT") }`);
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) {
      put(pvOf(database, 'T.PROC'), 1);
      seen.push(database.record('T', 'number').get());
    }
    expect(seen).toEqual([10.000000005, 10.000000005, 11]);
    put(pvOf(database, 'E.PROC'), 1);
    expect(valueOf(pvOf(database, 'E'))).toBe(1);
    put(pvOf(database, 'R'), 1);
    put(pvOf(database, 'E.PROC'), 1);
    expect(valueOf(pvOf(database, 'E'))).toBe(0);
  });
});
