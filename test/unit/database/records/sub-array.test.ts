import { AlarmStatus, AlarmSeverity } from '../../../../src/database/pv';
import { databaseOf, put, pvOf } from '../helpers';

// subArray as subArrayRecord.c with devSASoft (EPICS base 7.0) processes it: INDX + NELM elements
// read (at most MALM), subset() keeping NELM from INDX, NORD 0 giving UDF and the UDF alarm.

const SOURCE = 'record(waveform, "SRC") { field(FTVL, "LONG") field(NELM, 8) field(INP, [10, 11, 12, 13, 14, 15]) }';
const elements = (database: ReturnType<typeof databaseOf>, name = 'SA') => Array.from(pvOf(database, name).value() as Int32Array);

describe('subArray', () => {
  it('serves NELM elements of its input from INDX', () => {
    const database = databaseOf(`record(subArray, "SA") { field(FTVL, "LONG") field(MALM, 8) field(NELM, 3) field(INDX, 2) field(INP, "SRC") }\n${SOURCE}`);
    put(pvOf(database, 'SA.PROC'), 1);
    expect(elements(database)).toEqual([12, 13, 14]);
    expect(pvOf(database, 'SA.NORD').value()[0]).toBe(3);
  });

  it('serves fewer when the input ends first, and none (UDF, UDF alarm) beyond its end', () => {
    const database = databaseOf(`record(subArray, "SA") { field(FTVL, "LONG") field(MALM, 8) field(NELM, 4) field(INDX, 4) field(INP, "SRC") field(UDFS, "MAJOR") }\n${SOURCE}`);
    put(pvOf(database, 'SA.PROC'), 1);
    expect(elements(database)).toEqual([14, 15]);
    put(pvOf(database, 'SA.INDX'), 7);
    expect(elements(database)).toEqual([]);
    expect(pvOf(database, 'SA').alarm()).toMatchObject({ status: AlarmStatus.UDF, severity: AlarmSeverity.MAJOR });
  });

  it('keeps INDX below MALM and NELM within it, and takes a constant INP again on each pass', () => {
    const database = databaseOf('record(subArray, "SA") { field(FTVL, "LONG") field(MALM, 4) field(NELM, 9) field(INDX, 1) field(INP, [1, 2, 3, 4, 5]) }');
    expect(elements(database)).toEqual([2, 3, 4]);
    expect(pvOf(database, 'SA.NELM').value()[0]).toBe(4);
    put(pvOf(database, 'SA.INDX'), 9);
    expect(pvOf(database, 'SA.INDX').value()[0]).toBe(3);
    expect(elements(database)).toEqual([4]);
  });

  it('serves INDX within 0…MALM-1 and NELM within 1…MALM to control displays', () => {
    const database = databaseOf('record(subArray, "SA") { field(MALM, 10) }');
    expect(pvOf(database, 'SA.INDX').metadata()).toMatchObject({ lowerControlLimit: 0, upperControlLimit: 9 });
    expect(pvOf(database, 'SA.NELM').metadata()).toMatchObject({ lowerControlLimit: 1, upperControlLimit: 10, lowerDisplayLimit: 0 });
  });
});
