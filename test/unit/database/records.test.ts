import { AlarmSeverity, AlarmStatus, EventMask } from '../../../src/database/pv';
import { CLIENT, databaseOf, monitor, put, pvOf, valueOf } from './helpers';

const VALUE_LOG = EventMask.VALUE | EventMask.LOG;

describe('analog alarms', () => {
  const database = databaseOf(`
    record(ai, "A:T") {
      field(VAL, 0)
      field(HIHI, 90) field(HHSV, MAJOR)
      field(HIGH, 70) field(HSV, MINOR)
      field(LOW, 10) field(LSV, MINOR)
      field(LOLO, 0) field(LLSV, MAJOR)
      field(HYST, 2)
    }`);
  const pv = pvOf(database, 'A:T');
  const alarmAfter = (value: number) => {
    put(pv, value);
    return [pv.alarm().status, pv.alarm().severity];
  };

  it('raises the most severe limit passed', () => {
    expect(alarmAfter(50)).toEqual([AlarmStatus.NO_ALARM, AlarmSeverity.NO_ALARM]);
    expect(alarmAfter(75)).toEqual([AlarmStatus.HIGH, AlarmSeverity.MINOR]);
    expect(alarmAfter(95)).toEqual([AlarmStatus.HIHI, AlarmSeverity.MAJOR]);
    expect(alarmAfter(5)).toEqual([AlarmStatus.LOW, AlarmSeverity.MINOR]);
    expect(alarmAfter(-1)).toEqual([AlarmStatus.LOLO, AlarmSeverity.MAJOR]);
  });

  it('keeps an alarm until the value is HYST back inside its limit', () => {
    expect(alarmAfter(91)).toEqual([AlarmStatus.HIHI, AlarmSeverity.MAJOR]);
    expect(alarmAfter(89)).toEqual([AlarmStatus.HIHI, AlarmSeverity.MAJOR]);
    expect(alarmAfter(88)).toEqual([AlarmStatus.HIHI, AlarmSeverity.MAJOR]);
    expect(alarmAfter(87.9)).toEqual([AlarmStatus.HIGH, AlarmSeverity.MINOR]);
    expect(alarmAfter(68.5)).toEqual([AlarmStatus.HIGH, AlarmSeverity.MINOR]);
    expect(alarmAfter(67)).toEqual([AlarmStatus.NO_ALARM, AlarmSeverity.NO_ALARM]);
  });

  it('ignores a limit whose severity is NO_ALARM', () => {
    put(pvOf(database, 'A:T.HHSV'), 0);
    expect(alarmAfter(100)).toEqual([AlarmStatus.HIGH, AlarmSeverity.MINOR]);
  });

  it('posts EventMask.ALARM on VAL, and the new STAT/SEVR on their own channels', () => {
    put(pv, 50);
    const value = monitor(pv);
    const stat = monitor(pvOf(database, 'A:T.STAT'));
    const sevr = monitor(pvOf(database, 'A:T.SEVR'));
    put(pv, 75);
    expect(value).toEqual([VALUE_LOG | EventMask.ALARM]);
    expect(stat).toEqual([EventMask.VALUE | EventMask.ALARM]);
    expect(sevr).toEqual([EventMask.VALUE]);
  });

  it('raises UDF until the record has a value', () => {
    const undefinedAi = databaseOf('record(ai, "U") {}');
    const pv = pvOf(undefinedAi, 'U');
    expect(pv.alarm()).toMatchObject({ status: AlarmStatus.UDF, severity: AlarmSeverity.INVALID });
    put(pv, 1);
    expect(pv.alarm()).toMatchObject({ status: AlarmStatus.NO_ALARM, severity: AlarmSeverity.NO_ALARM });
  });

  it('clears UDF when an ai without INP processes (aiRecord.c process: status 2 from devAiSoft, then udf = isnan(val))', () => {
    const pv = pvOf(databaseOf('record(ai, "U") { field(PINI, YES) }', { start: true }), 'U');
    expect(pv.alarm()).toMatchObject({ status: AlarmStatus.NO_ALARM, severity: AlarmSeverity.NO_ALARM });
  });

  it('applies the same limits to integer records', () => {
    const longin = pvOf(databaseOf('record(longin, "L") { field(HIGH, 10) field(HSV, MINOR) field(HYST, 3) }'), 'L');
    put(longin, 10);
    expect(longin.alarm().status).toBe(AlarmStatus.HIGH);
    put(longin, 8);
    expect(longin.alarm().status).toBe(AlarmStatus.HIGH);
    put(longin, 6);
    expect(longin.alarm().status).toBe(AlarmStatus.NO_ALARM);
  });
});

