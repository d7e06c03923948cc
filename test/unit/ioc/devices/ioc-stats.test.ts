import { Database, DbFileError } from '../../../../src/database';
import { AlarmSeverity, AlarmStatus } from '../../../../src/database/pv';
import { charsToText } from '../../../../src/database/text';
import type { IocStatsDrivers, ServerCounts } from '../../../../src/ioc/devices';
import type { ProcessMetrics } from '../../../../src/ioc/stats/metrics';
import { iocDatabase } from '../../../helpers/ioc-devices';
import { textMatching } from '../../../helpers/matchers';

// The device supports "IOC stats", "Node stats", "IOC env var" and "IOC epics var" bound by a real
// database from .db text. The sources (server counts, the host thread's snapshot, the environment)
// are what ioc-core injects; /proc is read for real. Expected values and texts follow devIocStats:
// devIocStatsAnalog.c (ai/ao tables, ao_write), devIocStatsString.c, devIocStatsWaveform.c.

interface Fixture {
  database: Database;
  drivers: IocStatsDrivers;
  ca: ServerCounts;
  host: { metrics?: ProcessMetrics };
}

const started: Fixture[] = [];
afterEach(() => {
  for (const { database, drivers } of started.splice(0)) {
    drivers.stop();
    database.close();
  }
});

function snapshot(overrides: Partial<ProcessMetrics> = {}): ProcessMetrics {
  return {
    takenAt: Date.now() - 200,
    periodSeconds: 1,
    heapUsed: 50e6,
    heapTotal: 80e6,
    heapLimit: 200e6,
    external: 1e6,
    arrayBuffers: 2e5,
    gcCount: 7,
    gcPauseMs: 3.5,
    eventLoopLagMs: 1.25,
    eventLoopUtilization: 12.5,
    ...overrides,
  };
}

async function load(text: string, env: { [name: string]: string } = {}): Promise<Fixture> {
  const ca: ServerCounts = { clients: 3, channels: 42 };
  const host: Fixture['host'] = { metrics: snapshot() };
  const { database, drivers } = iocDatabase({
    ca: () => ca,
    pva: () => ({ clients: 1, channels: 2 }),
    metrics: () => host.metrics,
    env,
    epicsParameters: new Map([['EPICS_CAS_SERVER_PORT', '5064']]),
  });
  started.push({ database, drivers, ca, host });
  await drivers.prime();
  database.loadText(text, { file: 'stats.db' });
  database.start();
  return { database, drivers, ca, host };
}

const aiRecord = (name: string, dtyp: string, parameter: string, extra = '') =>
  `record(ai, "${name}") {\n  field(SCAN, "I/O Intr")\n  field(DTYP, "${dtyp}")\n  field(INP, "@${parameter}")\n${extra}}\n`;

function loadError(text: string): Promise<string> {
  return load(text).then(
    () => {
      throw new Error('the load did not fail');
    },
    (error: unknown) => {
      expect(error).toBeInstanceOf(DbFileError);
      return (error as Error).message;
    },
  );
}

