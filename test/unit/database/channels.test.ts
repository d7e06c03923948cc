import { FieldType } from '../../../src/database/pv';
import { CLIENT, databaseOf, put, pvOf } from './helpers';

const database = databaseOf(`
  record(ai, "C:AI") { field(DESC, "an ai") field(EGU, "V") field(PREC, 3) field(HOPR, 10) field(LOPR, -10)
                       field(HIHI, 8) field(HHSV, MAJOR) field(LOW, -5) field(LSV, MINOR) field(INP, "C:OTHER CP") alias("C:ALIAS") }
  record(ao, "C:AO") { field(DRVH, 5) field(DRVL, -5) field(HOPR, 10) field(LOPR, -10) }
  record(longout, "C:LO") { field(HOPR, 100) field(LOPR, 0) }
  record(longin, "C:LI") { field(EGU, "count") }
  record(int64in, "C:I64") { field(VAL, 9007199254740991) }
  record(bi, "C:BI") { field(ZNAM, "Off") field(ONAM, "On") }
  record(mbbo, "C:MBBO") { field(ZRST, "zero") field(ONST, "one") }
  record(mbbo, "C:PLAIN")
  record(stringin, "C:SI") { field(VAL, "hello") }
  record(lsi, "C:LSI") { field(SIZV, 100) }
  record(waveform, "C:WF") { field(FTVL, "SHORT") field(NELM, 8) }
  record(waveform, "C:WFU") { field(FTVL, "USHORT") field(NELM, 4) }
  record(waveform, "C:WFS") { field(FTVL, "STRING") field(NELM, 3) }
  record(waveform, "C:WFC") { field(FTVL, "CHAR") field(NELM, 20000) }
`);

describe('names', () => {
  it('serves REC as REC.VAL, and REC. too', () => {
    for (const name of ['C:AI', 'C:AI.VAL', 'C:AI.']) expect(pvOf(database, name).type).toBe(FieldType.DOUBLE);
  });

  it('serves fields through aliases, keeping the name asked for', () => {
    const pv = pvOf(database, 'C:ALIAS.DESC');
    expect(pv.name).toBe('C:ALIAS.DESC');
    expect(pv.value()).toEqual(['an ai']);
  });

  it('answers undefined for what the IOC does not serve', () => {
    for (const name of ['C:NONE', 'C:AI.NOPE', 'C:AI.TIME', 'C:AI.val', 'C:AI$', 'C:AI.SCAN$', 'C:AI.VAL$', 'C:AI.VAL[0:1]', 'C:WF.VAL$', 'C:AI.DESC$x']) {
      expect(database.find(name)).toBeUndefined();
    }
  });

  it('tells name searches what find serves, without making a PV', () => {
    const served = ['C:AI', 'C:AI.', 'C:ALIAS.DESC', 'C:AI.RTYP', 'C:SI.VAL$', 'C:AI.INP$'];
    const notServed = ['C:NONE', 'C:AI.NOPE', 'C:AI.TIME', 'C:AI$', 'C:AI.VAL$', 'C:WF.VAL$', 'C:AI.DESC$x'];
    for (const name of [...served, ...notServed]) expect([name, database.serves(name)]).toEqual([name, database.find(name) !== undefined]);
    expect(served.filter((name) => database.serves(name))).toEqual(served);
  });

  it('answers RTYP and VERS as record attributes', () => {
    const rtyp = pvOf(database, 'C:AI.RTYP');
    expect([rtyp.type, rtyp.value(), rtyp.accessRights(CLIENT).write]).toEqual([FieldType.STRING, ['ai'], false]);
    expect(pvOf(database, 'C:WF.VERS').value()).toEqual(['none specified']);
  });

  it('gives every field the record type as its class name', () => {
    expect(pvOf(database, 'C:MBBO.ZRST').className).toBe('mbbo');
    expect(pvOf(database, 'C:WF.NORD').className).toBe('waveform');
  });
});

