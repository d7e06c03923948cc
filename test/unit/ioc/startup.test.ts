import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DbFileError } from '../../../src/database/db-file/location';
import { DEFAULT_CONFIG, type IocConfig } from '../../../src/ioc/config/ioc-config';
import { Database } from '../../../src/database';
import { runDbCommand, type DbCommand } from '../../../src/ioc/db-commands';
import type { Ioc } from '../../../src/ioc/start-ioc';
import { runStartupScript } from '../../../src/ioc/startup';
import { StartupScriptError } from '../../../src/ioc/startup-script';

// How a script configures and starts the IOC, as softMain.cpp runs st.cmd (EPICS base R7.0.8.1).
// The host here records what it is asked; test/e2e/startup-script.test.ts runs the real IOC.

describe('runStartupScript', () => {
  let directory: string;
  let previous: string;
  const write = (name: string, text: string) => fs.writeFileSync(path.join(directory, name), text);

  beforeAll(() => {
    previous = process.cwd();
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'memtrace-startup-'));
    // Files are opened relative to the working directory, as softIoc opens them.
    process.chdir(directory);
    write('a.db', 'record(ai, "$(P)A") {}\n');
    write('t.template', 'record(ai, "$(P)$(N)") {}\n');
    write('s.substitutions', 'file t.template { pattern { N } { X } { Y } }\n');
    write('rules.acf', 'ASG(DEFAULT) { RULE(1, READ) }\n');
  });
  afterAll(() => {
    process.chdir(previous);
    fs.rmSync(directory, { recursive: true, force: true });
  });

  function host(env: Record<string, string | undefined> = {}) {
    const started: IocConfig[] = [];
    const commands: DbCommand[] = [];
    let printed = '';
    const ioc = { runDbCommand: (command: DbCommand) => (commands.push(command), Promise.resolve(`<${command.name}>\n`)) } as unknown as Ioc;
    return {
      started,
      commands,
      printed: () => printed,
      env,
      host: {
        env,
        print: (text: string) => (printed += text),
        start: (config: IocConfig) => (started.push(config), Promise.resolve(ioc)),
      },
    };
  }

  it('configures the IOC from the lines before iocInit, starts it at iocInit, and runs the database commands on it', async () => {
    write(
      'st.cmd',
      [
        'epicsEnvSet("SITE", "LAB")',
        'dbLoadRecords("a.db", "P=$(SITE):")',
        'dbLoadTemplate("s.substitutions", "P=$(SITE):")',
        'asSetSubstitutions("U=ops")',
        'asSetFilename("rules.acf")',
        'iocInit',
        'dbpf LAB:A 2',
        'dbl ai',
      ].join('\n'),
    );
    const fake = host();
    await runStartupScript('st.cmd', DEFAULT_CONFIG, { implicitInit: false }, fake.host);
    expect(fake.env.SITE).toBe('LAB');
    expect(fake.started).toHaveLength(1);
    expect(fake.started[0]!.databases).toEqual([
      { file: path.join(fs.realpathSync(directory), 'a.db'), macros: 'P=LAB:' },
      { file: path.join(fs.realpathSync(directory), 't.template'), macros: 'P=LAB:,N=X' },
      { file: path.join(fs.realpathSync(directory), 't.template'), macros: 'P=LAB:,N=Y' },
    ]);
    // The script says what is served: no group file loads by default.
    expect(fake.started[0]!.groups).toMatchObject({ memoryTracing: { enabled: false }, iocStats: { enabled: false } });
    expect(fake.started[0]!.accessSecurity).toMatchObject({ file: path.join(fs.realpathSync(directory), 'rules.acf'), macros: 'U=ops' });
    expect(fake.commands).toEqual([
      { name: 'dbpf', args: ['LAB:A', '2'] },
      { name: 'dbl', args: ['ai'] },
    ]);
    expect(fake.printed()).toBe(
      'epicsEnvSet("SITE", "LAB")\ndbLoadRecords("a.db", "P=LAB:")\n' +
        'dbLoadTemplate("s.substitutions", "P=LAB:")\nasSetSubstitutions("U=ops")\nasSetFilename("rules.acf")\n' +
        'iocInit\ndbpf LAB:A 2\n<dbpf>\ndbl ai\n<dbl>\n',
    );
  });

  it('runs iocPause and iocRun on the running IOC, and refuses them before iocInit (iocInit.c: the IOC must be running)', async () => {
    write('st.cmd', 'dbLoadRecords("a.db", "P=X:")\niocInit\niocPause\niocRun\n');
    const fake = host();
    await runStartupScript('st.cmd', DEFAULT_CONFIG, { implicitInit: false }, fake.host);
    expect(fake.commands).toEqual([
      { name: 'iocPause', args: [] },
      { name: 'iocRun', args: [] },
    ]);
    expect(fake.printed()).toContain('iocPause\n<iocPause>\niocRun\n<iocRun>\n');
    write('st.cmd', 'dbLoadRecords("a.db", "P=X:")\niocPause\niocInit\n');
    await expect(runStartupScript('st.cmd', DEFAULT_CONFIG, { implicitInit: false }, host().host)).rejects.toThrow(
      'st.cmd:2:1: iocPause only works after iocInit',
    );
  });

  it('lists the records loaded so far with dbl before iocInit, as dbl reads the static database', async () => {
    write('early.cmd', 'dbLoadRecords("a.db", "P=E:")\ndbl\niocInit\n');
    const fake = host();
    await runStartupScript('early.cmd', DEFAULT_CONFIG, { implicitInit: false }, fake.host);
    expect(fake.printed()).toContain('dbl\nE:A\n');
    expect(fake.commands).toEqual([]);
  });

  it('calls iocInit after a script without one when -d or -x loaded a file, as softIoc does', async () => {
    write('noinit.cmd', 'dbLoadRecords("a.db", "P=N:")\n');
    const fake = host();
    await runStartupScript('noinit.cmd', DEFAULT_CONFIG, { implicitInit: true }, fake.host);
    expect(fake.started).toHaveLength(1);
  });

  it('refuses a script that would never start the IOC (no iocInit, no -d or -x file)', async () => {
    const fake = host();
    await expect(runStartupScript('noinit.cmd', DEFAULT_CONFIG, { implicitInit: false }, fake.host)).rejects.toThrow(StartupScriptError);
    expect(fake.started).toEqual([]);
  });

  it('refuses a missing file where the script or the substitutions file names it, before anything starts', async () => {
    write('missing.cmd', 'dbLoadRecords("a.db")\ndbLoadRecords(\'nope.db\')\niocInit\n');
    const fake = host();
    await expect(runStartupScript('missing.cmd', DEFAULT_CONFIG, { implicitInit: false }, fake.host)).rejects.toThrow(
      new DbFileError({ file: 'missing.cmd', line: 2, column: 15 }, 'cannot open "nope.db": no such file'),
    );
    write('bad.substitutions', 'file a.db { {} }\nfile gone.template {\n  { N=1 }\n}\n');
    write('template.cmd', 'dbLoadTemplate bad.substitutions\niocInit\n');
    await expect(runStartupScript('template.cmd', DEFAULT_CONFIG, { implicitInit: false }, fake.host)).rejects.toThrow(
      'bad.substitutions:3:3: cannot open "gone.template": no such file',
    );
    expect(fake.started).toEqual([]);
  });
});

describe('runDbCommand iocPause and iocRun', () => {
  // What softIoc 7.0.8.1 printed for iocPause, iocPause, iocRun, iocRun typed at its shell.
  it('pauses and resumes the database, printing what iocPause and iocRun print', async () => {
    const database = new Database();
    database.loadText('record(ai, "A") {}');
    database.start();
    try {
      const run = (name: 'iocPause' | 'iocRun') => runDbCommand(database, { name, args: [] });
      expect([await run('iocPause'), await run('iocPause'), await run('iocRun'), await run('iocRun')]).toEqual([
        'iocPause: IOC suspended\n',
        'iocPause: IOC not running\n',
        'iocRun: IOC restarted\n',
        'iocRun: IOC not paused\n',
      ]);
    } finally {
      database.close();
    }
  });
});
