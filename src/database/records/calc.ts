import { analogRecordType } from './analog';
import { ARGUMENTS, argumentFields, checkExpression, compileExpression, evaluate, expressionField, fetchArguments, postArguments } from './calc-support';
import { COMMON_FIELDS, deadbandFields, displayFields, limitAlarmFields, precisionField } from './common-fields';
import { field, fieldTable } from './field-spec';
import { analogMetadata } from './metadata';

const LIMIT_FIELDS = ['VAL', 'HIHI', 'HIGH', 'LOW', 'LOLO', 'LALM', 'ALST', 'MLST'];

/** calc: VAL computed from A…L by CALC each pass (calcRecord.c), limit alarms with AFTC, deadband monitors. */
export const calcRecordType = analogRecordType({
  name: 'calc',
  role: 'calc',
  udfFollowsNaN: true,
  devices: [],
  constantInputs: new Map(ARGUMENTS.map((name) => [`INP${name}`, name])),
  fields: fieldTable(COMMON_FIELDS, [
    field('VAL', 'DOUBLE'),
    expressionField('CALC'),
    ...displayFields('DOUBLE'),
    precisionField(),
    ...limitAlarmFields('DOUBLE', { severitiesAreProperties: true }),
    field('AFTC', 'DOUBLE'),
    field('AFVL', 'DOUBLE', { readOnly: true }),
    ...deadbandFields('DOUBLE'),
    ...argumentFields(),
  ]),
  init: (record) => compileExpression(record, 'CALC'),
  validate: (name, data) => (name === 'CALC' ? checkExpression(data as string) : undefined),
  afterPut(record, spec) {
    if (spec.name === 'CALC') compileExpression(record, 'CALC');
  },
  calculate(record) {
    return fetchArguments(record) && evaluate(record, 'CALC');
  },
  afterPost: postArguments,
  metadata: analogMetadata({
    hasUnits: (spec) => spec.dbf === 'DOUBLE' && !ARGUMENTS.includes(spec.name),
    precisionFields: ['VAL'],
    displayFields: LIMIT_FIELDS,
    control: 'display',
    alarmsGated: true,
  }),
});
