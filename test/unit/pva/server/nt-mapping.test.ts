import { Database } from '../../../../src/database';
import { AlarmSeverity, AlarmStatus, FieldType, type ProcessVariable } from '../../../../src/database/pv';
import { SimplePv } from '../../../../src/database/simple-pv';
import { BitSet, DISPLAY_FORMS, NT_ENUM, ntScalar, ntScalarArray, PVStructure, type ScalarType } from '../../../../src/pva/protocol';
import { ntMappingOf } from '../../../../src/pva/server/nt-mapping';

// What a record field looks like over pvAccess, as QSRV (pvxs ioc/iocsource.cpp) serves it, and
// what a PUT's fields become in the PV's native type.

const RECORDS = `
record(ao, "NT:AO") {
    field(DESC, "Heap used") field(VAL, "2.5") field(EGU, "MiB") field(PREC, "2")
    field(HOPR, "10") field(LOPR, "1") field(DRVH, "9") field(DRVL, "2")
    field(HIHI, "8") field(HIGH, "7") field(LOW, "3") field(LOLO, "2")
    field(HHSV, "MAJOR") field(HSV, "MINOR") field(LSV, "MINOR") field(LLSV, "MAJOR")
}
record(bo, "NT:BO") { field(DESC, "Tracing") field(ZNAM, "Disable") field(ONAM, "Enable") }
record(waveform, "NT:WF") { field(FTVL, "DOUBLE") field(NELM, "4") }
record(waveform, "NT:TEXT") { field(DESC, "Top") field(FTVL, "CHAR") field(NELM, "16") info(Q:form, "String") }
record(waveform, "NT:BYTES") { field(FTVL, "CHAR") field(NELM, "16") }
record(waveform, "NT:UBYTES") { field(FTVL, "UCHAR") field(NELM, "16") }
`;
const CLIENT = { user: 'test', host: 'localhost', address: '127.0.0.1' };

type Plain = Record<string, unknown>;

function read(pv: ProcessVariable): Plain {
  const mapping = ntMappingOf(pv);
  const value = new PVStructure(mapping.type);
  mapping.fill(value);
  return value.toPlain();
}

/** A PUT that sets the given fields, each marked in the BitSet as a client marks them. */
function put(pv: ProcessVariable, fields: Record<string, unknown>) {
  const mapping = ntMappingOf(pv);
  const into = new PVStructure(mapping.type);
  const bits = new BitSet();
  for (const [name, value] of Object.entries(fields)) {
    into.set(name, value);
    bits.set(into.bitOf(name));
  }
  return mapping.putValue(into, bits);
}

