import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AcfError, loadAcfFile } from '../../../src/access';
import type { Database } from '../../../src/database';
import { AlarmSeverity, AlarmStatus } from '../../../src/database/pv';
import { startAccessSecurity, type AccessSecurity } from '../../../src/ioc/access-security';
import { parseCommandLine, UsageError } from '../../../src/ioc/cli-args';
import { ConfigError, resolveIocConfig } from '../../../src/ioc/config/ioc-config';
import { IOC_STATS_DB, MEMORY_TRACING_DB, RECORDS_DIRECTORY } from '../../../src/ioc/records-files';
import type { IocStatsDrivers } from '../../../src/ioc/devices';
import { iocDatabase } from '../../helpers/ioc-devices';
import { capturingLogger } from '../database/helpers';
import { textMatching } from '../../helpers/matchers';

// Where the IOC takes its access security file from, and what it does with it.

const CLIENT = { user: 'mallory', host: 'h', address: '127.0.0.1' };

describe('accessSecurity in ioc.config.json and startIoc options', () => {
  it('defaults to no file, host names and no macros', () => {
    expect(resolveIocConfig({}, '/base').accessSecurity).toEqual({ macros: '', useClientIpAddress: false });
  });

  it('takes a file relative to the configuration file, its macros and IP mode', () => {
    const config = resolveIocConfig({ accessSecurity: { file: 'site.acf', macros: 'IOC=X', useClientIpAddress: true } }, '/base');
    expect(config.accessSecurity).toEqual({ file: '/base/site.acf', macros: 'IOC=X', useClientIpAddress: true });
  });

  it('refuses bad values and unknown keys with their JSON path', () => {
    const bad = () => resolveIocConfig({ accessSecurity: { file: '', useClientIpAddress: 'yes', acf: 'x' } }, '/base', 'test.json');
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/test\.json: \$\.accessSecurity\.file: must not be empty/);
    expect(bad).toThrow(/\$\.accessSecurity\.useClientIpAddress: expected true or false/);
    expect(bad).toThrow(/\$\.accessSecurity\.acf: unknown key/);
  });
});

describe('memtrace-ioc -a FILE', () => {
  it('takes the file with the -m macros in force where it is named, as softIoc does', () => {
    const command = parseCommandLine(['-m', 'A=1', '-d', 'x.db', '-a', 'site.acf', '-m', 'B=2', '-d', 'y.db']);
    expect(command).toMatchObject({ kind: 'run', accessSecurity: { file: 'site.acf', macros: 'A=1' } });
  });

  it('takes the last -a when given twice, and none without -a', () => {
    expect(parseCommandLine(['-a', 'one.acf', '-a', 'two.acf'])).toMatchObject({ accessSecurity: { file: 'two.acf', macros: '' } });
    expect(parseCommandLine([])).not.toHaveProperty('accessSecurity');
  });

  it('wants a file name', () => {
    expect(() => parseCommandLine(['-a'])).toThrow(new UsageError('-a needs a value'));
  });
});

