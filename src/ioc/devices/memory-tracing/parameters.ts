// The parameters of the "Memory tracing" device support: what each record's INP or OUT "@name"
// stands for, as devIocStats' parameter tables key its figures by name. Settings and commands are
// output records (the driver reads them back at init and they follow it); results are input
// records that the driver wakes through SCAN "I/O Intr". README: Memory tracing device support.

import { elementType } from '../../../database/records/waveform';
import type { DbRecord } from '../../../database/record';
import type { HeapSnapshotDriver } from './heap-snapshot-driver';
import type { Reading } from '../reading';
import type { ResultTables } from './result-tables';
import type { DriverSetting, SettingValue } from './setting';
import { LIST_NAMES } from './trace-results';
import type { RangedSetting, TracingDriver } from './tracing-driver';

export interface Drivers {
  tracing: TracingDriver;
  heapSnapshots: HeapSnapshotDriver;
}

/** The shape of a result, which decides the record types that can show it. */
export type ReadingForm = 'number' | 'text' | 'numbers' | 'strings';

export interface OutputParameter {
  readonly direction: 'output';
  readonly recordTypes: readonly string[];
  /** Whose range in force the records' DRVH/DRVL/HOPR/LOPR show. */
  readonly range?: RangedSetting;
  setting(drivers: Drivers): DriverSetting<SettingValue>;
}

export interface InputParameter {
  readonly direction: 'input';
  readonly form: ReadingForm;
  reading(drivers: Drivers): Reading;
  /** A list's NTTables, one of which a text record may name with info(Q:table, NAME). */
  tables?(drivers: Drivers): ResultTables;
}

export type Parameter = OutputParameter | InputParameter;

const FORM_RECORD_TYPES: Record<ReadingForm, readonly string[]> = {
  number: ['ai'],
  text: ['lsi', 'stringin', 'waveform'],
  numbers: ['waveform'],
  strings: ['waveform'],
};

const NUMERIC_SETTING = ['longout', 'ao'];

function output(recordTypes: readonly string[], setting: OutputParameter['setting'], range?: RangedSetting): OutputParameter {
  return { direction: 'output', recordTypes, setting, ...(range ? { range } : {}) };
}

function input(form: ReadingForm, reading: InputParameter['reading'], tables?: InputParameter['tables']): InputParameter {
  return { direction: 'input', form, reading, ...(tables ? { tables } : {}) };
}

/** Each list's text (@top), its figures in rank order (@top_bytes, @top_counts) and its locations (@top_locations). */
function listParameters(): [string, Parameter][] {
  return LIST_NAMES.flatMap((list): [string, Parameter][] => [
    [
      list,
      input(
        'text',
        ({ tracing }) => tracing.results.lists[list].text,
        ({ tracing }) => tracing.results.lists[list].tables,
      ),
    ],
    [`${list}_bytes`, input('numbers', ({ tracing }) => tracing.results.lists[list].bytes)],
    [`${list}_counts`, input('numbers', ({ tracing }) => tracing.results.lists[list].counts)],
    [`${list}_locations`, input('strings', ({ tracing }) => tracing.results.lists[list].locations)],
  ]);
}

export const PARAMETERS: ReadonlyMap<string, Parameter> = new Map<string, Parameter>([
  ['enable', output(['bo'], ({ tracing }) => tracing.enable)],
  ['count', output(NUMERIC_SETTING, ({ tracing }) => tracing.count, 'count')],
  ['period', output(NUMERIC_SETTING, ({ tracing }) => tracing.period, 'period')],
  ['key_type', output(['mbbo'], ({ tracing }) => tracing.keyType)],
  ['cumulative', output(['bo'], ({ tracing }) => tracing.cumulative)],
  ['mode', output(['mbbo'], ({ tracing }) => tracing.mode)],
  ['sampling_interval', output(NUMERIC_SETTING, ({ tracing }) => tracing.samplingInterval, 'samplingInterval')],
  ['external_sampling_interval', output(NUMERIC_SETTING, ({ tracing }) => tracing.externalSamplingInterval, 'externalSamplingInterval')],
  ['snapshot', output(['bo'], ({ tracing }) => tracing.snapshot)],
  ['dump', output(['bo'], ({ tracing }) => tracing.dump)],
  ['dump_format', output(['mbbo'], ({ tracing }) => tracing.dumpFormat)],
  ['dump_file', output(['lso', 'stringout'], ({ tracing }) => tracing.dumpFile)],
  ['status', input('text', ({ tracing }) => tracing.status)],
  ['traced', input('number', ({ tracing }) => tracing.traced)],
  ['traced_peak', input('number', ({ tracing }) => tracing.tracedPeak)],
  ['duration', input('number', ({ tracing }) => tracing.duration)],
  ['summary', input('text', ({ tracing }) => tracing.results.summary)],
  ['self', input('number', ({ tracing }) => tracing.results.selfMemory)],
  ['growth_rate', input('number', ({ tracing }) => tracing.results.growthRate)],
  ['top_suspect_rate', input('number', ({ tracing }) => tracing.results.topSuspectRate)],
  ...listParameters(),
  ['suspects_rates', input('numbers', ({ tracing }) => tracing.results.suspectRates)],
  ['heap_snapshot', output(['bo'], ({ heapSnapshots }) => heapSnapshots.take)],
  ['heap_snapshot_file', input('text', ({ heapSnapshots }) => heapSnapshots.file)],
  ['heap_snapshot_status', input('text', ({ heapSnapshots }) => heapSnapshots.status)],
  [
    'top_retainers',
    input(
      'text',
      ({ heapSnapshots }) => heapSnapshots.topRetainers,
      ({ heapSnapshots }) => heapSnapshots.topRetainersTables,
    ),
  ],
  ['top_retainers_bytes', input('numbers', ({ heapSnapshots }) => heapSnapshots.topRetainersBytes)],
  [
    'heap_summary',
    input(
      'text',
      ({ heapSnapshots }) => heapSnapshots.summary,
      ({ heapSnapshots }) => heapSnapshots.summaryTables,
    ),
  ],
  ['heap_summary_bytes', input('numbers', ({ heapSnapshots }) => heapSnapshots.summaryBytes)],
  [
    'retainer_growth',
    input(
      'text',
      ({ heapSnapshots }) => heapSnapshots.growth,
      ({ heapSnapshots }) => heapSnapshots.growthTables,
    ),
  ],
  ['retainer_growth_bytes', input('numbers', ({ heapSnapshots }) => heapSnapshots.growthBytes)],
]);

export function recordTypesOf(parameter: Parameter): readonly string[] {
  return parameter.direction === 'output' ? parameter.recordTypes : FORM_RECORD_TYPES[parameter.form];
}

/** Whether a waveform's FTVL holds the form: text in CHAR/UCHAR, locations in STRING, figures in any numeric type. */
export function waveformHolds(record: DbRecord, form: ReadingForm): boolean {
  const type = elementType(record);
  if (form === 'text') return type === 'CHAR' || type === 'UCHAR';
  if (form === 'strings') return type === 'STRING';
  return form === 'numbers' && !['STRING', 'CHAR', 'UCHAR', 'ENUM'].includes(type);
}

/** The parameters a record type takes, for the message that names the choices. */
export function parametersFor(recordType: string): string[] {
  return [...PARAMETERS].filter(([, parameter]) => recordTypesOf(parameter).includes(recordType)).map(([name]) => name);
}
