import { IOC_STATS_DB } from '../../../src/ioc/records-files';
import { Database } from '../../../src/database';
import { AlarmSeverity, AlarmStatus } from '../../../src/database/pv';


/** Every PV of the issue (and HEAP_USED_PCT, which carries the heap's alarm), with its record type and EGU. */
const PVS: { [name: string]: [recordType: string, egu?: string] } = {
  HEARTBEAT: ['calc', ''],
  UPTIME: ['stringin'],
  STARTTOD: ['stringin'],
  TOD: ['stringin'],
  CPU_CNT: ['ai', ''],
  IOC_CPU_LOAD: ['ai', '%'],
  SYS_CPU_LOAD: ['ai', '%'],
  MEM_USED: ['ai', 'byte'],
  MEM_FREE: ['ai', 'byte'],
  MEM_MAX: ['ai', 'byte'],
  FD_CNT: ['ai', ''],
  FD_MAX: ['ai', ''],
  FD_FREE: ['calc', ''],
  CA_CLNT_CNT: ['ai', ''],
  CA_CONN_CNT: ['ai', ''],
  PVA_CLNT_CNT: ['ai', ''],
  PVA_CONN_CNT: ['ai', ''],
  RECORD_CNT: ['ai', ''],
  EPICS_VERS: ['stringin'],
  KERNEL_VERS: ['stringin'],
  HOSTNAME: ['stringin'],
  ENGINEER: ['stringin'],
  LOCATION: ['stringin'],
  PROCESS_ID: ['ai', ''],
  PARENT_ID: ['ai', ''],
  APP_DIR: ['waveform'],
  READACF: ['bo'],
  ACF_STATUS: ['lsi'],
  NODE_VERS: ['stringin'],
  RSS: ['ai', 'byte'],
  HEAP_USED: ['ai', 'byte'],
  HEAP_TOTAL: ['ai', 'byte'],
  HEAP_LIMIT: ['ai', 'byte'],
  HEAP_USED_PCT: ['ai', '%'],
  EXTERNAL_MEM: ['ai', 'byte'],
  ARRAY_BUFFERS: ['ai', 'byte'],
  GC_COUNT: ['ai', ''],
  GC_PAUSE: ['ai', 'ms'],
  EVENT_LOOP_LAG: ['ai', 'ms'],
  EVENT_LOOP_UTIL: ['ai', '%'],
};

function load(macros = 'P=T:'): Database {
  const database = new Database();
  database.loadFile(IOC_STATS_DB, { macros });
  return database;
}

describe('records/iocStats.db', () => {
  it('loads with only P given, and defines exactly the listed PVs, all Passive', () => {
    const database = load();
    expect(database.recordNames().sort()).toEqual(Object.keys(PVS).map((name) => `T:${name}`).sort());
    for (const name of database.recordNames()) expect(database.record(name).field('SCAN')).toBe(0);
  });

  it.each(Object.entries(PVS).map(([name, [recordType, egu]]) => [name, recordType, egu] as const))('serves %s as a %s record with its units', (name, recordType, egu) => {
    const database = load();
    const record = database.record(`T:${name}`);
    expect(record.recordType).toBe(recordType);
    expect(String(record.field('DESC')).length).toBeGreaterThan(0);
    if (egu !== undefined) expect(database.find(`T:${name}`)!.metadata().units).toBe(egu);
  });

  it('keeps devIocStats alarm limits by default, and takes a site\'s limits and severities as macros', () => {
    const defaults = load().record('T:IOC_CPU_LOAD');
    expect([defaults.field('HIGH'), defaults.field('HSV'), defaults.field('HIHI'), defaults.field('HHSV')]).toEqual([70, AlarmSeverity.MINOR, 80, AlarmSeverity.MAJOR]);
    const site = load('P=T:,IOC_CPU_LOAD_HIGH=50,IOC_CPU_LOAD_HHSV=INVALID,FD_FREE_LOW=100');
    expect(site.record('T:IOC_CPU_LOAD').field('HIGH')).toBe(50);
    expect(site.record('T:IOC_CPU_LOAD').field('HHSV')).toBe(AlarmSeverity.INVALID);
    expect(site.record('T:FD_FREE').field('LOW')).toBe(100);
  });

  it.each([
    ['EVENT_LOOP_LAG', 150, AlarmStatus.HIGH, AlarmSeverity.MINOR],
    ['EVENT_LOOP_LAG', 3000, AlarmStatus.HIHI, AlarmSeverity.MAJOR],
    ['HEAP_USED_PCT', 85, AlarmStatus.HIGH, AlarmSeverity.MINOR],
    ['HEAP_USED_PCT', 95, AlarmStatus.HIHI, AlarmSeverity.MAJOR],
    ['GC_PAUSE', 400, AlarmStatus.HIHI, AlarmSeverity.MAJOR],
    ['EVENT_LOOP_UTIL', 99, AlarmStatus.HIHI, AlarmSeverity.MAJOR],
    ['SYS_CPU_LOAD', 75, AlarmStatus.HIGH, AlarmSeverity.MINOR],
    ['CA_CLNT_CNT', 180, AlarmStatus.HIHI, AlarmSeverity.MAJOR],
    ['CA_CONN_CNT', 4200, AlarmStatus.HIGH, AlarmSeverity.MINOR],
    ['PVA_CONN_CNT', 4200, AlarmStatus.HIGH, AlarmSeverity.MINOR],
    ['FD_FREE', 10, AlarmStatus.LOW, AlarmSeverity.MINOR],
    ['FD_FREE', 2, AlarmStatus.LOLO, AlarmSeverity.MAJOR],
    ['MEM_FREE', 100e6, AlarmStatus.LOW, AlarmSeverity.MINOR],
    ['MEM_FREE', 10e6, AlarmStatus.LOLO, AlarmSeverity.MAJOR],
  ])('alarms when %s reaches %d', (name, value, status, severity) => {
    const record = load().record(`T:${name}`, 'number');
    record.set(value);
    expect(record.alarm()).toMatchObject({ status, severity });
  });

  it.each([
    ['EVENT_LOOP_LAG', 5],
    ['HEAP_USED_PCT', 40],
    ['IOC_CPU_LOAD', 5],
    ['FD_FREE', 1000],
    ['MEM_FREE', 8e9],
  ])('raises no alarm when %s is an ordinary %d', (name, value) => {
    const record = load().record(`T:${name}`, 'number');
    record.set(value);
    expect(record.alarm().severity).toBe(AlarmSeverity.NO_ALARM);
  });
});