describe('ntMappingOf', () => {
  let database: Database;
  const find = (name: string) => database.find(name)!;

  beforeAll(() => {
    database = new Database();
    database.loadText(RECORDS);
    database.start();
  });
  afterAll(() => database.close());

  it.each<[keyof typeof FieldType, ScalarType]>([
    ['STRING', 'string'],
    ['SHORT', 'short'],
    ['FLOAT', 'float'],
    ['CHAR', 'byte'],
    ['LONG', 'int'],
    ['DOUBLE', 'double'],
  ])('serves a %s scalar as NTScalar %s', (name, scalarType) => {
    const pv = new SimplePv({ name: 'S', type: FieldType[name], value: name === 'STRING' ? 'x' : 5 });
    expect(ntMappingOf(pv).type).toBe(ntScalar(scalarType));
    expect(read(pv).value).toBe(name === 'STRING' ? 'x' : 5);
  });

  it('fills display, control and valueAlarm from the record, and display.description from DESC', () => {
    const data = read(find('NT:AO'));
    expect(data.value).toBe(2.5);
    expect(data.display).toEqual({
      limitLow: 1,
      limitHigh: 10,
      description: 'Heap used',
      units: 'MiB',
      precision: 2,
      form: { index: 0, choices: DISPLAY_FORMS },
    });
    expect(data.control).toEqual({ limitLow: 2, limitHigh: 9, minStep: 0 });
    expect(data.valueAlarm).toMatchObject({ lowAlarmLimit: 2, lowWarningLimit: 3, highWarningLimit: 7, highAlarmLimit: 8 });
  });

  it('gives a string PV units and description only, and an empty description to a PV without DESC', () => {
    const pv = new SimplePv({ name: 'S', type: FieldType.STRING, value: 'x', metadata: { units: 'u' } });
    expect(read(pv).display).toEqual({ description: '', units: 'u' });
  });

  it('serves arrays as NTScalarArray with the current elements', () => {
    const wf = find('NT:WF');
    database.record('NT:WF', 'array').set(Float64Array.of(1, 2, 3));
    expect(ntMappingOf(wf).type).toBe(ntScalarArray('double'));
    expect(Array.from(read(wf).value as ArrayLike<number>)).toEqual([1, 2, 3]);
    const shorts = new SimplePv({ name: 'A', type: FieldType.SHORT, maxElements: 3, value: [4, 5] });
    expect(ntMappingOf(shorts).type).toBe(ntScalarArray('short'));
    expect(Array.from(read(shorts).value as ArrayLike<number>)).toEqual([4, 5]);
    // A CHAR waveform not tagged as text stays bytes.
    expect(ntMappingOf(find('NT:BYTES')).type).toBe(ntScalarArray('byte'));
  });

  it('serves DBF_UCHAR elements as ubyte and DBF_CHAR as byte, as QSRV does', () => {
    database.record('NT:UBYTES', 'array').set(Uint8Array.of(0, 200, 255));
    database.record('NT:BYTES', 'array').set(Uint8Array.of(0, 200, 255));
    expect(ntMappingOf(find('NT:UBYTES')).type).toBe(ntScalarArray('ubyte'));
    expect(Array.from(read(find('NT:UBYTES')).value as ArrayLike<number>)).toEqual([0, 200, 255]);
    expect(Array.from(read(find('NT:BYTES')).value as ArrayLike<number>)).toEqual([0, -56, -1]);
    const written = put(find('NT:UBYTES'), { value: Uint8Array.of(128, 250) });
    expect(written.ok && Array.from(written.value as Uint8Array)).toEqual([128, 250]);
  });

  it('serves text held in CHAR arrays as NTScalar string, up to the NUL', () => {
    const text = find('NT:TEXT');
    database.record('NT:TEXT', 'array').set(new Uint8Array(Buffer.from('#1: a.js:2\n\0junk')));
    expect(ntMappingOf(text).type).toBe(ntScalar('string'));
    expect(read(text)).toMatchObject({ value: '#1: a.js:2\n', display: { description: 'Top', units: '' } });
    // REC.FIELD$: a string field as a long string.
    expect(ntMappingOf(find('NT:AO.DESC$')).type).toBe(ntScalar('string'));
    expect(read(find('NT:AO.DESC$')).value).toBe('Heap used');
  });

  it('serves ENUM as NTEnum with the choices and description', () => {
    const bo = find('NT:BO');
    expect(ntMappingOf(bo).type).toBe(NT_ENUM);
    expect(read(bo)).toMatchObject({ value: { index: 0, choices: ['Disable', 'Enable'] }, display: { description: 'Tracing' } });
  });

  it('maps STAT to the pvData alarm status as QSRV does, with the status name as message', () => {
    const pv = new SimplePv({ name: 'S', type: FieldType.DOUBLE });
    const device = ['READ', 'WRITE', 'HIHI', 'HIGH', 'LOLO', 'LOW', 'STATE', 'COS', 'HWLIMIT'] as const;
    const expected: [keyof typeof AlarmStatus, number][] = [
      ...device.map((name) => [name, 1] as [typeof name, number]),
      ['COMM', 2],
      ['TIMEOUT', 2],
      ['UDF', 2],
      ['CALC', 3],
      ['SCAN', 3],
      ['LINK', 3],
      ['SOFT', 3],
      ['BAD_SUB', 3],
      ['DISABLE', 4],
      ['SIMM', 4],
      ['READ_ACCESS', 4],
      ['WRITE_ACCESS', 4],
    ];
    expect(expected).toHaveLength(Object.keys(AlarmStatus).length - 1);
    for (const [name, status] of expected) {
      pv.setAlarm(AlarmStatus[name], AlarmSeverity.MAJOR);
      expect([name, read(pv).alarm]).toEqual([name, { severity: AlarmSeverity.MAJOR, status, message: name }]);
    }
    pv.setAlarm(99, AlarmSeverity.INVALID);
    expect(read(pv).alarm).toEqual({ severity: AlarmSeverity.INVALID, status: 6, message: '' });
    pv.setAlarm(AlarmStatus.NO_ALARM, AlarmSeverity.NO_ALARM);
    expect(read(pv).alarm).toEqual({ severity: 0, status: 0, message: '' });
  });

  it('takes alarm.message from the record (AMSG) when it gives one', () => {
    const ao = database.record('NT:AO', 'number');
    ao.set(5, { severity: AlarmSeverity.MAJOR, status: AlarmStatus.READ, message: 'sampling failed' });
    expect(read(find('NT:AO')).alarm).toEqual({ severity: AlarmSeverity.MAJOR, status: 1, message: 'sampling failed' });
    ao.set(5, { severity: AlarmSeverity.MINOR });
    expect(read(find('NT:AO')).alarm).toEqual({ severity: AlarmSeverity.MINOR, status: 3, message: 'SOFT' });
  });

  it('gives the time stamp in POSIX seconds', () => {
    const pv = new SimplePv({ name: 'S', type: FieldType.DOUBLE });
    pv.post(1, { secondsPastEpoch: 1000, nanoseconds: 5 });
    expect(read(pv).timeStamp).toEqual({ secondsPastEpoch: 631153000n, nanoseconds: 5, userTag: 0 });
  });

  describe('PUT', () => {
    it('converts a scalar back to the native type', () => {
      expect(put(new SimplePv({ name: 'S', type: FieldType.DOUBLE }), { value: 6.25 })).toEqual({ ok: true, value: Float64Array.of(6.25) });
      expect(put(new SimplePv({ name: 'S', type: FieldType.LONG }), { value: -7 })).toEqual({ ok: true, value: Int32Array.of(-7) });
      expect(put(new SimplePv({ name: 'S', type: FieldType.CHAR }), { value: 65 })).toEqual({ ok: true, value: Uint8Array.of(65) });
      expect(put(new SimplePv({ name: 'S', type: FieldType.STRING }), { value: 'abc' })).toEqual({ ok: true, value: ['abc'] });
    });

    it('converts an array, keeping no more than the PV holds', () => {
      expect(put(find('NT:WF'), { value: [1, 2, 3, 4, 5] })).toEqual({ ok: true, value: Float64Array.of(1, 2, 3, 4) });
    });

    it('takes a value marked by its own bit or by a structure above it, and sets none otherwise', () => {
      const pv = new SimplePv({ name: 'S', type: FieldType.DOUBLE });
      const mapping = ntMappingOf(pv);
      const into = new PVStructure(mapping.type);
      into.set('value', 3);
      expect(mapping.putValue(into, BitSet.of(0))).toEqual({ ok: true, value: Float64Array.of(3) });
      expect(mapping.putValue(into, BitSet.of(into.bitOf('alarm')))).toEqual({ ok: true, value: undefined });
      expect(put(pv, { 'alarm.severity': 2 })).toEqual({ ok: true, value: undefined });
    });

    it('puts text as NUL-terminated bytes that fit the array', () => {
      expect(put(find('NT:TEXT'), { value: 'hi' })).toEqual({ ok: true, value: Uint8Array.of(104, 105, 0) });
      const long = put(find('NT:TEXT'), { value: 'x'.repeat(40) });
      expect(long).toEqual({ ok: true, value: new Uint8Array([...Buffer.from('x'.repeat(15)), 0]) });
    });

    it('puts an enum by index, and by label as clients do: looked up in value.choices', () => {
      const bo = find('NT:BO');
      expect(put(bo, { 'value.index': 1 })).toEqual({ ok: true, value: Uint16Array.of(1) });
      const index = (read(bo).value as { choices: string[] }).choices.indexOf('Enable');
      expect(put(bo, { 'value.index': index })).toEqual({ ok: true, value: Uint16Array.of(1) });
      // choices are the server's to give; a PUT of them alone sets nothing, as in QSRV.
      expect(put(bo, { 'value.choices': ['On', 'Off'] })).toEqual({ ok: true, value: undefined });
    });

    it('refuses an index no state can have, and the record refuses one it has no state for', () => {
      const bo = find('NT:BO');
      expect(put(bo, { 'value.index': -1 })).toEqual({ ok: false, message: 'NT:BO: no state -1' });
      expect(put(bo, { 'value.index': 0x10000 })).toEqual({ ok: false, message: 'NT:BO: no state 65536' });
      const outcome = put(bo, { 'value.index': 5 });
      expect(outcome.ok && outcome.value && bo.write(outcome.value, CLIENT)).toMatchObject({ ok: false, error: 'rejected' });
    });
  });
});
