import { IOC_STATS_DB } from '../../../src/ioc/records-files';
import * as os from 'node:os';
import type { CaServerStatistics } from '../../../src/ca/server';
import { Database } from '../../../src/database';
import { AlarmSeverity, AlarmStatus, timeStampFromMillis } from '../../../src/database/pv';
import { charsToText } from '../../../src/database/text';
import { silentLogger } from '../../../src/logger';
import { createIocStatsGroup, type IocStatsGroup, type ProcessMetrics } from '../../../src/ioc/stats';

const onLinux = process.platform === 'linux' ? it : it.skip;

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

interface Fixture {
  database: Database;
  group: IocStatsGroup;
  /** What the fake host thread posted last. */
  host: { metrics?: ProcessMetrics };
  server: CaServerStatistics;
  number(name: string): number;
  text(name: string): string;
  alarm(name: string): { status: number; severity: number; message: string };
}

const groups: IocStatsGroup[] = [];
afterEach(() => groups.splice(0).forEach((group) => group.stop()));

function start(options: { macros?: string; env?: { [name: string]: string } } = {}): Fixture {
  const database = new Database();
  database.loadFile(IOC_STATS_DB, { macros: `P=T:${options.macros ? `,${options.macros}` : ''}` });
  const host: Fixture['host'] = {};
  const server: CaServerStatistics = { clients: 3, channels: 42, subscriptions: 40, queuedBytes: 0 };
  const group = createIocStatsGroup({
    database,
    prefix: 'T:',
    metrics: () => host.metrics,
    serverStatistics: () => server,
    periodSeconds: 3600,
    logger: silentLogger(),
    env: options.env ?? { ENGINEER: 'Ada', LOCATION: 'Lab 1' },
  });
  groups.push(group);
  return {
    database,
    group,
    host,
    server,
    number: (name) => database.record(`T:${name}`, 'number').get(),
    text: (name) => database.record(`T:${name}`, 'string').get(),
    alarm: (name) => database.record(`T:${name}`).alarm(),
  };
}