describe('deadbands', () => {
  it('posts EventMask.VALUE past MDEL and EventMask.LOG past ADEL, each measured from the last value it posted', () => {
    const pv = pvOf(databaseOf('record(ai, "D") { field(VAL, 0) field(MDEL, 1) field(ADEL, 5) }'), 'D');
    const masks = monitor(pv);
    for (const value of [0.5, 1.5, 3, 5.5, 6, 7]) put(pv, value);
    // 0.5: only the alarm (STAT leaves UDF); 6: within both deadbands, nothing is posted.
    expect(masks).toEqual([EventMask.ALARM, EventMask.VALUE, EventMask.VALUE, VALUE_LOG, EventMask.VALUE]);
  });

  it('posts every change with zero deadbands, and every pass with negative ones', () => {
    const database = databaseOf('record(longin, "Z") { field(VAL, 1) } record(longin, "N") { field(VAL, 1) field(MDEL, -1) field(ADEL, -1) }');
    const zero = pvOf(database, 'Z');
    const negative = pvOf(database, 'N');
    put(zero, 1);
    put(negative, 1);
    const zeroMasks = monitor(zero);
    const negativeMasks = monitor(negative);
    put(zero, 1);
    put(zero, 2);
    put(negative, 1);
    expect(zeroMasks).toEqual([VALUE_LOG]);
    expect(negativeMasks).toEqual([VALUE_LOG]);
  });

  it('treats a change to or from NaN as beyond any deadband', () => {
    const pv = pvOf(databaseOf('record(ai, "N") { field(VAL, 0) field(MDEL, 100) field(ADEL, 100) }'), 'N');
    put(pv, 1);
    const masks = monitor(pv);
    put(pv, NaN);
    put(pv, NaN);
    put(pv, 2);
    expect(masks.map((mask) => mask & VALUE_LOG)).toEqual([VALUE_LOG, VALUE_LOG]);
  });
});

describe('output records', () => {
  const database = databaseOf(`
    record(ao, "O:AO") { field(DRVH, 10) field(DRVL, -10) }
    record(ao, "O:FREE") { field(DRVH, 0) field(DRVL, 0) }
    record(longout, "O:LO") { field(DRVH, 100) field(DRVL, 1) }
    record(int64out, "O:I64") { field(DRVH, 1000) }
    record(ao, "O:PERIODIC") { field(SCAN, "1 second") field(DRVH, 1) field(DRVL, 0) }
  `);

  it('clips writes to DRVH/DRVL', () => {
    const ao = pvOf(database, 'O:AO');
    put(ao, 25);
    expect(valueOf(ao)).toBe(10);
    put(ao, -25);
    expect(valueOf(ao)).toBe(-10);
    expect(valueOf(pvOf(database, 'O:AO.OVAL'))).toBe(-10);
    put(pvOf(database, 'O:LO'), -5);
    expect(valueOf(pvOf(database, 'O:LO'))).toBe(1);
    put(pvOf(database, 'O:I64'), 5000);
    expect(valueOf(pvOf(database, 'O:I64'))).toBe(1000);
  });

  it('does not clip when DRVH is not above DRVL', () => {
    put(pvOf(database, 'O:FREE'), 1e6);
    expect(valueOf(pvOf(database, 'O:FREE'))).toBe(1e6);
  });

  it('posts the clipped value once', () => {
    const ao = pvOf(database, 'O:AO');
    put(ao, 0);
    const masks = monitor(ao);
    const values: number[] = [];
    ao.subscribe(() => values.push(Number(valueOf(ao))));
    put(ao, 50);
    expect(masks).toEqual([VALUE_LOG]);
    expect(values).toEqual([10]);
  });

  it('leaves a non-passive record unprocessed by a write, until it is processed', () => {
    const pv = pvOf(database, 'O:PERIODIC');
    const masks = monitor(pv);
    put(pv, 5);
    expect([valueOf(pv), masks]).toEqual([5, []]);
    put(pvOf(database, 'O:PERIODIC.PROC'), 1);
    expect([valueOf(pv), masks.length]).toEqual([1, 1]);
  });

  it('clears UDF of an ao written with a number', () => {
    const ao = pvOf(databaseOf('record(ao, "U")'), 'U');
    expect(ao.alarm().status).toBe(AlarmStatus.UDF);
    put(ao, 0);
    expect(ao.alarm()).toMatchObject({ status: AlarmStatus.NO_ALARM, severity: AlarmSeverity.NO_ALARM });
  });
});

