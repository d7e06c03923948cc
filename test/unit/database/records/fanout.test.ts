import { AlarmSeverity, AlarmStatus, EventMask } from '../../../../src/database/pv';
import { databaseOf, monitor, put, pvOf, valueOf } from '../helpers';

// fanout as fanoutRecord.c (EPICS base 7.0) processes it: SELM All/Specified/Mask over LNK0…LNKF,
// SELN read through SELL, SOFT/INVALID when the selection is out of range.


describe('fanout', () => {
  function processedBy(settings: string, extra = ''): { database: ReturnType<typeof databaseOf>; processed: string[] } {
    const database = databaseOf(`
      record(fanout, "F") { ${settings} field(LNK0, "T0") field(LNK1, "T1") field(LNK2, "T2") field(LNKF, "TF") }
      ${['T0', 'T1', 'T2', 'TF'].map((name) => `record(ai, "${name}") { field(MDEL, -1) }`).join('\n')}
      ${extra}`);
    const processed: string[] = [];
    for (const name of ['T0', 'T1', 'T2', 'TF']) pvOf(database, name).subscribe(() => processed.push(name));
    return { database, processed };
  }

  it('processes every link in order with SELM All (fanoutSELM_All)', () => {
    const { database, processed } = processedBy('');
    put(pvOf(database, 'F.PROC'), 1);
    expect(processed).toEqual(['T0', 'T1', 'T2', 'TF']);
  });

  it('processes link SELN + OFFS with SELM Specified, and alarms SOFT/INVALID beyond LNKF', () => {
    const { database, processed } = processedBy('field(SELM, "Specified") field(SELN, 1) field(OFFS, 1)');
    put(pvOf(database, 'F.PROC'), 1);
    expect(processed).toEqual(['T2']);
    put(pvOf(database, 'F.SELN'), 15);
    put(pvOf(database, 'F.PROC'), 1);
    expect(processed).toEqual(['T2']);
    expect(valueOf(pvOf(database, 'F.STAT'))).toBe(AlarmStatus.SOFT);
    expect(valueOf(pvOf(database, 'F.SEVR'))).toBe(AlarmSeverity.INVALID);
  });

  it('processes the links whose bits SELN >> SHFT sets with SELM Mask (SHFT default -1 shifts left)', () => {
    const { database, processed } = processedBy('field(SELM, "Mask") field(SHFT, 0) field(SELN, 0x8005)');
    put(pvOf(database, 'F.PROC'), 1);
    expect(processed).toEqual(['T0', 'T2', 'TF']);
    processed.length = 0;
    // SHFT -1 (the .dbd default): SELN 1 selects LNK1.
    put(pvOf(database, 'F.SHFT'), -1);
    put(pvOf(database, 'F.SELN'), 1);
    put(pvOf(database, 'F.PROC'), 1);
    expect(processed).toEqual(['T1']);
    put(pvOf(database, 'F.SHFT'), 16);
    put(pvOf(database, 'F.PROC'), 1);
    expect(valueOf(pvOf(database, 'F.SEVR'))).toBe(AlarmSeverity.INVALID);
  });

  it('reads SELN through SELL, loads a constant SELL at init and posts SELN when it changes', () => {
    const { database, processed } = processedBy('field(SELM, "Specified") field(SELL, "S")', 'record(longout, "S") { field(VAL, 2) }');
    const selection = monitor(pvOf(database, 'F.SELN'));
    put(pvOf(database, 'F.PROC'), 1);
    expect(processed).toEqual(['T2']);
    // The first pass also clears the UDF alarm, so the post carries DBE_ALARM (fanoutRecord.c: events | DBE_VALUE | DBE_LOG).
    expect(selection).toEqual([EventMask.VALUE | EventMask.LOG | EventMask.ALARM]);
    const constant = databaseOf('record(fanout, "G") { field(SELL, 3) }');
    expect(valueOf(pvOf(constant, 'G.SELN'))).toBe(3);
  });

  it('leaves UDF once processed and follows FLNK after its links', () => {
    const { database, processed } = processedBy('field(SELM, "Specified") field(SELN, 0) field(FLNK, "T1")');
    expect(valueOf(pvOf(database, 'F.UDF'))).toBe(1);
    put(pvOf(database, 'F.PROC'), 1);
    expect(processed).toEqual(['T0', 'T1']);
    expect(valueOf(pvOf(database, 'F.UDF'))).toBe(0);
  });
});