describe('the iocStats group', () => {
  it('says at once what the IOC is, where and whose', () => {
    const { database, number, text } = start();
    expect(text('EPICS_VERS')).toMatch(/^memtrace-ioc \d+\.\d+\.\d+\S* \(CA 4\.13\)$/);
    expect(text('KERNEL_VERS')).toBe(`${os.type()} ${os.release()} ${os.machine()}`.slice(0, 39));
    expect(text('NODE_VERS')).toContain(process.version);
    expect(text('HOSTNAME')).toBe(os.hostname().slice(0, 39));
    expect(text('ENGINEER')).toBe('Ada');
    expect(text('LOCATION')).toBe('Lab 1');
    expect(text('STARTTOD')).toMatch(/^\d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d$/);
    expect(number('PROCESS_ID')).toBe(process.pid);
    expect(number('PARENT_ID')).toBe(process.ppid);
    expect(number('CPU_CNT')).toBeGreaterThan(0);
    expect(charsToText(database.record('T:APP_DIR', 'array').get() as Uint8Array)).toBe(process.cwd().slice(0, 255));
  });

  it('takes ENGINEER and LOCATION from macros over the environment', () => {
    const { text } = start({ macros: 'ENGINEER=Grace,LOCATION=Hall B' });
    expect([text('ENGINEER'), text('LOCATION')]).toEqual(['Grace', 'Hall B']);
  });

  it('says "<not available>" as devIocStats does when nothing names the engineer or location', () => {
    const { text } = start({ env: {} });
    expect([text('ENGINEER'), text('LOCATION')]).toEqual(['<not available>', '<not available>']);
  });

  it('beats HEARTBEAT once a period, wrapping as devIocStats does', async () => {
    const { database, group, number } = start();
    expect(number('HEARTBEAT')).toBe(1);
    await group.update();
    expect(number('HEARTBEAT')).toBe(2);
    database.record('T:HEARTBEAT', 'number').set(2147483647);
    await group.update();
    expect(number('HEARTBEAT')).toBe(1);
  });

  it('writes the time of day and the uptime each period', () => {
    const { text } = start();
    expect(text('TOD')).toMatch(/^\d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d$/);
    expect(text('UPTIME')).toMatch(/^(\d+ days?, )?\d\d:\d\d:\d\d$/);
  });

  it('counts CA clients and channels from the server, and the records of the database', async () => {
    const { database, group, server, number } = start();
    expect([number('CA_CLNT_CNT'), number('CA_CONN_CNT')]).toEqual([3, 42]);
    server.clients = 4;
    server.channels = 50;
    database.loadText('record(ai, "OTHER")');
    await group.update();
    expect([number('CA_CLNT_CNT'), number('CA_CONN_CNT')]).toEqual([4, 50]);
    expect(number('RECORD_CNT')).toBe(database.recordNames().length);
  });

  it('shows the host thread\'s figures as INVALID until its first snapshot', () => {
    const { alarm } = start();
    expect(alarm('HEAP_USED')).toEqual({ status: AlarmStatus.UDF, severity: AlarmSeverity.INVALID, message: 'no snapshot from the host thread yet' });
    expect(alarm('EVENT_LOOP_LAG').severity).toBe(AlarmSeverity.INVALID);
  });

  it('writes the host thread\'s snapshot, stamped with the time it was taken', async () => {
    const { database, group, host, number, alarm } = start();
    host.metrics = snapshot();
    await group.update();
    expect(number('HEAP_USED')).toBe(50e6);
    expect(number('HEAP_TOTAL')).toBe(80e6);
    expect(number('HEAP_LIMIT')).toBe(200e6);
    expect(number('HEAP_USED_PCT')).toBe(25);
    expect(number('EXTERNAL_MEM')).toBe(1e6);
    expect(number('ARRAY_BUFFERS')).toBe(2e5);
    expect(number('GC_COUNT')).toBe(7);
    expect(number('GC_PAUSE')).toBe(3.5);
    expect(number('EVENT_LOOP_LAG')).toBe(1.25);
    expect(number('EVENT_LOOP_UTIL')).toBe(12.5);
    expect(alarm('HEAP_USED').severity).toBe(AlarmSeverity.NO_ALARM);
    expect(database.record('T:EVENT_LOOP_LAG').timeStamp()).toEqual(timeStampFromMillis(host.metrics.takenAt));
    expect(database.record('T:HEAP_USED').field('HOPR')).toBe(200e6);
  });

  it('alarms on the snapshot\'s figures by the limits of the records', async () => {
    const { group, host, alarm } = start();
    host.metrics = snapshot({ heapUsed: 185e6, eventLoopLagMs: 3000 });
    await group.update();
    expect(alarm('HEAP_USED_PCT')).toMatchObject({ status: AlarmStatus.HIHI, severity: AlarmSeverity.MAJOR });
    expect(alarm('EVENT_LOOP_LAG')).toMatchObject({ status: AlarmStatus.HIHI, severity: AlarmSeverity.MAJOR });
  });

  it('keeps the last figures with an INVALID TIMEOUT alarm while the host thread is silent', async () => {
    const { group, host, number, alarm } = start();
    host.metrics = snapshot();
    await group.update();
    host.metrics = { ...host.metrics, takenAt: Date.now() - 10_000 };
    await group.update();
    expect(number('HEAP_USED')).toBe(50e6);
    expect(alarm('HEAP_USED')).toEqual({ status: AlarmStatus.TIMEOUT, severity: AlarmSeverity.INVALID, message: 'host thread silent for 10 s' });
    host.metrics = snapshot({ heapUsed: 60e6 });
    await group.update();
    expect(number('HEAP_USED')).toBe(60e6);
    expect(alarm('HEAP_USED').severity).toBe(AlarmSeverity.NO_ALARM);
  });

  it('reads memory of the process and the system', async () => {
    const { database, group, number } = start();
    await group.update();
    expect(number('MEM_MAX')).toBeGreaterThan(0);
    expect(number('MEM_FREE')).toBeGreaterThan(0);
    expect(number('MEM_FREE')).toBeLessThanOrEqual(number('MEM_MAX'));
    expect(number('MEM_USED')).toBeGreaterThan(1e6);
    expect(number('RSS')).toBeGreaterThan(1e6);
    expect(database.record('T:MEM_USED').field('HOPR')).toBe(number('MEM_MAX'));
  });

  it('has the CPU loads from its first update (averaged since the process started), so they are never UDF', async () => {
    const { group, number, alarm } = start();
    await group.update();
    for (const name of ['IOC_CPU_LOAD', 'SYS_CPU_LOAD']) {
      expect(alarm(name).status).not.toBe(AlarmStatus.UDF);
      expect(number(name)).toBeGreaterThan(0);
      expect(number(name)).toBeLessThanOrEqual(100);
    }
  });

  onLinux('counts file descriptors against their limit', async () => {
    const { database, group, number } = start();
    await group.update();
    expect(number('FD_CNT')).toBeGreaterThan(0);
    expect(number('FD_MAX')).toBeGreaterThan(number('FD_CNT'));
    expect(number('FD_FREE')).toBe(number('FD_MAX') - number('FD_CNT'));
    expect(database.record('T:FD_CNT').field('HOPR')).toBe(number('FD_MAX'));
  });

  it('refuses to start without its records', () => {
    const database = new Database();
    expect(() =>
      createIocStatsGroup({ database, prefix: 'T:', metrics: () => undefined, serverStatistics: () => ({ clients: 0, channels: 0, subscriptions: 0, queuedBytes: 0 }), periodSeconds: 1, logger: silentLogger() }),
    ).toThrow(/no record T:/);
  });
});
