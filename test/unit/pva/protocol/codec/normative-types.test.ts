import { BitSet } from '../../../../../src/pva/protocol/codec/bit-set';
import { ByteReader } from '../../../../../src/pva/protocol/codec/byte-reader';
import { ByteWriter } from '../../../../../src/pva/protocol/codec/byte-writer';
import { fillNormativeType, NT_ENUM, ntScalar, ntScalarArray } from '../../../../../src/pva/protocol/codec/normative-types';
import { PVStructure } from '../../../../../src/pva/protocol/codec/pv-structure';
import { encodePartial } from '../../../../../src/pva/protocol/codec/pvdata';
import { decodeType, encodeType, TypeCache, type FieldDesc } from '../../../../../src/pva/protocol/codec/type-descriptor';
import { hex, text } from '../fixtures';

// The Normative Types as pvxs's QSRV serves a record (ioc/singlesource.cpp, src/nt.cpp), written
// out field by field. pva2pva's QSRV differs: timeStamp without id, control "control_t" and
// valueAlarm "valueAlarm_t" with double limits and a byte hysteresis, no valueAlarm for strings.

/** A short name as the wire has it: its one-byte Size, then its bytes. */
const name = (value: string) => `${Buffer.byteLength(value).toString(16).padStart(2, '0')} ${text(value)}`;

const ALARM = `${name('alarm')} 80 ${name('alarm_t')} 03 ${name('severity')} 22 ${name('status')} 22 ${name('message')} 60`;
const TIME_STAMP = `${name('timeStamp')} 80 ${name('time_t')} 03
  ${name('secondsPastEpoch')} 23 ${name('nanoseconds')} 22 ${name('userTag')} 22`;
const ENUM_T = `80 ${name('enum_t')} 02 ${name('index')} 22 ${name('choices')} 68`;
/** display, control, valueAlarm of a numeric value whose type code is `limit`. */
const numericMeta = (limit: string) =>
  [
    `${name('display')} 80 00 06`, // no id, 6 fields
    `  ${name('limitLow')} ${limit} ${name('limitHigh')} ${limit}`,
    `  ${name('description')} 60 ${name('units')} 60 ${name('precision')} 22`,
    `  ${name('form')} ${ENUM_T}`,
    `${name('control')} 80 00 03 ${name('limitLow')} ${limit} ${name('limitHigh')} ${limit} ${name('minStep')} ${limit}`,
    `${name('valueAlarm')} 80 00 0a ${name('active')} 00`,
    `  ${name('lowAlarmLimit')} ${limit} ${name('lowWarningLimit')} ${limit}`,
    `  ${name('highWarningLimit')} ${limit} ${name('highAlarmLimit')} ${limit}`,
    `  ${name('lowAlarmSeverity')} 22 ${name('lowWarningSeverity')} 22`,
    `  ${name('highWarningSeverity')} 22 ${name('highAlarmSeverity')} 22`,
    `  ${name('hysteresis')} 43`, // double whatever the value type
  ].join(' ');

const encode = (type: FieldDesc) => {
  const writer = new ByteWriter(true);
  encodeType(writer, type);
  return writer.take()!.toString('hex');
};

describe('descriptors', () => {
  it.each([
    [
      'NTScalar double (ai, ao, calc)',
      ntScalar('double'),
      `80 ${name('epics:nt/NTScalar:1.0')} 06 ${name('value')} 43 ${ALARM} ${TIME_STAMP} ${numericMeta('43')}`,
    ],
    [
      'NTScalar int (longin): limits of the value type',
      ntScalar('int'),
      `80 ${name('epics:nt/NTScalar:1.0')} 06 ${name('value')} 22 ${ALARM} ${TIME_STAMP} ${numericMeta('22')}`,
    ],
    [
      'NTScalar string (stringin, long text): display without limits, no control or valueAlarm',
      ntScalar('string'),
      `80 ${name('epics:nt/NTScalar:1.0')} 04 ${name('value')} 60 ${ALARM} ${TIME_STAMP}
       ${name('display')} 80 00 02 ${name('description')} 60 ${name('units')} 60`,
    ],
    [
      'NTScalarArray double (waveform)',
      ntScalarArray('double'),
      `80 ${name('epics:nt/NTScalarArray:1.0')} 06 ${name('value')} 4b ${ALARM} ${TIME_STAMP} ${numericMeta('43')}`,
    ],
    [
      'NTEnum (bi, bo, mbbi, mbbo)',
      NT_ENUM,
      `80 ${name('epics:nt/NTEnum:1.0')} 04 ${name('value')} ${ENUM_T} ${ALARM} ${TIME_STAMP}
       ${name('display')} 80 00 01 ${name('description')} 60`,
    ],
  ] as [string, FieldDesc, string][])('%s', (_name, type, bytes) => {
    expect(encode(type)).toBe(hex(bytes).toString('hex'));
    expect(decodeType(new ByteReader(hex(bytes), true), new TypeCache())).toEqual(type);
  });

  it('builds each type once, for the introspection registry', () => {
    expect(ntScalar('double')).toBe(ntScalar('double'));
    expect(ntScalarArray('ubyte')).toBe(ntScalarArray('ubyte'));
  });

  it('numbers NTScalar fields for BitSets', () => {
    const type = ntScalar('double');
    const fields = ['value', 'alarm', 'alarm.severity', 'timeStamp', 'display', 'display.form.choices', 'control', 'valueAlarm'];
    expect([...fields, 'valueAlarm.hysteresis'].map((field) => type.offsets.get(field))).toEqual([1, 2, 3, 6, 10, 18, 19, 23, 33]);
    expect(type.nodes.length).toBe(34);
  });
});

describe('values', () => {
  it('fills an NTEnum and sends it whole, as a GET', () => {
    const pv = new PVStructure(NT_ENUM);
    fillNormativeType(pv, {
      value: { index: 1, choices: ['Off', 'On'] },
      alarm: { severity: 2, status: 1, message: 'HIGH' },
      timeStamp: { secondsPastEpoch: 1700000000, nanoseconds: 5, userTag: 0 },
      display: { description: 'pump' },
    });
    const writer = new ByteWriter(true);
    encodePartial(writer, pv, BitSet.of(0));
    expect(writer.take()!.toString('hex')).toBe(
      hex(
        '01 01', // BitSet {0}
        '01000000', // value.index
        `02 03${text('Off')} 02${text('On')}`, // value.choices
        `02000000 01000000 04${text('HIGH')}`, // alarm
        '00f1536500000000 05000000 00000000', // timeStamp: 1700000000 = 0x6553f100
        `04${text('pump')}`, // display.description
      ).toString('hex'),
    );
  });

  it('marks what a record update changes and sends only that, as a monitor', () => {
    const pv = new PVStructure(ntScalar('double'));
    fillNormativeType(pv, { value: 1, display: { units: 'mA', precision: 3 } });
    const changed = new BitSet();
    const update = { value: 2.5, alarm: { severity: 0, status: 0, message: '' }, timeStamp: { secondsPastEpoch: 1n, nanoseconds: 2 } };
    fillNormativeType(pv, update, changed);
    expect(changed.toArray()).toEqual([1, 7, 8]); // value, secondsPastEpoch, nanoseconds: the alarm was already clear
    const writer = new ByteWriter(false);
    encodePartial(writer, pv, changed);
    expect(writer.take()!.toString('hex')).toBe(hex('02 82 01', '4004000000000000', '0000000000000001', '00000002').toString('hex'));
  });
});
