import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChildProcess } from '../helpers/child';
import { freePort, loopbackEnv } from '../helpers/ports';
import { runPyepics } from '../helpers/pyepics';

// memtrace-ioc started as softIoc is, with a startup script (softMain.cpp, iocsh.cpp of EPICS base
// R7.0.8.1), watched through libca.

const ROOT = path.join(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'ioc', 'cli.js');

function startCli(args: string[], env: Record<string, string>): ChildProcess {
  return new ChildProcess(process.execPath, [CLI, ...args], env);
}

describe('memtrace-ioc with a startup script', () => {
  let directory: string;

  beforeAll(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'memtrace-stcmd-'));
    fs.writeFileSync(path.join(directory, 'tank.db'), 'record(ai, "$(P)LEVEL") { field(EGU, "$(EGU=m)") field(PREC, "2") }\n');
    fs.writeFileSync(
      path.join(directory, 'tanks.substitutions'),
      `file "${path.join(directory, 'tank.db')}" {\n  pattern { P, EGU }\n  { "$(SITE):T1:", cm }\n  { "$(SITE):T2:", mm }\n}\n`,
    );
  });
  afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

  it('serves records/st.cmd: both groups under $(IOC):, the .acf of asSetFilename in force, dbl printed after iocInit', async () => {
    const env = { ...loopbackEnv(await freePort(), await freePort()), IOC: 'STCMD' };
    const ioc = startCli([path.join(ROOT, 'records', 'st.cmd')], env);
    try {
      await ioc.waitForLine(/^STCMD:EnableTracing$/);
      expect(ioc.lines).toEqual(
        expect.arrayContaining(['epicsEnvSet("IOC", "STCMD")', 'dbLoadRecords("./records/iocStats.db", "P=STCMD:")', 'iocInit', 'dbl']),
      );
      expect(ioc.lines).toEqual(expect.arrayContaining(['STCMD:HEAP_USED', 'STCMD:TraceStatus']));
      const seen = await runPyepics<Record<string, { units?: string; enums?: string[]; write: boolean }>>(
        `
out = {}
for n in ('STCMD:HEAP_USED', 'STCMD:EnableTracing', 'STCMD:HEARTBEAT'):
    c = ca.create_channel(n)
    ca.connect_channel(c, timeout=5)
    md = ca.get_with_metadata(c, ftype=ca.promote_type(c, use_ctrl=True), timeout=5) or {}
    out[n] = {'units': md.get('units'), 'enums': md.get('enum_strs'), 'write': bool(ca.write_access(c))}
emit(out)
`,
        env,
      );
      expect(seen['STCMD:HEAP_USED']).toMatchObject({ units: 'byte' });
      expect(seen['STCMD:EnableTracing']!.enums).toEqual(['Disable', 'Enable']);
      // records/memtrace.acf: the MEMTRACE group is written only by operators on consoles; this test's user is neither.
      expect(seen['STCMD:EnableTracing']!.write).toBe(false);
      ioc.signal('SIGTERM');
      expect(await ioc.waitForExit(5000)).toBe(0);
    } finally {
      await ioc.stop();
    }
  });

  it('loads substitutions files, runs dbpf and dbgf after iocInit, and serves on the ports epicsEnvSet gave', async () => {
    const started = loopbackEnv(await freePort(), await freePort());
    const scripted = loopbackEnv(await freePort(), await freePort());
    const script = path.join(directory, 'tanks.cmd');
    fs.writeFileSync(
      script,
      [
        ...Object.entries(scripted).map(([name, value]) => `epicsEnvSet ${name} "${value}"`),
        'epicsEnvSet SITE $(SITE=NORTH)',
        // The macros of dbLoadTemplate's second argument reach the values of the substitutions file.
        `dbLoadTemplate("${path.join(directory, 'tanks.substitutions')}", "SITE=$(SITE)")`,
        'iocInit()',
        'dbpf NORTH:T1:LEVEL 1.5',
        'dbgf NORTH:T2:LEVEL.EGU',
      ].join('\n') + '\n',
    );
    const ioc = startCli([script], started);
    try {
      // dbTest.c's dbgf layout: the type, then each value on the next 10-column tab stop.
      await ioc.waitForLine(/^DBF_STRING: {9}"mm"/);
      expect(ioc.lines).toContain('DBF_DOUBLE:         1.5       ');
      const seen = await runPyepics<{ level: number; units: string }>(
        `
pv = epics.PV('NORTH:T1:LEVEL', form='ctrl')
pv.wait_for_connection(timeout=5)
emit({'level': pv.get(timeout=5), 'units': pv.units})
`,
        scripted,
      );
      expect(seen).toEqual({ level: 1.5, units: 'cm' });
    } finally {
      await ioc.stop();
    }
  });

  // iocInit.c piniProcessHook: PAUSE at iocPause, PAUSED after it, RUN and RUNNING at iocInit's
  // iocRun and again at each iocRun. softIoc 7.0.8.1 ran this script and its dbgf lines gave
  // PAUSES 1, PAUSEDS 1, RUNS 2, RUNNINGS 2, after "iocPause: IOC suspended" and "iocRun: IOC restarted".
  it('runs iocPause and iocRun, processing the PINI PAUSE, PAUSED, RUN and RUNNING records as softIoc does', async () => {
    const env = loopbackEnv(await freePort(), await freePort());
    const database = path.join(directory, 'phases.db');
    fs.writeFileSync(
      database,
      ['PAUSE', 'PAUSED', 'RUN', 'RUNNING']
        .map((pini) => `record(calc, "X:${pini}S") { field(PINI, "${pini}") field(CALC, "A+1") field(INPA, "X:${pini}S") }\n`)
        .join(''),
    );
    const script = path.join(directory, 'phases.cmd');
    fs.writeFileSync(script, `dbLoadRecords("${database}")\niocInit\niocPause\niocRun\ndbgf X:PAUSES\ndbgf X:PAUSEDS\ndbgf X:RUNS\ndbgf X:RUNNINGS\n`);
    const ioc = startCli([script], env);
    try {
      await ioc.waitForLine(/^dbgf X:RUNNINGS$/);
      await ioc.waitForLine(/^DBF_DOUBLE: {9}2 /);
      const from = ioc.lines.indexOf('iocPause');
      expect(ioc.lines.slice(from).filter((line) => /^(ioc|DBF_)/.test(line))).toEqual([
        'iocPause',
        'iocPause: IOC suspended',
        'iocRun',
        'iocRun: IOC restarted',
        'DBF_DOUBLE:         1         ',
        'DBF_DOUBLE:         1         ',
        'DBF_DOUBLE:         2         ',
        'DBF_DOUBLE:         2         ',
      ]);
    } finally {
      await ioc.stop();
    }
  });

  // softIoc's epicsEnvSet is setenv: after iocInit too, the next processing of an "IOC env var"
  // record (devIocStats' devStringinEnvVar.c, getenv at each read) sees the new value.
  it('reaches the IOC with epicsEnvSet after iocInit, as the process environment', async () => {
    const env = loopbackEnv(await freePort(), await freePort());
    const db = path.join(directory, 'site.db');
    fs.writeFileSync(db, 'record(stringin, "ENV:SITE") { field(DTYP, "IOC env var") field(INP, "@SITE") }\n');
    const script = path.join(directory, 'site.cmd');
    fs.writeFileSync(
      script,
      ['epicsEnvSet SITE before', `dbLoadRecords("${db}")`, 'iocInit', 'epicsEnvSet SITE after', 'dbpf ENV:SITE.PROC 1', 'dbgf ENV:SITE'].join('\n') + '\n',
    );
    const ioc = startCli([script], env);
    try {
      await ioc.waitForLine(/^DBF_STRING: /);
      expect(ioc.lines).toContainEqual(expect.stringMatching(/^DBF_STRING: {9}"after"/));
    } finally {
      await ioc.stop();
    }
  });

  it.each([
    ['PREFIX:exit.A', 1, 1],
    ['PREFIX:exit', 1, 0],
  ])('-x serves softIoc exit record: a put to %s of %d exits with status %d (softMain.cpp exitSubroutine reads A)', async (pv, value, status) => {
    const env = loopbackEnv(await freePort(), await freePort());
    const script = path.join(directory, 'exit.cmd');
    fs.writeFileSync(script, `dbLoadRecords("${path.join(directory, 'tank.db')}", "P=X:")\n`);
    // No iocInit in the script: softIoc calls it after the script, as -x loaded a file.
    const ioc = startCli(['-x', 'PREFIX', script], env);
    try {
      await ioc.waitForLine(/CA server listening/);
      await runPyepics(`emit({'put': epics.caput('${pv}', ${value}, wait=True, timeout=5)})`, env);
      expect(await ioc.waitForExit(5000)).toBe(status);
    } finally {
      await ioc.stop();
    }
  });

  it('refuses a script with an unsupported command, naming the script, its line and the supported commands, and serves nothing', async () => {
    const script = path.join(directory, 'bad.cmd');
    fs.writeFileSync(script, `dbLoadRecords("${path.join(directory, 'tank.db')}", "P=B:")\niocInit\ndbpr B:LEVEL 1\n`);
    const ioc = startCli([script], loopbackEnv(await freePort(), await freePort()));
    try {
      expect(await ioc.waitForExit(10000)).toBe(1);
      expect(ioc.stderr).toContain(`${script}:3:1: command "dbpr" is not supported; the supported commands are epicsEnvSet, dbLoadRecords,`);
      expect(ioc.stderr).not.toMatch(/CA server listening/);
    } finally {
      await ioc.stop();
    }
  });

  it('names the argument that names a missing file', async () => {
    const script = path.join(directory, 'missing.cmd');
    fs.writeFileSync(script, 'epicsEnvSet X 1\ndbLoadRecords("nowhere.db", "P=B:")\niocInit\n');
    const ioc = startCli([script], loopbackEnv(await freePort(), await freePort()));
    try {
      expect(await ioc.waitForExit(10000)).toBe(1);
      expect(ioc.stderr).toContain(`${script}:2:15: cannot open "nowhere.db": no such file`);
    } finally {
      await ioc.stop();
    }
  });
});