describe('writes to fields', () => {
  const database = databaseOf('record(ai, "F") { field(VAL, 1) field(EGU, "V") } record(ai, "G")');

  it('posts EventMask.PROPERTY to every channel of the record when a metadata field changes', () => {
    const value = monitor(pvOf(database, 'F'));
    const desc = monitor(pvOf(database, 'F.DESC'));
    const egu = monitor(pvOf(database, 'F.EGU'));
    put(pvOf(database, 'F.EGU'), 'mV');
    put(pvOf(database, 'F.HOPR'), 5);
    expect(value).toEqual([EventMask.PROPERTY, EventMask.PROPERTY]);
    expect(desc).toEqual([EventMask.PROPERTY, EventMask.PROPERTY]);
    expect(egu).toEqual([VALUE_LOG, EventMask.PROPERTY, EventMask.PROPERTY]);
    expect(pvOf(database, 'F').metadata()).toMatchObject({ units: 'mV', upperDisplayLimit: 5 });
  });

  it('posts other fields only on their own channel', () => {
    const value = monitor(pvOf(database, 'F'));
    const desc = monitor(pvOf(database, 'F.DESC'));
    put(pvOf(database, 'F.DESC'), 'changed');
    expect(value).toEqual([]);
    expect(desc).toEqual([VALUE_LOG]);
  });

  it('does not touch other records', () => {
    const other = monitor(pvOf(database, 'G'));
    put(pvOf(database, 'F.EGU'), 'A');
    expect(other).toEqual([]);
  });

  it('refuses a menu index out of range and a device support that does not exist', () => {
    expect(put(pvOf(database, 'F.SCAN'), 10)).toMatchObject({ ok: false, error: 'rejected' });
    expect(put(pvOf(database, 'F.DTYP'), 3)).toMatchObject({ ok: false, error: 'rejected' });
    expect(valueOf(pvOf(database, 'F.SCAN'))).toBe(0);
  });

  it('refuses writes while DISP is set', () => {
    put(pvOf(database, 'F.DISP'), 1);
    expect(put(pvOf(database, 'F'), 3)).toMatchObject({ ok: false, error: 'rejected', message: 'F has puts disabled (DISP)' });
    put(pvOf(database, 'F.DISP'), 0);
    expect(put(pvOf(database, 'F'), 3)).toEqual({ ok: true });
  });
});

describe('disabled records', () => {
  it('raise the DISABLE alarm with DISS instead of processing while DISA equals DISV', () => {
    const database = databaseOf('record(ai, "S") { field(VAL, 1) field(DISS, MINOR) }');
    put(pvOf(database, 'S.DISA'), 1);
    put(pvOf(database, 'S'), 2);
    expect(pvOf(database, 'S').alarm()).toMatchObject({ status: AlarmStatus.DISABLE, severity: AlarmSeverity.MINOR });
    put(pvOf(database, 'S.DISA'), 0);
    put(pvOf(database, 'S'), 3);
    expect(pvOf(database, 'S').alarm()).toMatchObject({ status: AlarmStatus.NO_ALARM });
  });
});

