// seq: up to sixteen groups (DLYn, DOLn, DOn, LNKn). Each selected group whose DOLn or LNKn is a
// link waits DLYn seconds, reads DOLn into DOn and writes DOn to LNKn, one after the other, the
// record staying active (PACT) until the last is done; as seqRecord.c does, even a group without
// delay runs after the current processing (callbackRequest), never inside it.

import { seqSELM } from '../menus';
import { EventMask } from '../pv';
import { ASYNC, type DbRecord, type ProcessOutcome } from '../record';
import { COMMON_FIELDS } from './common-fields';
import { loadConstant } from './constants';
import { field, fieldTable, menuField, type FieldSpec } from './field-spec';
import { LINK_DIGITS, selectedLinks } from './link-selection';
import { fieldMetadata, type Limits, type MetadataRules } from './metadata';
import { scalarShape, type RecordType } from './record-type';

interface LinkGroup {
  readonly delay: string;
  readonly input: string;
  readonly value: string;
  readonly output: string;
}

const GROUPS: readonly LinkGroup[] = LINK_DIGITS.map((digit) => ({
  delay: `DLY${digit}`,
  input: `DOL${digit}`,
  value: `DO${digit}`,
  output: `LNK${digit}`,
}));

/** seqDLYprecision and seqDLYlimit, the variables seqRecord.c exports. */
const DELAY_PRECISION = 2;
const DELAY_LIMIT = 100000;

const fields = fieldTable(COMMON_FIELDS, [
  field('VAL', 'LONG', { processPassive: true }),
  menuField('SELM', seqSELM),
  field('SELN', 'USHORT', { initial: '1' }),
  field('SELL', 'INLINK'),
  field('OFFS', 'SHORT', { initial: '0' }),
  field('SHFT', 'SHORT', { initial: '-1' }),
  field('OLDN', 'USHORT'),
  field('PREC', 'SHORT'),
  ...GROUPS.flatMap((group) => [field(group.delay, 'DOUBLE'), field(group.input, 'INLINK'), field(group.value, 'DOUBLE'), field(group.output, 'OUTLINK')]),
]);

/**
 * seqRecord.c finds a group's fields by their offset from DLY1, so group 0 (declared before it)
 * gets recGbl's defaults; its DLYn display limits come out as low 10, high 0 (softIoc shows the same).
 */
const DELAY_FIELDS = new Set(GROUPS.slice(1).map((group) => group.delay));
const VALUE_INPUTS = new Map(GROUPS.slice(1).map((group) => [group.value, group.input]));

const metadata: MetadataRules = {
  units: (record, spec) => (DELAY_FIELDS.has(spec.name) ? 's' : inputMetadata(record, spec)?.units ?? ''),
  precision(record, spec) {
    if (DELAY_FIELDS.has(spec.name)) return DELAY_PRECISION;
    const linked = inputMetadata(record, spec);
    if (linked) return linked.precision;
    const precision = record.number('PREC');
    return precision < 0 || precision > 15 ? 15 : precision;
  },
  display(record, spec): Limits | undefined {
    if (DELAY_FIELDS.has(spec.name)) return { lower: 10, upper: 0 };
    if (!VALUE_INPUTS.has(spec.name)) return undefined;
    const linked = inputMetadata(record, spec);
    return linked ? { lower: linked.lowerDisplayLimit, upper: linked.upperDisplayLimit } : { lower: 0, upper: 0 };
  },
  control: (_record, spec) => (DELAY_FIELDS.has(spec.name) ? { lower: 0, upper: DELAY_LIMIT } : undefined),
  alarm(record, spec) {
    const linked = inputMetadata(record, spec);
    return linked && {
      upperAlarm: linked.upperAlarmLimit,
      upperWarning: linked.upperWarningLimit,
      lowerWarning: linked.lowerWarningLimit,
      lowerAlarm: linked.lowerAlarmLimit,
    };
  },
};

/** DOn's metadata is that of what DOLn reads. */
function inputMetadata(record: DbRecord, spec: FieldSpec) {
  const input = VALUE_INPUTS.get(spec.name);
  return input === undefined ? undefined : record.links.get(input)?.targetMetadata();
}

export const seqRecordType: RecordType = {
  name: 'seq',
  fields,
  devices: [],
  valueKind: 'number',
  shape: (_record, spec) => scalarShape(spec),
  init(record, constants) {
    loadConstant(record, 'SELL', 'SELN', constants);
    for (const group of GROUPS) loadConstant(record, group.input, group.value, constants);
    record.assign('OLDN', record.number('SELN'));
  },
  process(record): ProcessOutcome {
    const mask = selectedLinks(record, 'unlessAll');
    if (mask === undefined) return finish(record);
    const groups = GROUPS.filter((group, index) => mask & (1 << index) && !(record.linkIsConstant(group.output) && record.linkIsConstant(group.input)));
    return runGroups(record, groups, 0);
  },
  metadata: (record, spec) => fieldMetadata(metadata, record, spec),
  enumStrings: () => [],
  afterPut: () => undefined,
};

/** processNextLink: the next group after its delay (or at the next turn), else the end of the pass. */
function runGroups(record: DbRecord, groups: readonly LinkGroup[], next: number): ProcessOutcome {
  const group = groups[next];
  if (!group) return finish(record);
  const delay = record.number(group.delay);
  const run = () =>
    record.completeAsync(() => {
      runGroup(record, group);
      return runGroups(record, groups, next + 1);
    });
  if (delay > 0) record.requestDelayed(delay, run);
  else setImmediate(run);
  return ASYNC;
}

/** processCallback: DOLn into DOn, a time stamp, DOn out through LNKn; DOn posted when it changed. */
function runGroup(record: DbRecord, group: LinkGroup): void {
  const previous = record.number(group.value);
  record.readLink(group.input, group.value);
  record.stampTime();
  record.writeLink(group.output, group.value);
  if (previous !== record.number(group.value)) {
    record.post(group.value, EventMask.VALUE | EventMask.LOG);
  }
}

/** asyncFinish: UDF cleared, time stamp, alarms, SELN posted when it changed since OLDN; FLNK follows. */
function finish(record: DbRecord): ProcessOutcome {
  record.assign('UDF', 0);
  record.stampTime();
  const events = record.resetAlarms();
  if (events) record.post('VAL', events);
  const selection = record.number('SELN');
  if (selection !== record.number('OLDN')) {
    record.post('SELN', events | EventMask.VALUE | EventMask.LOG);
    record.assign('OLDN', selection);
  }
}