describe('"IOC stats" ai', () => {
  it('reads the CA counts when the CA group updates, through I/O Intr', async () => {
    const { database, drivers, ca } = await load(aiRecord('CLNT', 'IOC stats', 'ca_clients') + aiRecord('CONN', 'IOC stats', 'ca_connections'));
    await drivers.ca.update();
    expect(database.record('CLNT', 'number').get()).toBe(3);
    expect(database.record('CONN', 'number').get()).toBe(42);
    ca.clients = 5;
    expect(database.record('CLNT', 'number').get()).toBe(3);
    await drivers.ca.update();
    expect(database.record('CLNT', 'number').get()).toBe(5);
    expect(database.record('CLNT').alarm().severity).toBe(AlarmSeverity.NO_ALARM);
  });

  it('reads memory in bytes, and HOPR follows the physical memory when the .db gives no range', async () => {
    const { database, drivers } = await load(
      aiRecord('USED', 'IOC stats', 'allocated_bytes') +
        aiRecord('MAX', 'IOC stats', 'total_bytes') +
        aiRecord('RANGED', 'IOC stats', 'free_bytes', '  field(HOPR, "1000")\n'),
    );
    await drivers.memory.update();
    const total = database.record('MAX', 'number').get();
    expect(total).toBeGreaterThan(1e6);
    // allocated_bytes is the resident size on Linux (os/Linux/osdMemUsage.c: statm's resident pages).
    expect(database.record('USED', 'number').get()).toBeGreaterThan(1e6);
    expect(database.record('USED', 'number').get()).toBeLessThan(total);
    expect(database.record('USED').field('HOPR')).toBe(total);
    expect(database.record('RANGED').field('HOPR')).toBe(1000);
  });

  it('gives what a Node process has no counterpart for as devIocStats gives it on Linux', async () => {
    const names = ['free_blocks', 'max_free', 'workspace_total_bytes', 'inp_errs', 'suspended_tasks', 'min_sys_mbuf', 'cbLowQueueOverruns'];
    const { database, drivers } = await load(names.map((name) => aiRecord(name, 'IOC stats', name)).join(''));
    await Promise.all([drivers.memory.update(), drivers.load.update(), drivers.queue.update()]);
    // minMBuf with no cluster pools: 100 (%); the others are left at 0.
    expect(names.map((name) => database.record(name, 'number').get())).toEqual([0, 0, 0, 0, 0, 100, 0]);
  });

  it('counts the records, and gives the scanOnce queue an unbounded size (Infinity), so iocQueue.db percentages are 0 % and valid', async () => {
    const { database } = await load(
      'record(ai, "COUNT") {\n  field(PINI, "YES")\n  field(DTYP, "IOC stats")\n  field(INP, "@records")\n}\n' +
        'record(ai, "SIZE") {\n  field(PINI, "YES")\n  field(DTYP, "IOC stats")\n  field(INP, "@scanOnceQueueSize")\n}\n' +
        'record(ai, "HIGH") {\n  field(PINI, "YES")\n  field(DTYP, "IOC stats")\n  field(INP, "@scanOnceQueueHiWtrMrk")\n  field(FLNK, "PER")\n}\n' +
        'record(calc, "PER") {\n  field(INPA, "HIGH NPP MS")\n  field(INPB, "SIZE NPP MS")\n  field(CALC, "100*A/B")\n}\n',
    );
    expect(database.record('COUNT', 'number').get()).toBe(4);
    expect(database.record('SIZE', 'number').get()).toBe(Number.POSITIVE_INFINITY);
    expect(database.record('PER', 'number').get()).toBe(0);
    expect(database.record('PER').alarm().severity).toBe(AlarmSeverity.NO_ALARM);
  });

  it('refuses an unknown parameter at load, at the parameter, naming the choices', async () => {
    const message = await loadError('record(ai, "X") {\n  field(DTYP, "IOC stats")\n  field(INP, "@ca_client")\n}');
    expect(message).toMatch(/^stats\.db:3:16: X: "@ca_client" is not a parameter of IOC stats for ai; choose one of @free_bytes, /);
    expect(message).toContain('@ca_clients');
  });
});

describe('"IOC stats" ao (the update periods)', () => {
  const ao = (value: string) => `record(ao, "RATE") {\n  field(DTYP, "IOC stats")\n  field(OUT, "@ca_scan_rate")\n${value}}\n`;

  it("starts at devIocStats' default period when VAL is not given, and a write sets the group's period", async () => {
    const { database, drivers } = await load(ao(''));
    expect(database.record('RATE', 'number').get()).toBe(15);
    database.record('RATE', 'number').set(2);
    expect(drivers.ca.period).toBe(2);
  });

  it('replaces a VAL of 0 or less by the period in force (ao_write)', async () => {
    const { database, drivers } = await load(ao('  field(VAL, "4")\n  field(PINI, "YES")\n'));
    expect(drivers.ca.period).toBe(4);
    database.record('RATE', 'number').set(-1);
    expect(database.record('RATE', 'number').get()).toBe(4);
    expect(drivers.ca.period).toBe(4);
  });

  it("names devIocStats' ao parameters for an unknown one", async () => {
    const message = await loadError('record(ao, "R") {\n  field(DTYP, "IOC stats")\n  field(OUT, "@load_scan_rate")\n}');
    expect(message).toContain('choose one of @memory_scan_rate, @cpu_scan_rate, @fd_scan_rate, @ca_scan_rate, @queue_scan_rate');
  });
});

describe('"IOC stats" texts', () => {
  const stringin = (name: string, parameter: string, dtyp = 'IOC stats') =>
    `record(stringin, "${name}") {\n  field(PINI, "YES")\n  field(DTYP, "${dtyp}")\n  field(INP, "@${parameter}")\n}\n`;

  it('reads ENGINEER (else LOGNAME, USER) and LOCATION from the environment (devIocStatsGetEngineer)', async () => {
    const { database } = await load(stringin('ENG', 'engineer') + stringin('LOC', 'location'), { LOGNAME: 'ada', LOCATION: 'Lab 1' });
    expect(database.record('ENG', 'string').get()).toBe('ada');
    expect(database.record('LOC', 'string').get()).toBe('Lab 1');
  });

  it('gives <not available> for what is not set, and up_time as "hh:mm:ss"', async () => {
    const { database } = await load(stringin('ENG', 'engineer') + stringin('BSP', 'bsp_rev') + stringin('UP', 'up_time'));
    expect(database.record('ENG', 'string').get()).toBe('<not available>');
    expect(database.record('BSP', 'string').get()).toBe('<not available>');
    expect(database.record('UP', 'string').get()).toMatch(/^(\d+ days?, )?\d\d:\d\d:\d\d$/);
  });

  it('splits a long startup script into 39-byte parts, and a CHAR waveform holds it whole with its NUL', async () => {
    const script = `/opt/epics/iocs/${'x'.repeat(40)}/iocBoot/ioc`;
    const text =
      stringin('S1', 'startup_script_1') +
      stringin('S2', 'startup_script_2') +
      'record(waveform, "WF") {\n  field(PINI, "YES")\n  field(DTYP, "IOC stats")\n  field(INP, "@startup_script")\n  field(FTVL, "CHAR")\n  field(NELM, "120")\n}\n';
    const { database } = await load(text, { STARTUP: script, ST_CMD: 'st.cmd' });
    const whole = `${script}/st.cmd`;
    expect(database.record('S1', 'string').get()).toBe(whole.slice(0, 39));
    expect(database.record('S2', 'string').get()).toBe(whole.slice(39, 78));
    expect(charsToText(database.record('WF', 'array').get() as Uint8Array)).toBe(whole);
    expect(database.record('WF').field('NORD')).toBe(whole.length + 1);
  });

  it('refuses a waveform that is not CHAR (waveform_init_record), at its DTYP', async () => {
    const message = await loadError('record(waveform, "W") {\n  field(DTYP, "IOC stats")\n  field(INP, "@pwd")\n  field(FTVL, "DOUBLE")\n}');
    expect(message).toBe('stats.db:2:15: W: a text needs FTVL "CHAR"');
  });
});