describe('field types as rsrv serves them', () => {
  const cases: [string, FieldType, number][] = [
    ['C:AI', FieldType.DOUBLE, 1],
    ['C:AI.DESC', FieldType.STRING, 1],
    ['C:AI.PREC', FieldType.SHORT, 1],
    ['C:AI.SCAN', FieldType.ENUM, 1],
    ['C:AI.DTYP', FieldType.ENUM, 1],
    ['C:AI.UDF', FieldType.CHAR, 1],
    ['C:AI.INP', FieldType.STRING, 1],
    ['C:AI.FLNK', FieldType.STRING, 1],
    ['C:AI.ROFF', FieldType.DOUBLE, 1],
    ['C:AI.UTAG', FieldType.DOUBLE, 1],
    ['C:LI', FieldType.LONG, 1],
    ['C:I64', FieldType.DOUBLE, 1],
    ['C:BI', FieldType.ENUM, 1],
    ['C:BI.LALM', FieldType.LONG, 1],
    ['C:MBBO', FieldType.ENUM, 1],
    ['C:PLAIN', FieldType.LONG, 1],
    ['C:SI', FieldType.STRING, 1],
    ['C:LSI', FieldType.STRING, 1],
    ['C:LSI.SIZV', FieldType.LONG, 1],
    ['C:WF', FieldType.SHORT, 8],
    ['C:WFU', FieldType.LONG, 4],
    ['C:WFS', FieldType.STRING, 3],
    ['C:WFC', FieldType.CHAR, 20000],
    ['C:WF.NELM', FieldType.DOUBLE, 1],
    ['C:WF.FTVL', FieldType.ENUM, 1],
  ];
  it.each(cases)('%s is type %i with %i elements', (name, type, elements) => {
    const pv = pvOf(database, name);
    expect([pv.type, pv.maxElements]).toEqual([type, elements]);
  });

  it('reads a numeric scalar as one number, the element value() gives; text and arrays have none', () => {
    // Values that the served type changes: ULONG past LONG's range, a negative SHORT, a MENU index.
    const values = databaseOf(`
      record(longout, "V:LO") { field(VAL, -7) }
      record(mbbiDirect, "V:MD") { field(VAL, 65535) }
      record(ao, "V:AO") { field(VAL, 2.5) field(PREC, -2) field(SCAN, "1 second") }
      record(bi, "V:BI") { field(VAL, 1) }
    `);
    for (const name of ['V:LO', 'V:AO.PREC', 'V:MD', 'V:AO', 'V:AO.SCAN', 'V:AO.UDF', 'V:BI', 'V:BI.LALM']) {
      const pv = pvOf(values, name);
      expect({ name, scalar: pv.scalar?.() }).toEqual({ name, scalar: pv.value()[0] });
    }
    for (const name of ['C:AI.DESC', 'C:AI.INP', 'C:SI', 'C:SI.VAL$', 'C:WF', 'C:WFC'])
      expect({ name, scalar: pvOf(database, name).scalar?.() }).toEqual({ name });
  });

  it('keeps int64 values exact up to 2^53', () => {
    expect(pvOf(database, 'C:I64').value()[0]).toBe(9007199254740991);
  });

  it('gives an empty waveform no elements, and a one-element waveform one', () => {
    expect(pvOf(database, 'C:WF').value()).toHaveLength(0);
    const single = databaseOf('record(waveform, "W1") { field(FTVL, DOUBLE) }');
    expect(pvOf(single, 'W1').value()).toEqual(Float64Array.of(0));
  });
});

