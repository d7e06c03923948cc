import { analogRecordType } from './analog';
import { COMMON_FIELDS, deadbandFields, displayFields, limitAlarmFields, precisionField } from './common-fields';
import { field, fieldTable, stringField } from './field-spec';
import { analogMetadata } from './metadata';

const ARGUMENTS = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L'];
const LIMIT_FIELDS = ['VAL', 'HIHI', 'HIGH', 'LOW', 'LOLO', 'LALM', 'ALST', 'MLST'];

/**
 * calc without the calculation: CALC is kept as text and VAL is whatever code (or a client) last
 * wrote; the record still alarms on its limits and posts through its deadbands.
 */
export const calcRecordType = analogRecordType({
  name: 'calc',
  role: 'calc',
  udfFollowsNaN: true,
  devices: [],
  constantInputs: new Map(ARGUMENTS.map((name) => [`INP${name}`, name])),
  fields: fieldTable(COMMON_FIELDS, [
    field('VAL', 'DOUBLE'),
    stringField('CALC', 80, { processPassive: true, initial: '0' }),
    ...ARGUMENTS.map((name) => field(`INP${name}`, 'INLINK')),
    ...displayFields('DOUBLE'),
    precisionField(),
    ...limitAlarmFields('DOUBLE', { severitiesAreProperties: true }),
    field('AFTC', 'DOUBLE'),
    field('AFVL', 'DOUBLE', { readOnly: true }),
    ...deadbandFields('DOUBLE'),
    ...ARGUMENTS.map((name) => field(name, 'DOUBLE', { processPassive: true })),
    ...ARGUMENTS.map((name) => field(`L${name}`, 'DOUBLE', { readOnly: true })),
  ]),
  metadata: analogMetadata({
    hasUnits: (spec) => spec.dbf === 'DOUBLE' && !ARGUMENTS.includes(spec.name),
    precisionFields: ['VAL'],
    displayFields: LIMIT_FIELDS,
    control: 'display',
    alarmsGated: true,
  }),
});