describe('startAccessSecurity', () => {
  let directory: string;
  const write = (text: string) => {
    const file = path.join(directory, `${Math.random().toString(36).slice(2)}.acf`);
    fs.writeFileSync(file, text);
    return file;
  };
  const drivers: IocStatsDrivers[] = [];
  const databases: Database[] = [];
  afterEach(() => {
    drivers.splice(0).forEach((driver) => driver.stop());
    databases.splice(0).forEach((database) => database.close());
  });
  /** The shipped records; READACF's asSubProcess reloads through `reload`, as ioc-core wires it. */
  const load = (reload?: () => Promise<void>) => {
    const { database, drivers: driver } = iocDatabase({}, reload);
    drivers.push(driver);
    database.loadFile(MEMORY_TRACING_DB, { macros: 'P=T:' });
    database.loadFile(IOC_STATS_DB, { macros: 'P=T:' });
    // Running, as in the IOC when access security starts: ACF_STATUS is an I/O Intr record.
    database.start();
    databases.push(database);
    return database;
  };
  /** The "Access security" driver of the database `load` made last (ACF_STATUS reads it). */
  const latestStatus = () => drivers[drivers.length - 1]!.accessSecurity;
  const settings = (file?: string, macros = '') => ({ ...(file ? { file } : {}), macros, useClientIpAddress: false });
  const idle = () => new Promise((resolve) => setTimeout(resolve, 50));

  beforeAll(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'memtrace-ioc-acf-'));
  });
  afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

  it('without a file: no rules, a status that says so, and reloads refused (READACF: a READ alarm of severity BRSV)', async () => {
    let security: AccessSecurity | undefined = undefined;
    const database = load(() => security!.reload());
    const { logger } = capturingLogger();
    security = await startAccessSecurity({ database, settings: settings(), status: latestStatus(), logger });
    expect(database.accessSecurity).toBeUndefined();
    expect(database.record('T:ACF_STATUS', 'string').get()).toBe('disabled: no access security file');
    expect(database.find('T:READACF')!.write(new Uint16Array([1]), CLIENT)).toEqual({ ok: true });
    const readacf = database.record('T:READACF', 'number');
    for (let waited = 0; waited < 100 && readacf.get() !== 0; waited++) await idle();
    expect(readacf.alarm()).toEqual({
      status: AlarmStatus.READ,
      severity: AlarmSeverity.INVALID,
      message: 'no access security file is configured (-a FILE, or accessSecurity.file)',
    });
    await expect(security.reload()).rejects.toThrow(/no access security file is configured/);
  });

  it("puts the file's rules in force, with its macros, logging its warnings with their location", async () => {
    const database = load();
    const { logger, lines } = capturingLogger();
    const file = write('UAG(ops) { $(OPERATOR) }\nASG(MEMTRACE) { INPA(X:Y) RULE(1, READ) RULE(1, WRITE) { UAG(ops) } }\n');
    await startAccessSecurity({ database, settings: settings(file, 'OPERATOR=alice'), status: latestStatus(), logger });
    expect(database.find('T:EnableTracing')!.accessRights(CLIENT)).toEqual({ read: true, write: false });
    expect(database.find('T:EnableTracing')!.accessRights({ ...CLIENT, user: 'alice' })).toEqual({ read: true, write: true });
    expect(database.record('T:ACF_STATUS', 'string').get()).toBe(`loaded ${file}`);
    expect(lines).toContainEqual(expect.objectContaining({ location: `${file}:2:17`, msg: textMatching(/^INPA\(X:Y\) of ASG\(MEMTRACE\) is not connected/) }));
    expect(lines).toContainEqual(expect.objectContaining({ file, msg: 'access security file loaded' }));
  });

  it('stops start-up on a file with an error, naming file, line, column and reason', async () => {
    const file = write('ASG(MEMTRACE) {\n  RULE(1, WRITE) { UAG(ops) }\n}\n');
    const started = startAccessSecurity({ database: load(), settings: settings(file), status: latestStatus(), logger: capturingLogger().logger });
    await expect(started).rejects.toThrow(AcfError);
    await expect(started).rejects.toThrow(`${file}:2:24: No User Access Group named 'ops' defined`);
  });

  it('re-reads the file on a write of 1 to READACF, which goes back to 0 when done', async () => {
    let security: AccessSecurity | undefined = undefined;
    const database = load(() => security!.reload());
    const file = write('ASG(MEMTRACE) { RULE(1, WRITE) }\n');
    security = await startAccessSecurity({ database, settings: settings(file), status: latestStatus(), logger: capturingLogger().logger });
    expect(database.find('T:TraceCount')!.accessRights(CLIENT).write).toBe(true);
    fs.writeFileSync(file, 'ASG(MEMTRACE) { RULE(1, READ) }\n');
    expect(database.find('T:READACF')!.write(new Uint16Array([1]), CLIENT)).toEqual({ ok: true });
    // The reload reads the file asynchronously; READACF going back to 0 says it is done.
    for (let waited = 0; waited < 100 && database.record('T:READACF', 'number').get() !== 0; waited++) await idle();
    expect(database.record('T:READACF', 'number').get()).toBe(0);
    expect(database.find('T:TraceCount')!.accessRights(CLIENT).write).toBe(false);
  });

  it('keeps the rules in force when a re-read fails, with the reason in the log and in ACF_STATUS (MAJOR)', async () => {
    const database = load();
    const { logger, lines } = capturingLogger();
    const file = write('ASG(MEMTRACE) { RULE(1, READ) }\n');
    const security = await startAccessSecurity({ database, settings: settings(file), status: latestStatus(), logger });
    const rules = database.accessSecurity;
    fs.writeFileSync(file, 'ASG(MEMTRACE) { RULE(1, WRITABLE) }\n');
    await expect(security.reload()).rejects.toThrow(`${file}:1:25: Access rights must be NONE, READ or WRITE, not 'WRITABLE'`);
    expect(database.accessSecurity).toBe(rules);
    const status = database.record('T:ACF_STATUS', 'string');
    expect(status.get()).toBe(`${file}:1:25: Access rights must be NONE, READ or WRITE, not 'WRITABLE'`);
    expect(status.alarm()).toMatchObject({ severity: AlarmSeverity.MAJOR, message: status.get() });
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'access security file not reloaded; the rules loaded before stay in force' }));

    fs.writeFileSync(file, 'ASG(MEMTRACE) { RULE(1, WRITE) }\n');
    await security.reload();
    expect(status.alarm().severity).toBe(AlarmSeverity.NO_ALARM);
    expect(database.find('T:TraceCount')!.accessRights(CLIENT).write).toBe(true);
  });

  it('serves without READACF and ACF_STATUS (no status driver) when the iocStats group is not loaded', async () => {
    const { database } = iocDatabase();
    database.loadFile(MEMORY_TRACING_DB, { macros: 'P=T:' });
    const file = write('ASG(MEMTRACE) { RULE(1, READ) }\n');
    const security = await startAccessSecurity({ database, settings: settings(file), logger: capturingLogger().logger });
    await security.reload();
    expect(database.find('T:EnableTracing')!.accessRights(CLIENT)).toEqual({ read: true, write: false });
  });
});

