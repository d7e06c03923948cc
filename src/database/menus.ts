// The menus (DBF_MENU choice lists) the supported record types use, with the choice strings
// CA clients see as enum labels. Index = stored value.

export interface Menu {
  readonly name: string;
  readonly choices: readonly string[];
}

const menu = (name: string, choices: readonly string[]): Menu => Object.freeze({ name, choices: Object.freeze(choices) });

export const menuAlarmSevr = menu('menuAlarmSevr', ['NO_ALARM', 'MINOR', 'MAJOR', 'INVALID']);
export const menuAlarmStat = menu('menuAlarmStat', [
  'NO_ALARM',
  'READ',
  'WRITE',
  'HIHI',
  'HIGH',
  'LOLO',
  'LOW',
  'STATE',
  'COS',
  'COMM',
  'TIMEOUT',
  'HWLIMIT',
  'CALC',
  'SCAN',
  'LINK',
  'SOFT',
  'BAD_SUB',
  'UDF',
  'DISABLE',
  'SIMM',
  'READ_ACCESS',
  'WRITE_ACCESS',
]);
export const menuScan = menu('menuScan', [
  'Passive',
  'Event',
  'I/O Intr',
  '10 second',
  '5 second',
  '2 second',
  '1 second',
  '.5 second',
  '.2 second',
  '.1 second',
]);
export const menuPini = menu('menuPini', ['NO', 'YES', 'RUN', 'RUNNING', 'PAUSE', 'PAUSED']);
export const menuPriority = menu('menuPriority', ['LOW', 'MEDIUM', 'HIGH']);
export const menuYesNo = menu('menuYesNo', ['NO', 'YES']);
export const menuSimm = menu('menuSimm', ['NO', 'YES', 'RAW']);
export const menuOmsl = menu('menuOmsl', ['supervisory', 'closed_loop']);
export const menuIvoa = menu('menuIvoa', ['Continue normally', "Don't drive outputs", 'Set output to IVOV']);
export const menuConvert = menu('menuConvert', ['NO CONVERSION', 'SLOPE', 'LINEAR']);
export const menuFtype = menu('menuFtype', ['STRING', 'CHAR', 'UCHAR', 'SHORT', 'USHORT', 'LONG', 'ULONG', 'INT64', 'UINT64', 'FLOAT', 'DOUBLE', 'ENUM']);
export const menuPost = menu('menuPost', ['On Change', 'Always']);
export const aoOIF = menu('aoOIF', ['Full', 'Incremental']);
export const stringinPOST = menu('stringinPOST', ['On Change', 'Always']);
export const stringoutPOST = menu('stringoutPOST', ['On Change', 'Always']);
export const waveformPOST = menu('waveformPOST', ['Always', 'On Change']);
export const longoutOOPT = menu('longoutOOPT', ['Every Time', 'On Change', 'When Zero', 'When Non-zero', 'Transition To Zero', 'Transition To Non-zero']);

export const calcoutOOPT = menu('calcoutOOPT', longoutOOPT.choices);
export const calcoutDOPT = menu('calcoutDOPT', ['Use CALC', 'Use OCAL']);
export const calcoutINAV = menu('calcoutINAV', ['Ext PV NC', 'Ext PV OK', 'Local PV', 'Constant']);

/** Menu values that are not choices but mean "not set" (SSCN's initial 65535). */
export const MENU_UNSET = 0xffff;

/** SCAN periods in seconds, by menuScan index; 0 for the scans that are not periodic. */
export const SCAN_PERIOD_SECONDS: readonly number[] = [0, 0, 0, 10, 5, 2, 1, 0.5, 0.2, 0.1];
/** SELM of fanout, dfanout and seq: which links a pass uses. */
export const fanoutSELM = menu('fanoutSELM', ['All', 'Specified', 'Mask']);
export const dfanoutSELM = menu('dfanoutSELM', ['All', 'Specified', 'Mask']);
export const seqSELM = menu('seqSELM', ['All', 'Specified', 'Mask']);
export const selSELM = menu('selSELM', ['Specified', 'High Signal', 'Low Signal', 'Median Signal']);
export const aaiPOST = menu('aaiPOST', ['Always', 'On Change']);
export const aaoPOST = menu('aaoPOST', ['Always', 'On Change']);
export const compressALG = menu('compressALG', ['N to 1 Low Value', 'N to 1 High Value', 'N to 1 Average', 'Average', 'Circular Buffer', 'N to 1 Median']);
export const bufferingALG = menu('bufferingALG', ['FIFO Buffer', 'LIFO Buffer']);
export const histogramCMD = menu('histogramCMD', ['Read', 'Clear', 'Start', 'Stop']);
