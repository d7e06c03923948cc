import { Database, DbFileError } from '../../../src/database';
import { AlarmSeverity, AlarmStatus, EventMask } from '../../../src/database/pv';
import { capturingLogger, databaseOf, monitor, put, pvOf, valueOf } from './helpers';
import { textMatching } from '../../helpers/matchers';

// Record processing and database links as EPICS base 7.0 does them: dbAccess.c dbProcess and
// dbPutField, dbDbLink.c (dbDbGetValue, dbDbPutValue, dbDbScanFwdLink), dbLink.c (dbGetLink and
// dbPutLink raise LINK/INVALID on failure), recGbl.c recGblInheritSevr, dbCa.c for CP/CPP.

/** Resolves once queued scanOnce requests (CP links, RPRO) have run. */
function scanOnceDone(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

describe('dbProcess', () => {
  it('follows FLNK after the record, reading an NPP input of the forward-linked record', () => {
    const database = databaseOf(`
      record(ao, "A") { field(FLNK, "B") }
      record(longin, "B") { field(INP, "A NPP") }`);
    put(pvOf(database, 'A'), 5);
    expect(valueOf(pvOf(database, 'B'))).toBe(5);
  });

  it('stops a loop of forward links at the record already active (PACT)', () => {
    const database = databaseOf(`
      record(ao, "A") { field(FLNK, "B") field(MDEL, -1) }
      record(ao, "B") { field(FLNK, "A") field(MDEL, -1) }`);
    const masksOfA = monitor(pvOf(database, 'A'));
    const masksOfB = monitor(pvOf(database, 'B'));
    put(pvOf(database, 'A.PROC'), 1);
    expect(masksOfA).toHaveLength(1);
    expect(masksOfB).toHaveLength(1);
  });

  it('processes a record on a PROC put whatever its SCAN', () => {
    const database = databaseOf('record(longin, "P") { field(SCAN, "10 second") field(INP, "S") }\nrecord(longin, "S") { field(VAL, 3) }');
    put(pvOf(database, 'P.PROC'), 1);
    expect(valueOf(pvOf(database, 'P'))).toBe(3);
  });

  it('leaves a disabled record unchanged, even when code updates it (DISA read through SDIS)', () => {
    const database = databaseOf(`
      record(bo, "OFF") { field(VAL, 1) }
      record(ai, "R") { field(SDIS, "OFF") field(DISS, "MINOR") }`);
    const record = database.record('R', 'number');
    record.set(4);
    expect(record.get()).toBe(0);
    expect(record.alarm()).toMatchObject({ status: AlarmStatus.DISABLE, severity: AlarmSeverity.MINOR });
    put(pvOf(database, 'OFF'), 0);
    record.set(4);
    expect(record.get()).toBe(4);
    expect(record.alarm().severity).toBe(AlarmSeverity.NO_ALARM);
  });
});

describe('output links', () => {
  it('processes a passive target on PP, and only stores on NPP', () => {
    const database = databaseOf(`
      record(ao, "W") { field(OUT, "T PP") }
      record(ao, "N") { field(OUT, "T NPP") }
      record(ai, "T") {}`);
    const masks = monitor(pvOf(database, 'T'));
    put(pvOf(database, 'N'), 2);
    expect(valueOf(pvOf(database, 'T'))).toBe(2);
    expect(masks).toEqual([]);
    put(pvOf(database, 'W'), 3);
    expect(valueOf(pvOf(database, 'T'))).toBe(3);
    expect(masks).toEqual([EventMask.VALUE | EventMask.LOG | EventMask.ALARM]);
  });

  it('writes a named field, and processes the target when that field is PROC', () => {
    const database = databaseOf(`
      record(longout, "W") { field(OUT, "T.HIGH") }
      record(longout, "P") { field(OUT, "S.PROC") }
      record(ai, "T") {}
      record(longin, "S") { field(INP, "W") }`);
    put(pvOf(database, 'W'), 7);
    expect(valueOf(pvOf(database, 'T.HIGH'))).toBe(7);
    put(pvOf(database, 'P'), 1);
    expect(valueOf(pvOf(database, 'S'))).toBe(7);
  });

  it('writes text to an enum as the state of that label (dbPut DBR_STRING to DBF_ENUM)', () => {
    const database = databaseOf(`
      record(stringout, "S") { field(OUT, "B PP") }
      record(bo, "B") { field(ZNAM, "Off") field(ONAM, "On") }`);
    put(pvOf(database, 'S'), 'On');
    expect(valueOf(pvOf(database, 'B'))).toBe(1);
  });

  it('is refused by a target with DISP set when it goes through CA, as dbPutField refuses it', () => {
    const database = databaseOf(`
      record(ao, "W") { field(OUT, "T CA") }
      record(ao, "T") { field(DISP, 1) }`);
    put(pvOf(database, 'W'), 4);
    expect(valueOf(pvOf(database, 'T'))).toBe(0);
    expect(pvOf(database, 'W').alarm()).toMatchObject({ status: AlarmStatus.LINK, severity: AlarmSeverity.INVALID });
  });

  it('passes the severity on with MS (recGblInheritSevr: LINK status, the source severity)', () => {
    const database = databaseOf(`
      record(ao, "W") { field(OUT, "T PP MS") field(HIHI, 10) field(HHSV, MAJOR) }
      record(ai, "T") {}`);
    put(pvOf(database, 'W'), 11);
    expect(pvOf(database, 'T').alarm()).toMatchObject({ status: AlarmStatus.LINK, severity: AlarmSeverity.MAJOR });
  });
});

describe('input links', () => {
  const SOURCES = `
    record(ai, "SRC") { field(HIHI, 10) field(HHSV, MAJOR) field(HIGH, 5) field(HSV, MINOR) }
    record(ai, "MS") { field(INP, "SRC MS") }
    record(ai, "MSS") { field(INP, "SRC MSS") }
    record(ai, "MSI") { field(INP, "SRC MSI") }
    record(ai, "NMS") { field(INP, "SRC") }`;

  it.each([
    ['MS', AlarmStatus.LINK, AlarmSeverity.MAJOR],
    ['MSS', AlarmStatus.HIHI, AlarmSeverity.MAJOR],
    ['MSI', AlarmStatus.NO_ALARM, AlarmSeverity.NO_ALARM],
    ['NMS', AlarmStatus.NO_ALARM, AlarmSeverity.NO_ALARM],
  ])('takes the source alarm as %s says (recGblInheritSevr)', (name, status, severity) => {
    const database = databaseOf(SOURCES);
    put(pvOf(database, 'SRC'), 12);
    put(pvOf(database, `${name}.PROC`), 1);
    expect(valueOf(pvOf(database, name))).toBe(12);
    expect(pvOf(database, name).alarm()).toMatchObject({ status, severity });
  });

  it('processes a passive source first on PP', () => {
    const database = databaseOf(`
      record(longin, "R") { field(INP, "C PP") }
      record(longin, "C") { field(INP, "D") }
      record(longin, "D") { field(VAL, 9) }`);
    put(pvOf(database, 'R.PROC'), 1);
    expect(valueOf(pvOf(database, 'R'))).toBe(9);
  });

  it('reads a named field, an enum as its label into a string, and a record time stamp through TSEL', () => {
    const database = databaseOf(`
      record(ai, "SRC") { field(HIHI, 42) }
      record(bo, "B") { field(ZNAM, "Off") field(ONAM, "On") field(VAL, 1) }
      record(longin, "H") { field(INP, "SRC.HIHI") field(TSEL, "SRC.TIME") }
      record(stringin, "S") { field(INP, "B") }`);
    put(pvOf(database, 'SRC'), 1);
    put(pvOf(database, 'H.PROC'), 1);
    put(pvOf(database, 'S.PROC'), 1);
    expect(valueOf(pvOf(database, 'H'))).toBe(42);
    expect(pvOf(database, 'H').timeStamp()).toEqual(pvOf(database, 'SRC').timeStamp());
    expect(valueOf(pvOf(database, 'S'))).toBe('On');
  });

  it('processes the record on the source monitors with CP, after the processing under way (dbCa, scanOnce)', async () => {
    const database = databaseOf(
      `
      record(ao, "SRC") {}
      record(longin, "CP") { field(INP, "SRC CP") }`,
      { start: true },
    );
    await scanOnceDone();
    put(pvOf(database, 'SRC'), 6);
    expect(valueOf(pvOf(database, 'CP'))).toBe(0);
    await scanOnceDone();
    expect(valueOf(pvOf(database, 'CP'))).toBe(6);
    database.close();
  });

  it('processes with CPP only while the record is passive', async () => {
    const database = databaseOf(
      `
      record(ao, "SRC") {}
      record(longin, "CPP") { field(INP, "SRC CPP") field(SCAN, "10 second") }`,
      { start: true },
    );
    await scanOnceDone();
    put(pvOf(database, 'SRC'), 6);
    await scanOnceDone();
    expect(valueOf(pvOf(database, 'CPP'))).toBe(0);
    database.close();
  });

  it('loads constants given as numbers and as JSON {const: …}', () => {
    const database = databaseOf('record(longin, "A") { field(INP, 4) }\nrecord(stringin, "B") { field(INP, {const: "text"}) }');
    expect(valueOf(pvOf(database, 'A'))).toBe(4);
    expect(valueOf(pvOf(database, 'B'))).toBe('text');
  });

  it('follows a link field written at run time, refusing text that is not a link', () => {
    const database = databaseOf('record(longin, "A") {}\nrecord(longin, "SRC") { field(VAL, 8) }');
    expect(put(pvOf(database, 'A.INP'), 'SRC PX')).toMatchObject({ ok: false, message: textMatching(/"PX" is not a link modifier/) });
    expect(put(pvOf(database, 'A.INP'), 'SRC')).toEqual({ ok: true });
    put(pvOf(database, 'A.PROC'), 1);
    expect(valueOf(pvOf(database, 'A'))).toBe(8);
  });
});

describe('links to names this IOC does not serve (unconnected CA links)', () => {
  it('give LINK/INVALID, are logged once at start, and connect when a later load defines the name', () => {
    const { logger, lines } = capturingLogger();
    const database = new Database({ logger });
    database.loadText('record(longin, "R") { field(INP, "LATER") }');
    database.start();
    put(pvOf(database, 'R.PROC'), 1);
    expect(pvOf(database, 'R').alarm()).toMatchObject({ status: AlarmStatus.LINK, severity: AlarmSeverity.INVALID });
    put(pvOf(database, 'R.PROC'), 1);
    expect(lines.filter((line) => line.level === 40).map((line) => line.msg)).toEqual([
      'R.INP: "LATER" is not served by this IOC; the link is unconnected (LINK/INVALID when used)',
    ]);
    database.loadText('record(longin, "LATER") { field(VAL, 5) }');
    put(pvOf(database, 'R.PROC'), 1);
    expect(valueOf(pvOf(database, 'R'))).toBe(5);
    expect(pvOf(database, 'R').alarm().severity).toBe(AlarmSeverity.NO_ALARM);
    database.close();
  });
});

describe('link errors at load', () => {
  function loadError(text: string): string {
    try {
      new Database().loadText(text, { file: 'bad.db' });
    } catch (error) {
      if (error instanceof DbFileError) return error.message;
      throw error;
    }
    throw new Error('expected the load to fail');
  }

  it('refuses a modifier that is not one, a JSON link type not supported, a field the target lacks and a device parameter no soft support reads', () => {
    expect(loadError('record(ai, "A") {\n  field(INP, "B NPP XX")\n}')).toBe(
      'bad.db:2:14: cannot set A.INP: "XX" is not a link modifier (NPP, PP, CA, CP, CPP, NMS, MS, MSI, MSS)',
    );
    expect(loadError('record(ai, "A") { field(INP, {calc: {expr: "1"}}) }')).toMatch(
      /^bad\.db:1:30: cannot set A\.INP: JSON link type "calc" is not supported/,
    );
    expect(loadError('record(ai, "B") {}\nrecord(ai, "A") { field(INP, "B.NOPE") }')).toBe('bad.db:2:30: A.INP: record "B" (ai) has no field NOPE');
    expect(loadError('record(ai, "A") { field(INP, "@heap") }')).toBe(
      'bad.db:1:31: cannot set A.INP: "@heap" is a device parameter, and the device support of A (DTYP "Soft Channel") reads none',
    );
  });
});

describe('longout OOPT (longoutRecord.c conditional_write)', () => {
  it.each([
    ['Every Time', [1, 1, 0, 0, 2], [1, 1, 0, 0, 2]],
    ['On Change', [1, 1, 0, 0, 2], [1, 0, 2]],
    ['When Zero', [1, 0, 2, 0], [0, 0]],
    ['When Non-zero', [1, 0, 2], [1, 2]],
    ['Transition To Zero', [1, 0, 0, 3, 0], [0, 0]],
    ['Transition To Non-zero', [1, 2, 0, 3], [1, 3]],
  ])('with OOPT "%s", of the values %j writes %j', (option, values, written) => {
    const database = databaseOf(`
      record(longout, "LO") { field(OOPT, "${option}") field(OUT, "T PP") }
      record(longin, "T") { field(MDEL, -1) }`);
    const seen: number[] = [];
    pvOf(database, 'T').subscribe(() => seen.push(valueOf(pvOf(database, 'T')) as number));
    for (const value of values) put(pvOf(database, 'LO'), value);
    // On Change writes the first pass whatever VAL is (outpvt starts at EXEC_OUTPUT): 1 differs from PVAL 0 anyway.
    expect(seen).toEqual(written);
  });
});

describe('PINI', () => {
  it('processes PINI YES, then RUN, then RUNNING records at start (iocInit, iocRun, after iocRun)', () => {
    const database = databaseOf(`
      record(stringout, "A") { field(PINI, "RUNNING") field(VAL, "A") field(OUT, "TRACE PP") }
      record(stringout, "B") { field(PINI, "RUN") field(VAL, "B") field(OUT, "TRACE PP") }
      record(stringout, "C") { field(PINI, "YES") field(VAL, "C") field(OUT, "TRACE PP") }
      record(waveform, "TRACE") { field(FTVL, STRING) }`);
    const order: unknown[] = [];
    pvOf(database, 'TRACE').subscribe(() => order.push(valueOf(pvOf(database, 'TRACE'))));
    database.start();
    expect(order).toEqual(['C', 'B', 'A']);
    database.close();
  });

  // iocInit.c: piniProcessHook processes PAUSE at initHookAtIocPause (before scanPause), PAUSED at
  // initHookAfterIocPaused, RUN at initHookAtIocRun (before scanRun) and RUNNING after it, at every
  // iocRun. softIoc 7.0.8.1 printed "iocPause: IOC suspended" and "iocRun: IOC restarted", and
  // "iocPause: IOC not running" for a second iocPause.
  it('processes PAUSE and PAUSED records at pause, RUN and RUNNING again at resume, and stops the scans meanwhile', () => {
    jest.useFakeTimers();
    const database = databaseOf(`
      record(stringout, "P") { field(PINI, "PAUSE") field(VAL, "pause") field(OUT, "TRACE PP") }
      record(stringout, "Q") { field(PINI, "PAUSED") field(VAL, "paused") field(OUT, "TRACE PP") }
      record(stringout, "R") { field(PINI, "RUN") field(VAL, "run") field(OUT, "TRACE PP") }
      record(stringout, "S") { field(PINI, "RUNNING") field(VAL, "running") field(OUT, "TRACE PP") }
      record(waveform, "TRACE") { field(FTVL, STRING) }
      record(calc, "TICKS") { field(SCAN, ".1 second") field(CALC, "A+1") field(INPA, "TICKS") }`);
    const order: unknown[] = [];
    pvOf(database, 'TRACE').subscribe(() => order.push(valueOf(pvOf(database, 'TRACE'))));
    try {
      database.start();
      expect(order).toEqual(['run', 'running']);
      jest.advanceTimersByTime(250);
      const ticks = valueOf(pvOf(database, 'TICKS'));
      expect(ticks).toBeGreaterThan(0);
      expect(database.pause()).toBe('iocPause: IOC suspended\n');
      expect(order).toEqual(['run', 'running', 'pause', 'paused']);
      expect(database.pause()).toBe('iocPause: IOC not running\n');
      jest.advanceTimersByTime(1000);
      expect(valueOf(pvOf(database, 'TICKS'))).toBe(ticks);
      expect(database.resume()).toBe('iocRun: IOC restarted\n');
      expect(order).toEqual(['run', 'running', 'pause', 'paused', 'run', 'running']);
      jest.advanceTimersByTime(250);
      expect(valueOf(pvOf(database, 'TICKS'))).toBeGreaterThan(ticks as number);
      expect(database.resume()).toBe('iocRun: IOC not paused\n');
    } finally {
      database.close();
      jest.useRealTimers();
    }
  });
});