describe('the shipped records', () => {
  const { database, drivers } = iocDatabase();
  afterAll(() => drivers.stop());
  database.loadFile(MEMORY_TRACING_DB, { macros: 'P=T:' });
  database.loadFile(IOC_STATS_DB, { macros: 'P=T:' });
  database.loadText('record(ao, "SITE:SETPOINT")');
  const operator = { user: 'operator', host: 'OPI-1', address: '10.0.0.7' };

  it('put the writable tracing PVs and READACF in ASG MEMTRACE, and nothing else', () => {
    const inMemtrace = database.recordNames().filter((name) => database.record(name).field('ASG') === 'MEMTRACE');
    expect(inMemtrace.sort()).toEqual(
      [
        'EnableTracing',
        'TraceCount',
        'TracePeriod',
        'TraceKeyType',
        'TraceCumulative',
        'TraceMode',
        'TraceSamplingInterval',
        'TraceExternalSamplingInterval',
        'TraceSnapshot',
        'TraceDump',
        'TraceDumpFormat',
        'TraceDumpFile',
        'TraceHeapSnapshot',
        'READACF',
      ]
        .map((name) => `T:${name}`)
        .sort(),
    );
  });

  it('with records/memtrace.acf: everyone reads, operators on consoles write MEMTRACE, everything else stays writable', async () => {
    const { rules, warnings } = await loadAcfFile(path.join(RECORDS_DIRECTORY, 'memtrace.acf'));
    expect(warnings).toEqual([]);
    database.setAccessSecurity(rules);
    const rights = (pv: string, client: typeof CLIENT) => database.find(pv)!.accessRights(client);
    expect(rights('T:EnableTracing', CLIENT)).toEqual({ read: true, write: false });
    expect(rights('T:EnableTracing', operator)).toEqual({ read: true, write: true });
    expect(rights('T:EnableTracing', { ...operator, host: 'laptop' })).toEqual({ read: true, write: false });
    expect(rights('T:READACF', operator)).toEqual({ read: true, write: true });
    // A driver-owned value is never writable; its alarm limits stay as the file says.
    expect(rights('T:HEAP_USED', CLIENT)).toMatchObject({ read: true, write: false });
    expect(rights('T:HEAP_USED.HIHI', CLIENT)).toEqual({ read: true, write: true });
    expect(rights('SITE:SETPOINT', CLIENT)).toEqual({ read: true, write: true });
  });
});