describe('"Node stats"', () => {
  it("reads the host thread's snapshot; HOPR of heap_used follows heap_limit", async () => {
    const { database, drivers } = await load(
      aiRecord('HEAP', 'Node stats', 'heap_used') + aiRecord('PCT', 'Node stats', 'heap_used_pct') + aiRecord('LAG', 'Node stats', 'loop_lag'),
    );
    await drivers.node.update();
    expect(database.record('HEAP', 'number').get()).toBe(50e6);
    expect(database.record('HEAP').field('HOPR')).toBe(200e6);
    expect(database.record('PCT', 'number').get()).toBe(25);
    expect(database.record('LAG', 'number').get()).toBe(1.25);
  });

  it('shows a snapshot older than three of its periods as TIMEOUT/INVALID, keeping the last value, and none yet as UDF/INVALID', async () => {
    const { database, drivers, host } = await load(aiRecord('HEAP', 'Node stats', 'heap_used'));
    await drivers.node.update();
    host.metrics = snapshot({ takenAt: Date.now() - 10_000, heapUsed: 1 });
    await drivers.node.update();
    expect(database.record('HEAP', 'number').get()).toBe(50e6);
    expect(database.record('HEAP').alarm()).toEqual({
      status: AlarmStatus.TIMEOUT,
      severity: AlarmSeverity.INVALID,
      message: textMatching(/^host thread silent for 1\d s$/),
    });
    host.metrics = undefined;
    await drivers.node.update();
    expect(database.record('HEAP').alarm()).toEqual({
      status: AlarmStatus.UDF,
      severity: AlarmSeverity.INVALID,
      message: 'no snapshot from the host thread yet',
    });
  });

  it('reads the pvAccess counts with the CA group', async () => {
    const { database, drivers } = await load(aiRecord('PVA', 'Node stats', 'pva_clients'));
    await drivers.ca.update();
    expect(database.record('PVA', 'number').get()).toBe(1);
  });
});

describe('"IOC env var" and "IOC epics var"', () => {
  const text = (dtyp: string, parameter: string, type = 'stringin') =>
    `record(${type}, "V") {\n  field(PINI, "YES")\n  field(DTYP, "${dtyp}")\n  field(INP, "@${parameter}")\n}\n`;

  it('reads the environment variable named in INP, or <not available> (envvar_read)', async () => {
    expect((await load(text('IOC env var', 'SITE'), { SITE: 'north' })).database.record('V', 'string').get()).toBe('north');
    expect((await load(text('IOC env var', 'SITE'))).database.record('V', 'string').get()).toBe('<not available>');
  });

  it('gives a long value whole in an lsi, up to SIZV − 1 bytes', async () => {
    const long = 'a'.repeat(60);
    const lsi = text('IOC env var', 'LONG', 'lsi').replace('}', '  field(SIZV, "100")\n}');
    expect((await load(lsi, { LONG: long })).database.record('V', 'string').get()).toBe(long);
    expect((await load(text('IOC env var', 'LONG', 'lsi'), { LONG: long })).database.record('V', 'string').get()).toBe(long.slice(0, 40));
  });

  it('reads an EPICS parameter, and refuses at load a name that is none', async () => {
    expect((await load(text('IOC epics var', 'EPICS_CAS_SERVER_PORT'))).database.record('V', 'string').get()).toBe('5064');
    expect(await loadError(text('IOC epics var', 'EPICS_CAS_SERVR_PORT'))).toContain(
      '"@EPICS_CAS_SERVR_PORT" is not a parameter of IOC epics var for stringin; choose one of @EPICS_CAS_SERVER_PORT',
    );
  });
});