describe('binary and multi-bit records', () => {
  const database = databaseOf(`
    record(mbbo, "M") {
      field(ZRST, "Off") field(ONST, "Low") field(TWST, "High") field(TWSV, MAJOR) field(COSV, MINOR)
      field(ZRVL, 0) field(ONVL, 5) field(TWVL, 9)
    }
    record(bo, "B") { field(ZNAM, "Closed") field(ONAM, "Open") field(OSV, MINOR) field(MASK, 4) }
    record(bi, "BI") { field(ZNAM, "No") }
    record(mbbi, "MI")
  `);

  it('serves the state labels and refuses an index beyond them', () => {
    const mbbo = pvOf(database, 'M');
    expect(mbbo.metadata().enumStrings).toEqual(['Off', 'Low', 'High']);
    expect(put(mbbo, 3)).toMatchObject({ ok: false, error: 'rejected' });
    expect(put(pvOf(database, 'B'), 2)).toMatchObject({ ok: false, error: 'rejected' });
    expect(pvOf(database, 'BI').metadata().enumStrings).toEqual(['No']);
  });

  it('accepts any value when no states are defined', () => {
    expect(put(pvOf(database, 'MI'), 40)).toEqual({ ok: true });
    expect(valueOf(pvOf(database, 'MI'))).toBe(40);
  });

  it('raises the state severity, and COS on a change of state', () => {
    const mbbo = pvOf(database, 'M');
    put(mbbo, 0);
    put(mbbo, 0);
    expect(mbbo.alarm()).toMatchObject({ status: AlarmStatus.NO_ALARM });
    put(mbbo, 1);
    expect(mbbo.alarm()).toMatchObject({ status: AlarmStatus.COS, severity: AlarmSeverity.MINOR });
    put(mbbo, 2);
    expect(mbbo.alarm()).toMatchObject({ status: AlarmStatus.STATE, severity: AlarmSeverity.MAJOR });
    const bo = pvOf(database, 'B');
    put(bo, 1);
    expect(bo.alarm()).toMatchObject({ status: AlarmStatus.STATE, severity: AlarmSeverity.MINOR });
  });

  it('computes RVAL from the state values and MASK', () => {
    put(pvOf(database, 'M'), 2);
    expect(valueOf(pvOf(database, 'M.RVAL'))).toBe(9);
    put(pvOf(database, 'B'), 1);
    expect(valueOf(pvOf(database, 'B.RVAL'))).toBe(4);
  });

  it('posts VAL only when it changes', () => {
    const bo = pvOf(database, 'B');
    put(bo, 0);
    const masks = monitor(bo);
    put(bo, 0);
    put(bo, 1);
    expect(masks.map((mask) => mask & VALUE_LOG)).toEqual([VALUE_LOG]);
  });

  it('posts EventMask.PROPERTY on VAL when a state label changes', () => {
    const value = monitor(pvOf(database, 'M'));
    put(pvOf(database, 'M.FRST'), 'Extra');
    expect(value).toEqual([EventMask.PROPERTY]);
    expect(pvOf(database, 'M').metadata().enumStrings).toEqual(['Off', 'Low', 'High', '', 'Extra']);
  });

  it('posts EventMask.PROPERTY to all channels when ZNAM/ONAM change', () => {
    const desc = monitor(pvOf(database, 'B.DESC'));
    put(pvOf(database, 'B.ONAM'), 'Wide open');
    expect(desc).toEqual([EventMask.PROPERTY]);
  });
});

describe('text records', () => {
  it('post stringin VAL when it changes, or on every write with MPST Always', () => {
    const database = databaseOf('record(stringin, "S") { field(VAL, "a") } record(stringout, "A") { field(MPST, "Always") }');
    const onChange = monitor(pvOf(database, 'S'));
    const always = monitor(pvOf(database, 'A'));
    for (const text of ['a', 'b', 'b']) {
      put(pvOf(database, 'S'), text);
      put(pvOf(database, 'A'), text);
    }
    // The first write changes only the alarm (STAT leaves UDF); the last changes nothing.
    expect(onChange.map((mask) => mask & VALUE_LOG)).toEqual([0, VALUE_LOG]);
    expect(always.map((mask) => mask & EventMask.VALUE)).toEqual([EventMask.VALUE, EventMask.VALUE, EventMask.VALUE]);
  });

  it('raises UDF on a stringout never written', () => {
    const database = databaseOf('record(stringout, "U") { field(PINI, YES) }', { start: true });
    expect(pvOf(database, 'U').alarm()).toMatchObject({ status: AlarmStatus.UDF, severity: AlarmSeverity.INVALID });
  });

  it('keeps lsi SIZV within 16 and 32767', () => {
    const database = databaseOf('record(lsi, "S") { field(SIZV, 2) } record(lso, "L") { field(SIZV, 60000) }');
    expect(pvOf(database, 'S.VAL$').maxElements).toBe(16);
    expect(pvOf(database, 'L.VAL$').maxElements).toBe(32767);
  });
});