describe('long strings ($)', () => {
  it('serves a string field as a NUL-padded CHAR array of its size', () => {
    const pv = pvOf(database, 'C:AI.DESC$');
    expect([pv.type, pv.maxElements]).toEqual([FieldType.CHAR, 41]);
    const value = pv.value() as Uint8Array;
    expect(value).toHaveLength(41);
    expect(Buffer.from(value.subarray(0, 6)).toString()).toBe('an ai\0');
  });

  it('serves stringin VAL$ and lsi VAL$ (as long as its content)', () => {
    expect(pvOf(database, 'C:SI.VAL$').maxElements).toBe(40);
    const lsi = pvOf(database, 'C:LSI.VAL$');
    expect(lsi.maxElements).toBe(100);
    expect(lsi.value()).toEqual(Uint8Array.of(0));
  });

  it('serves links as CHAR arrays of 1024', () => {
    const pv = pvOf(database, 'C:AI.INP$');
    expect(pv.maxElements).toBe(1024);
    expect(Buffer.from(pv.value() as Uint8Array).toString()).toBe('C:OTHER CP\0');
  });

  it('writes text longer than 40 characters through $', () => {
    const text = 'a description that is longer than forty characters';
    const lsi = pvOf(database, 'C:LSI.VAL$');
    expect(lsi.write(Uint8Array.from(Buffer.from(`${text}\0`)), CLIENT)).toEqual({ ok: true });
    expect(Buffer.from(lsi.value() as Uint8Array).toString()).toBe(`${text}\0`);
    expect(pvOf(database, 'C:LSI.LEN').value()[0]).toBe(text.length + 1);
    expect(pvOf(database, 'C:LSI').value()).toEqual([text.slice(0, 39)]);
  });

  it('cuts text to the field size', () => {
    const desc = pvOf(database, 'C:LI.DESC$');
    put(desc, Uint8Array.from(Buffer.from('x'.repeat(60))));
    expect(pvOf(database, 'C:LI.DESC').value()).toEqual(['x'.repeat(39)]);
    expect((desc.value() as Uint8Array).indexOf(0)).toBe(40);
  });
});

describe('access rights', () => {
  it.each(['C:AI.NAME', 'C:AI.RTYP', 'C:WF.NORD', 'C:WF.NELM', 'C:AI.STAT', 'C:AI.SEVR', 'C:AI.ACKS', 'C:LSI.LEN'])('%s is read-only', (name) => {
    const pv = pvOf(database, name);
    expect(pv.accessRights(CLIENT)).toEqual({ read: true, write: false });
    const before = pv.value();
    expect(pv.write(before, CLIENT)).toMatchObject({ ok: false, error: 'readOnly' });
  });

  it('lets clients write ordinary fields', () => {
    expect(pvOf(database, 'C:AI.DESC').accessRights(CLIENT)).toEqual({ read: true, write: true });
  });
});

describe('metadata from the fields', () => {
  it('gives an ai VAL its units, precision, display, control and (gated) alarm limits', () => {
    expect(pvOf(database, 'C:AI').metadata()).toEqual({
      units: 'V',
      precision: 3,
      upperDisplayLimit: 10,
      lowerDisplayLimit: -10,
      upperControlLimit: 10,
      lowerControlLimit: -10,
      upperAlarmLimit: 8,
      upperWarningLimit: NaN,
      lowerWarningLimit: -5,
      lowerAlarmLimit: NaN,
      enumStrings: [],
    });
  });

  it('gives limit fields the value range and other fields their type range', () => {
    expect(pvOf(database, 'C:AI.HIHI').metadata()).toMatchObject({ units: 'V', precision: 3, upperDisplayLimit: 10, upperAlarmLimit: NaN });
    expect(pvOf(database, 'C:AI.PREC').metadata()).toMatchObject({ units: '', upperDisplayLimit: 32767, lowerDisplayLimit: -32768 });
    expect(pvOf(database, 'C:AI.ASLO').metadata()).toMatchObject({ units: '', upperDisplayLimit: 1e300 });
  });

  it('gives output records their drive limits as control limits', () => {
    expect(pvOf(database, 'C:AO').metadata()).toMatchObject({ upperControlLimit: 5, lowerControlLimit: -5, upperDisplayLimit: 10 });
    expect(pvOf(database, 'C:LO').metadata()).toMatchObject({ upperControlLimit: 100, lowerControlLimit: 0 });
  });

  it('gives integer records units but no precision', () => {
    expect(pvOf(database, 'C:LI').metadata()).toMatchObject({ units: 'count', precision: 0 });
  });

  it('gives enum labels: record states, menu choices', () => {
    expect(pvOf(database, 'C:BI').metadata().enumStrings).toEqual(['Off', 'On']);
    expect(pvOf(database, 'C:MBBO').metadata().enumStrings).toEqual(['zero', 'one']);
    expect(pvOf(database, 'C:AI.HHSV').metadata().enumStrings).toEqual(['NO_ALARM', 'MINOR', 'MAJOR', 'INVALID']);
  });

  it('gives string fields no metadata', () => {
    expect(pvOf(database, 'C:AI.DESC').metadata()).toMatchObject({ units: '', precision: 0, upperDisplayLimit: 0, upperAlarmLimit: NaN });
  });
});
