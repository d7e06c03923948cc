import { AlarmSeverity, AlarmStatus, EventMask } from '../../../../src/database/pv';
import { databaseOf, monitor, put, pvOf, valueOf } from '../helpers';

// sel as selRecord.c (EPICS base 7.0) processes it: fetch_values, do_sel by SELM, limit alarms,
// then monitor() posting VAL by deadband, SELN against NLST and the inputs against LA…LL.

const INPUTS = `
  record(ao, "I1") { field(VAL, 4) }
  record(ao, "I2") { field(VAL, 9) }
  record(ao, "I3") { field(VAL, 1) }
  record(ao, "I4") { field(VAL, 6) }`;

function selected(selm: string, inputs = 'field(INPA, "I1") field(INPB, "I2") field(INPC, "I3") field(INPD, "I4")'): { value: number; seln: number } {
  const database = databaseOf(`record(sel, "S") { field(SELM, "${selm}") ${inputs} }\n${INPUTS}`);
  put(pvOf(database, 'S.PROC'), 1);
  return { value: Number(valueOf(pvOf(database, 'S'))), seln: Number(valueOf(pvOf(database, 'S.SELN'))) };
}

describe('sel', () => {
  it('takes the highest and the lowest input, SELN naming it (selSELM High/Low Signal)', () => {
    expect(selected('High Signal')).toEqual({ value: 9, seln: 1 });
    expect(selected('Low Signal')).toEqual({ value: 1, seln: 2 });
  });

  it('takes the upper median of the inputs read, SELN counting them; inputs never read stay NaN and out', () => {
    expect(selected('Median Signal')).toEqual({ value: 6, seln: 4 });
    expect(selected('Median Signal', 'field(INPA, "I1") field(INPB, "I2") field(INPC, "I3")')).toEqual({ value: 4, seln: 3 });
  });

  it('reads only the input SELN names with SELM Specified, SELN through NVL', () => {
    const database = databaseOf(`
      record(sel, "S") { field(NVL, "N") field(INPA, "I1") field(INPB, "I2") }
      record(longout, "N") { field(VAL, 1) }
      ${INPUTS}`);
    put(pvOf(database, 'S.PROC'), 1);
    expect(valueOf(pvOf(database, 'S'))).toBe(9);
    expect(Number.isNaN(valueOf(pvOf(database, 'S.A')))).toBe(true);
    put(pvOf(database, 'N'), 12);
    put(pvOf(database, 'S.PROC'), 1);
    expect(pvOf(database, 'S').alarm()).toMatchObject({ status: AlarmStatus.SOFT, severity: AlarmSeverity.INVALID });
  });

  it('loads constant inputs and NVL at init, and alarms on its limits', () => {
    const database = databaseOf('record(sel, "S") { field(NVL, 2) field(INPC, 7.5) field(HIHI, 5) field(HHSV, "MAJOR") }');
    expect(valueOf(pvOf(database, 'S.SELN'))).toBe(2);
    put(pvOf(database, 'S.PROC'), 1);
    expect(valueOf(pvOf(database, 'S'))).toBe(7.5);
    expect(pvOf(database, 'S').alarm()).toMatchObject({ status: AlarmStatus.HIHI, severity: AlarmSeverity.MAJOR });
  });

  it('posts an input that changed and SELN when it changed, with VALUE and LOG', () => {
    const database = databaseOf(`record(sel, "S") { field(SELM, "High Signal") field(INPA, "I1") field(INPB, "I2") }\n${INPUTS}`);
    put(pvOf(database, 'S.PROC'), 1);
    const inputA = monitor(pvOf(database, 'S.A'));
    const selection = monitor(pvOf(database, 'S.SELN'));
    put(pvOf(database, 'I1'), 20);
    put(pvOf(database, 'S.PROC'), 1);
    expect(inputA).toEqual([EventMask.VALUE | EventMask.LOG]);
    expect(selection).toEqual([EventMask.VALUE | EventMask.LOG]);
    expect(valueOf(pvOf(database, 'S.SELN'))).toBe(0);
  });

  it('refuses a client write to VAL (SPC_NOMOD)', () => {
    const database = databaseOf('record(sel, "S") {}');
    expect(put(pvOf(database, 'S'), 1)).toMatchObject({ ok: false, error: 'readOnly' });
  });
});
