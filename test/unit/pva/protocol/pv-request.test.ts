import { PvRequest as TcaPvRequest } from 'epics-tca/lib/PvaData/PvRequest';
import { ENDIAN } from 'epics-tca/lib/PvaData/PvaMethods';
import { ByteReader } from '../../../../src/pva/protocol/codec/byte-reader';
import { ntScalar } from '../../../../src/pva/protocol/codec/normative-types';
import { PVStructure, type VariantValue } from '../../../../src/pva/protocol/codec/pv-structure';
import { decodeValue } from '../../../../src/pva/protocol/codec/pvdata';
import { scalar, structure, TypeCache, VARIANT_UNION } from '../../../../src/pva/protocol/codec/type-descriptor';
import { parsePvRequest, PvRequestError, selectFields } from '../../../../src/pva/protocol/pv-request';
import { hex, text } from './fixtures';

// pvRequests as clients send them with an operation's INIT: FieldDesc, then the value.

const readRequest = (bytes: Buffer, littleEndian = true): PVStructure => {
  const reader = new ByteReader(bytes, littleEndian);
  const request = decodeValue(reader, VARIANT_UNION, new TypeCache()) as VariantValue;
  expect(reader.remaining).toBe(0);
  return request.value as PVStructure;
};

/** field(value,alarm): empty structures name the fields; having no leaves, it has no data. */
const FIELD_VALUE_ALARM = hex(
  '80 00 01', // structure, no id, 1 field
  `05 ${text('field')} 80 00 02`, // field: structure of 2
  `  05 ${text('value')} 80 00 00`, // value: empty structure
  `  05 ${text('alarm')} 80 00 00`,
);

/** record[queueSize=4,pipeline=true]field(value), options as strings (pvAccessCPP's createRequest). */
const STRING_OPTIONS = hex(
  '80 00 02',
  `06 ${text('record')} 80 00 01`,
  `  08 ${text('_options')} 80 00 02`,
  `    09 ${text('queueSize')} 60`, // string
  `    08 ${text('pipeline')} 60`,
  `05 ${text('field')} 80 00 01`,
  `  05 ${text('value')} 80 00 00`,
  `01 ${text('4')}`, // record._options.queueSize
  `04 ${text('true')}`, // record._options.pipeline
);

describe('parsePvRequest', () => {
  it('field(value,alarm)', () => {
    expect(parsePvRequest(readRequest(FIELD_VALUE_ALARM))).toEqual({
      fields: ['value', 'alarm'],
      options: new Map(),
      queueSize: undefined,
      pipeline: false,
      process: undefined,
      block: undefined,
      invalidOptions: [],
    });
  });

  it('options as strings', () => {
    const request = parsePvRequest(readRequest(STRING_OPTIONS));
    expect([request.fields, request.queueSize, request.pipeline, request.invalidOptions]).toEqual([['value'], 4, true, []]);
    expect(request.options).toEqual(
      new Map([
        ['queueSize', '4'],
        ['pipeline', 'true'],
      ]),
    );
  });

  it('epics-tca encodes the same two pvRequests (an independent client encoder)', () => {
    expect(TcaPvRequest.encodePvRequest('field(value,alarm)', ENDIAN.LITTLE).toString('hex')).toBe(FIELD_VALUE_ALARM.toString('hex'));
    expect(TcaPvRequest.encodePvRequest('record[queueSize=4,pipeline=true]field(value)', ENDIAN.LITTLE).toString('hex')).toBe(STRING_OPTIONS.toString('hex'));
  });

  it('typed options, as a pvxs client sets them, in big-endian', () => {
    const bytes = hex(
      '80 00 02',
      `05 ${text('field')} 80 00 00`, // every field
      `06 ${text('record')} 80 00 01 08 ${text('_options')} 80 00 03`,
      `  09 ${text('queueSize')} 22`, // int
      `  08 ${text('pipeline')} 00`, // boolean
      `  07 ${text('process')} 60`,
      '00000010', // queueSize 16
      '01', // pipeline
      `07 ${text('passive')}`,
    );
    const request = parsePvRequest(readRequest(bytes, false));
    expect([request.fields, request.queueSize, request.pipeline, request.process]).toEqual([[], 16, true, 'passive']);
  });

  it('nested field names; per-field _options are not fields', () => {
    const bytes = hex(
      `80 00 01 05 ${text('field')} 80 00 02`,
      `  05 ${text('alarm')} 80 00 01 08 ${text('severity')} 80 00 00`,
      `  09 ${text('timeStamp')} 80 00 01 08 ${text('_options')} 80 00 01 0c ${text('causeMonitor')} 60`,
      `05 ${text('false')}`, // field.timeStamp._options.causeMonitor
    );
    expect(parsePvRequest(readRequest(bytes)).fields).toEqual(['alarm.severity', 'timeStamp']);
  });

  it('a NULL pvRequest, or one without "field", asks for everything', () => {
    expect(parsePvRequest(null).fields).toEqual([]);
    expect(parsePvRequest(new PVStructure(structure('', {}))).fields).toEqual([]);
  });

  it('lists options it cannot use', () => {
    const options = structure('', {
      queueSize: scalar('string'),
      pipeline: scalar('string'),
      block: scalar('string'),
      ackAny: scalar('string'),
    });
    const request = new PVStructure(structure('', { record: structure('', { _options: options }) }));
    request.assign({ record: { _options: { queueSize: '1', pipeline: 'yes', block: 'false', ackAny: '50%' } } });
    const parsed = parsePvRequest(request);
    expect([parsed.queueSize, parsed.pipeline, parsed.block, parsed.invalidOptions]).toEqual([undefined, false, false, ['queueSize', 'pipeline']]);
    expect(parsed.options.get('ackAny')).toBe('50%');
  });

  it('refuses a "field" that is not a structure', () => {
    expect(() => parsePvRequest(new PVStructure(structure('', { field: scalar('string') })))).toThrow(PvRequestError);
  });
});

describe('selectFields', () => {
  const type = ntScalar('double');
  const request = (...fields: string[]) => ({ ...parsePvRequest(null), fields });

  it.each([
    ['everything: bit 0', [], [0]],
    ['value and the alarm structure', ['value', 'alarm'], [1, 2]],
    ['a field inside a structure', ['alarm.severity'], [3]],
    ['names the type lacks are passed over', ['nope', 'value'], [1]],
  ])('%s', (_name, fields, bits) => {
    expect(selectFields(type, request(...fields)).toArray()).toEqual(bits);
  });

  it('fails when no requested field exists', () => {
    expect(() => selectFields(type, request('nope'))).toThrow(PvRequestError);
  });
});
