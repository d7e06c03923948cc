// Field groups that several record types declare alike: dbCommon, the limit-alarm and deadband
// fields of the numeric records, the simulation fields and the output-record fields.

import type { DbfType } from '../dbf';
import { menuAlarmSevr, menuAlarmStat, menuIvoa, menuOmsl, menuPini, menuPriority, menuScan, menuSimm, menuYesNo, type Menu } from '../menus';
import { field, menuField, stringField, type FieldSpec } from './field-spec';

/** dbCommon, less the DBF_NOACCESS fields that hold only C pointers. */
export const COMMON_FIELDS: readonly FieldSpec[] = [
  stringField('NAME', 61, { readOnly: true }),
  stringField('DESC', 41),
  stringField('ASG', 29),
  menuField('SCAN', menuScan),
  menuField('PINI', menuPini),
  field('PHAS', 'SHORT'),
  stringField('EVNT', 40),
  field('TSE', 'SHORT'),
  field('TSEL', 'INLINK'),
  field('DTYP', 'DEVICE'),
  field('DISV', 'SHORT', { initial: '1' }),
  field('DISA', 'SHORT'),
  field('SDIS', 'INLINK'),
  field('DISP', 'UCHAR'),
  field('PROC', 'UCHAR', { processPassive: true }),
  menuField('STAT', menuAlarmStat, { readOnly: true, initial: 'UDF' }),
  menuField('SEVR', menuAlarmSevr, { readOnly: true }),
  stringField('AMSG', 40, { readOnly: true }),
  menuField('NSTA', menuAlarmStat, { readOnly: true }),
  menuField('NSEV', menuAlarmSevr, { readOnly: true }),
  stringField('NAMSG', 40, { readOnly: true }),
  menuField('ACKS', menuAlarmSevr, { readOnly: true }),
  menuField('ACKT', menuYesNo, { readOnly: true, initial: 'YES' }),
  menuField('DISS', menuAlarmSevr),
  field('LCNT', 'UCHAR', { readOnly: true }),
  field('PACT', 'UCHAR', { readOnly: true }),
  field('PUTF', 'UCHAR', { readOnly: true }),
  field('RPRO', 'UCHAR', { readOnly: true }),
  menuField('PRIO', menuPriority),
  field('TPRO', 'UCHAR'),
  field('UDF', 'UCHAR', { processPassive: true, initial: '1' }),
  menuField('UDFS', menuAlarmSevr, { initial: 'INVALID' }),
  field('TIME', 'NOACCESS', { readOnly: true }),
  field('UTAG', 'UINT64', { readOnly: true }),
  field('FLNK', 'FWDLINK'),
];

export interface LimitAlarmOptions {
  /** Whether the severity fields are prop(YES) too (they are for the analog records, not the integer ones). */
  severitiesAreProperties: boolean;
}

/** HIHI/HIGH/LOW/LOLO with their severities and HYST, all of the value's type. */
export function limitAlarmFields(dbf: DbfType, options: LimitAlarmOptions): FieldSpec[] {
  const limit = (name: string) => field(name, dbf, { processPassive: true, property: true });
  const severity = (name: string) =>
    menuField(name, menuAlarmSevr, { processPassive: true, property: options.severitiesAreProperties });
  return [
    limit('HIHI'), limit('LOLO'), limit('HIGH'), limit('LOW'),
    severity('HHSV'), severity('LLSV'), severity('HSV'), severity('LSV'),
    field('HYST', dbf),
  ];
}

/** ADEL/MDEL and the last-posted values they are measured from. */
export function deadbandFields(dbf: DbfType): FieldSpec[] {
  return [
    field('ADEL', dbf),
    field('MDEL', dbf),
    field('LALM', dbf, { readOnly: true }),
    field('ALST', dbf, { readOnly: true }),
    field('MLST', dbf, { readOnly: true }),
  ];
}

/** EGU and HOPR/LOPR of the value's type. */
export function displayFields(dbf: DbfType): FieldSpec[] {
  return [
    stringField('EGU', 16, { property: true }),
    field('HOPR', dbf, { property: true }),
    field('LOPR', dbf, { property: true }),
  ];
}

export function precisionField(): FieldSpec {
  return field('PREC', 'SHORT', { property: true });
}

/** DRVH/DRVL, the limits output records clip their value to. */
export function driveLimitFields(dbf: DbfType): FieldSpec[] {
  return [field('DRVH', dbf, { processPassive: true, property: true }), field('DRVL', dbf, { processPassive: true, property: true })];
}

/** The simulation-mode fields (SIOL, SIML, SIMM, SIMS, OLDSIMM, SSCN, SDLY), as dbCommonInput/Output.dbd give them; records/simulation.ts acts on them. */
export function simulationFields(direction: 'input' | 'output', simmMenu: Menu): FieldSpec[] {
  return [
    field('SIOL', direction === 'input' ? 'INLINK' : 'OUTLINK'),
    field('SIML', 'INLINK'),
    menuField('SIMM', simmMenu),
    menuField('SIMS', menuAlarmSevr),
    menuField('OLDSIMM', menuSimm, { readOnly: true }),
    menuField('SSCN', menuScan, { initial: '65535' }),
    field('SDLY', 'DOUBLE', { initial: '-1.0' }),
  ];
}

export function inputLinkField(): FieldSpec {
  return field('INP', 'INLINK');
}

/** OUT, DOL, OMSL and the invalid-output action, with IVOV of the value's type. */
export function outputFields(ivov: FieldSpec): FieldSpec[] {
  return [field('OUT', 'OUTLINK'), field('DOL', 'INLINK'), menuField('OMSL', menuOmsl), menuField('IVOA', menuIvoa), ivov];
}

/** Record attributes (dbGetAttributePart): served like fields, never set. */
export const RECORD_ATTRIBUTES: readonly FieldSpec[] = [
  stringField('RTYP', 40, { readOnly: true }),
  stringField('VERS', 40, { readOnly: true }),
];