describe('waveform', () => {
  const database = databaseOf(`
    record(waveform, "W:C") { field(FTVL, CHAR) field(NELM, 20000) }
    record(waveform, "W:U") { field(FTVL, USHORT) field(NELM, 4) field(INP, [1, 70000, -1]) }
    record(waveform, "W:S") { field(FTVL, STRING) field(NELM, 2) field(INP, {const: ["a", "b"]}) }
    record(waveform, "W:T") { field(FTVL, CHAR) field(NELM, 16) field(INP, {const: "hello"}) }
    record(waveform, "W:D") { field(FTVL, DOUBLE) field(NELM, 3) field(MPST, "On Change") }
  `);

  it('takes its initial elements from a constant INP, narrowed to FTVL', () => {
    expect(pvOf(database, 'W:U').value()).toEqual(Int32Array.of(1, 4464, 65535));
    expect(valueOf(pvOf(database, 'W:U.NORD'))).toBe(3);
    expect(pvOf(database, 'W:S').value()).toEqual(['a', 'b']);
    expect(Buffer.from(pvOf(database, 'W:T').value() as Uint8Array).toString()).toBe('hello\0');
  });

  it('stores a 20000-element CHAR array as written, setting NORD', () => {
    const pv = pvOf(database, 'W:C');
    const nord = monitor(pvOf(database, 'W:C.NORD'));
    const text = 'x'.repeat(19999);
    expect(pv.write(Uint8Array.from(Buffer.from(`${text}\0`)), CLIENT)).toEqual({ ok: true });
    expect(pv.value()).toHaveLength(20000);
    expect(Buffer.from(pv.value() as Uint8Array).toString()).toBe(`${text}\0`);
    expect(nord).toEqual([VALUE_LOG]);
  });

  it('posts every write by default (MPST Always), only changes with On Change', () => {
    const always = monitor(pvOf(database, 'W:U'));
    const onChange = monitor(pvOf(database, 'W:D'));
    for (let i = 0; i < 2; i++) {
      put(pvOf(database, 'W:U'), Int32Array.of(1, 2));
      put(pvOf(database, 'W:D'), Float64Array.of(1, 2));
    }
    expect(always.map((mask) => mask & VALUE_LOG)).toEqual([VALUE_LOG, VALUE_LOG]);
    expect(onChange.map((mask) => mask & EventMask.VALUE)).toEqual([EventMask.VALUE, 0]);
  });
});

describe('alarm acknowledgement', () => {
  it('follows ACKT and ACKS as dbPut does', () => {
    const database = databaseOf('record(ai, "K") { field(VAL, 0) field(HIGH, 1) field(HSV, MINOR) }');
    const pv = pvOf(database, 'K');
    put(pv, 5);
    put(pv, 0);
    expect(pv.alarm()).toMatchObject({ severity: AlarmSeverity.NO_ALARM, acknowledgeSeverity: AlarmSeverity.MINOR });
    expect(pv.acknowledgeAlarm('severity', AlarmSeverity.MINOR, CLIENT)).toEqual({ ok: true });
    expect(pv.alarm().acknowledgeSeverity).toBe(AlarmSeverity.NO_ALARM);
    pv.acknowledgeAlarm('transient', 0, CLIENT);
    put(pv, 5);
    put(pv, 0);
    expect(pv.alarm()).toMatchObject({ acknowledgeTransient: false, acknowledgeSeverity: AlarmSeverity.NO_ALARM });
  });
});

describe('processing', () => {
  afterEach(() => jest.useRealTimers());

  it('processes PINI records at start, stamping them with the current time', () => {
    const database = databaseOf('record(ai, "P") { field(VAL, 1) field(PINI, YES) } record(ai, "Q") { field(VAL, 1) }');
    expect(pvOf(database, 'P').timeStamp().secondsPastEpoch).toBe(0);
    database.start();
    expect(pvOf(database, 'P').timeStamp().secondsPastEpoch).toBeGreaterThan(1e9);
    expect(pvOf(database, 'P').alarm().status).toBe(AlarmStatus.NO_ALARM);
    expect(pvOf(database, 'Q').timeStamp().secondsPastEpoch).toBe(0);
    database.close();
  });

  it('processes periodic records at their period while started, following SCAN changes', () => {
    jest.useFakeTimers();
    const database = databaseOf('record(ai, "R") { field(VAL, 1) field(SCAN, ".1 second") }');
    database.start();
    const pv = pvOf(database, 'R');
    const stat = monitor(pvOf(database, 'R.STAT'));
    jest.advanceTimersByTime(150);
    expect(stat).toEqual([EventMask.VALUE]);
    put(pvOf(database, 'R.SCAN'), 0);
    const stamp = pv.timeStamp();
    jest.advanceTimersByTime(500);
    expect(pv.timeStamp()).toBe(stamp);
    put(pvOf(database, 'R.SCAN'), 9);
    jest.advanceTimersByTime(150);
    expect(pv.timeStamp()).not.toBe(stamp);
    database.close();
  });
});

describe('alarm message', () => {
  it('clears AMSG when the alarm that carried it clears', () => {
    const database = databaseOf('record(ai, "M:AI") { field(HIGH, "5") field(HSV, "MINOR") }');
    const handle = database.record('M:AI', 'number');
    handle.set(1, { severity: AlarmSeverity.MAJOR, status: AlarmStatus.SOFT, message: 'link down' });
    expect(handle.alarm()).toMatchObject({ severity: 2, message: 'link down' });
    handle.set(1);
    expect(handle.alarm()).toMatchObject({ severity: 0, message: '' });
  });
});
