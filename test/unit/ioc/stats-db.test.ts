import * as fs from 'node:fs';
import * as path from 'node:path';
import { IOC_STATS_DB } from '../../../src/ioc/records-files';
import type { Database } from '../../../src/database';
import { AlarmSeverity, AlarmStatus } from '../../../src/database/pv';
import type { IocStatsDrivers } from '../../../src/ioc/devices';
import { iocDatabase } from '../../helpers/ioc-devices';

/** Every PV of the issue (and HEAP_USED_PCT, which carries the heap's alarm), with its record type and EGU. */
const PVS: { [name: string]: [recordType: string, egu?: string] } = {
  HEARTBEAT: ['calcout', ''],
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
  READACF: ['sub', ''],
  CA_UPD_TIME: ['ao', 'sec'],
  FD_UPD_TIME: ['ao', 'sec'],
  LOAD_UPD_TIME: ['ao', 'sec'],
  MEM_UPD_TIME: ['ao', 'sec'],
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

const drivers: IocStatsDrivers[] = [];
afterEach(() => drivers.splice(0).forEach((driver) => driver.stop()));

function load(macros = 'P=T:'): Database {
  const loaded = iocDatabase();
  drivers.push(loaded.drivers);
  loaded.database.loadFile(IOC_STATS_DB, { macros });
  return loaded.database;
}

/** The record definitions of a .db text, by name: type and fields (macros already expanded). */
function definitions(text: string): Map<string, { type: string; fields: Map<string, string> }> {
  const records = new Map<string, { type: string; fields: Map<string, string> }>();
  for (const [, type, name, body] of text.matchAll(/^record\(\s*(\w+),\s*"([^"]+)"\)\s*\{(.*?)^\}/gms)) {
    const fields = new Map([...body!.matchAll(/field\((\w+),\s*"([^"]*)"\)/g)].map(([, field, value]) => [field!, value!.replace(/\s+/g, ' ')]));
    records.set(name!, { type: type!, fields });
  }
  return records;
}

/** iocStats.db with P=IOC: and every macro at its default. */
function shippedDefinitions() {
  const text = fs
    .readFileSync(IOC_STATS_DB, 'utf8')
    .replace(/\$\(P\)/g, '$(IOC):')
    .replace(/\$\((\w+)=([^)]*)\)/g, '$2');
  return definitions(text);
}

/** simulation mode (SIMM YES): the record processes with SVAL as its value, as a test drives a device-owned record. */
function simulate(database: Database, name: string, value: number): void {
  const record = database.record(name);
  record.setField('SIMM', 1);
  record.setField('SVAL', value);
  record.setField('PROC', 1);
}

/** The shipped records with T:`name` brought to `value`: FD_FREE = FD_MAX − FD_CNT through FD_CNT's FLNK. */
function drive(name: string, value: number): Database {
  const database = load();
  if (name === 'FD_FREE') {
    simulate(database, 'T:FD_MAX', 10_000);
    simulate(database, 'T:FD_CNT', 10_000 - value);
  } else simulate(database, `T:${name}`, value);
  expect(database.record(`T:${name}`, 'number').get()).toBe(value);
  return database;
}

describe('records/iocStats.db', () => {
  it('loads with only P given, and defines exactly the listed PVs', () => {
    const database = load();
    expect(database.recordNames().sort()).toEqual(
      Object.keys(PVS)
        .map((name) => `T:${name}`)
        .sort(),
    );
  });

  it("names for each PV devIocStats has the record type, DTYP, INP/OUT, CALC, SNAM, SCAN and FLNK of devIocStats' ioc.template", () => {
    const template = definitions(fs.readFileSync(path.join(__dirname, '../../fixtures/db/iocAdminSoft.db'), 'utf8'));
    const shipped = shippedDefinitions();
    const shared = [...shipped.keys()].filter((name) => template.has(name));
    expect(shared.length).toBe(29);
    for (const name of shared) {
      const ours = shipped.get(name)!;
      const theirs = template.get(name)!;
      expect([name, ours.type]).toEqual([name, theirs.type]);
      for (const field of ['DTYP', 'INP', 'OUT', 'CALC', 'INPA', 'INPB', 'INPC', 'INAM', 'SNAM', 'SCAN', 'FLNK']) {
        expect([name, field, ours.fields.get(field)]).toEqual([name, field, theirs.fields.get(field)]);
      }
    }
  });

  it.each(Object.entries(PVS).map(([name, [recordType, egu]]) => [name, recordType, egu] as const))(
    'serves %s as a %s record with its units',
    (name, recordType, egu) => {
      const database = load();
      const record = database.record(`T:${name}`);
      expect(record.recordType).toBe(recordType);
      expect(String(record.field('DESC')).length).toBeGreaterThan(0);
      if (egu !== undefined) expect(database.find(`T:${name}`)!.metadata().units).toBe(egu);
    },
  );

  it("keeps devIocStats alarm limits by default, and takes a site's limits and severities as macros", () => {
    const defaults = load().record('T:IOC_CPU_LOAD');
    expect([defaults.field('HIGH'), defaults.field('HSV'), defaults.field('HIHI'), defaults.field('HHSV')]).toEqual([
      70,
      AlarmSeverity.MINOR,
      80,
      AlarmSeverity.MAJOR,
    ]);
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
    const database = drive(name, value);
    expect(database.record(`T:${name}`).alarm()).toMatchObject({ status, severity });
  });

  it.each([
    ['EVENT_LOOP_LAG', 5],
    ['HEAP_USED_PCT', 40],
    ['IOC_CPU_LOAD', 5],
    ['FD_FREE', 1000],
    ['MEM_FREE', 8e9],
  ])('raises no alarm when %s is an ordinary %d', (name, value) => {
    const database = drive(name, value);
    expect(database.record(`T:${name}`).alarm().severity).toBe(AlarmSeverity.NO_ALARM);
  });
});
