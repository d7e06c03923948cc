// dfanout: writes its VAL (from DOL in closed loop) to up to eight outputs OUTA…OUTH, all of
// them, the one SELN names (1 = OUTA, 0 = none) or those whose bits SELN sets, with the limit
// alarms and deadbands of the analog records, as dfanoutRecord.c does.

import { dfanoutSELM, menuOmsl } from '../menus';
import { AlarmSeverity, AlarmStatus } from '../pv';
import type { DbRecord } from '../record';
import { checkLimitAlarms } from './alarms';
import { COMMON_FIELDS, deadbandFields, displayFields, limitAlarmFields, precisionField } from './common-fields';
import { loadConstant } from './constants';
import { field, fieldTable, menuField } from './field-spec';
import { analogMetadata, fieldMetadata } from './metadata';
import { postWithDeadbands } from './monitors';
import { scalarShape, type RecordType } from './record-type';
import { fetchDesiredOutput } from './soft-channel';
import { SELM_ALL, SELM_MASK, SELM_SPECIFIED } from './link-selection';

const OUTPUTS = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'].map((letter) => `OUT${letter}`);
const OMSL_CLOSED_LOOP = 1;

const fields = fieldTable(COMMON_FIELDS, [
  field('VAL', 'DOUBLE', { processPassive: true }),
  menuField('SELM', dfanoutSELM),
  field('SELN', 'USHORT', { initial: '1' }),
  field('SELL', 'INLINK'),
  ...OUTPUTS.map((name) => field(name, 'OUTLINK')),
  field('DOL', 'INLINK'),
  menuField('OMSL', menuOmsl),
  ...displayFields('DOUBLE'),
  precisionField(),
  ...limitAlarmFields('DOUBLE', { severitiesAreProperties: true }),
  ...deadbandFields('DOUBLE'),
]);

const metadata = analogMetadata({
  hasUnits: (spec) => spec.dbf === 'DOUBLE',
  precisionFields: ['VAL'],
  displayFields: ['VAL', 'HIHI', 'HIGH', 'LOW', 'LOLO', 'LALM', 'ALST', 'MLST'],
  controlFields: ['VAL', 'LALM', 'ALST', 'MLST'],
  control: 'display',
  alarmsGated: true,
});

export const dfanoutRecordType: RecordType = {
  name: 'dfanout',
  fields,
  devices: [],
  valueKind: 'number',
  shape: (_record, spec) => scalarShape(spec),
  init(record, constants) {
    loadConstant(record, 'SELL', 'SELN', constants);
    if (loadConstant(record, 'DOL', 'VAL', constants)) record.assign('UDF', Number.isNaN(record.number('VAL')) ? 1 : 0);
    for (const last of ['MLST', 'ALST', 'LALM']) record.assign(last, record.number('VAL'));
  },
  process(record) {
    const closedLoop = record.number('OMSL') === OMSL_CLOSED_LOOP && !record.linkIsConstant('DOL');
    if (closedLoop && fetchDesiredOutput(record)) record.assign('UDF', Number.isNaN(record.number('VAL')) ? 1 : 0);
    record.stampTime();
    record.readLink('SELL', 'SELN');
    checkLimitAlarms(record);
    pushValues(record);
    postWithDeadbands(record);
  },
  metadata: (record, spec) => fieldMetadata(metadata, record, spec),
  enumStrings: () => [],
  afterPut: () => undefined,
};

/** push_values: a failed write adds LINK/MAJOR (to the LINK/INVALID the link itself raises). */
function pushValues(record: DbRecord): void {
  const selection = record.number('SELN');
  const write = (index: number) => {
    if (!record.writeLink(OUTPUTS[index]!, 'VAL')) record.raiseAlarm(AlarmStatus.LINK, AlarmSeverity.MAJOR);
  };
  switch (record.number('SELM')) {
    case SELM_ALL:
      OUTPUTS.forEach((_name, index) => write(index));
      return;
    case SELM_SPECIFIED:
      if (selection > OUTPUTS.length) record.raiseAlarm(AlarmStatus.SOFT, AlarmSeverity.INVALID);
      else if (selection > 0) write(selection - 1);
      return;
    case SELM_MASK:
      OUTPUTS.forEach((_name, index) => {
        if (selection & (1 << index)) write(index);
      });
      return;
    default:
      record.raiseAlarm(AlarmStatus.SOFT, AlarmSeverity.INVALID);
  }
}
