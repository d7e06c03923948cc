import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChildProcess, startEmbeddingService, stopEmbeddingService } from '../helpers/child';
import { freePort, loopbackEnv } from '../helpers/ports';
import { runPyepics } from '../helpers/pyepics';

// Autosave as an EPICS engineer meets it: a limit tuned with caput (libca, through pyepics)
// survives a restart of the memtrace-ioc command and of an IOC embedded with startIoc, and a
// corrupt save file leaves the database's values with a warning and a running IOC. The tag's
// meaning and the .sav/.savB files are synApps autosave's (docs/autoSaveRestore.md).

const CLI = path.join(__dirname, '..', '..', 'dist', 'ioc', 'cli.js');
const HOST = path.join(__dirname, '..', 'fixtures', 'ioc', 'host-service.js');
const DB = 'record(ai, "AS:TEMP") {\n  field(HIHI, "90")\n  field(HHSV, "MAJOR")\n  info(autosaveFields, "HIHI")\n}\n';

describe('autosave across restarts', () => {
  let directory: string;
  let saves: string;
  let db: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'memtrace-autosave-'));
    saves = path.join(directory, 'autosave');
    db = path.join(directory, 'tuned.db');
    fs.writeFileSync(db, DB);
    env = loopbackEnv(await freePort(), await freePort());
  });
  afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

  /** The IOC's settings: only the test's database, CA only, autosave in `saves`. */
  const settings = (period: number) => ({
    groups: { memoryTracing: { enabled: false }, iocStats: { enabled: false } },
    protocols: { ca: true, pva: false },
    tracing: { dumpDirectory: path.join(directory, 'dumps') },
    autosave: { directory: saves, file: 'lab.sav', period },
  });

  async function startCli(period: number): Promise<ChildProcess> {
    const config = path.join(directory, 'ioc.config.json');
    fs.writeFileSync(config, JSON.stringify(settings(period)));
    const ioc = new ChildProcess(process.execPath, [CLI, '--config', config, '-d', db], env);
    await ioc.waitForLine(/CA server listening/);
    return ioc;
  }

  async function stopCli(ioc: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    ioc.signal(signal);
    expect(await ioc.waitForExit(5000)).toBe(0);
    await ioc.stop();
  }

  /** Reads HIHI, then puts `value` into it (unless undefined) and reads it again, through libca. */
  function tune(value?: number): Promise<{ before: number; status: number | null; after: number }> {
    const put = value === undefined ? 'None' : `put_status('AS:TEMP.HIHI', ${value})`;
    return runPyepics(`emit({'before': epics.caget('AS:TEMP.HIHI', timeout=5), 'status': ${put}, 'after': epics.caget('AS:TEMP.HIHI', timeout=5)})`, env);
  }

  /** Waits, up to a bound, for the file to hold `line`: saves are asynchronous, so the test watches the file. */
  async function fileHolding(file: string, line: string, timeoutMs = 10000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
      if (text.split('\n').includes(line)) return text;
      if (Date.now() > deadline) throw new Error(`${file} did not come to hold "${line}" within ${timeoutMs} ms; it holds:\n${text}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('saves a HIHI tuned with caput within the period and at stop (SIGINT), in the .sav format, and restores it at the next start', async () => {
    const first = await startCli(1);
    try {
      expect(await first.waitForLine(/lab\.sav does not exist/)).toMatch(/nothing restored/);
      expect(await tune(95)).toEqual({ before: 90, status: 1, after: 95 });
      const text = await fileHolding(path.join(saves, 'lab.sav'), 'AS:TEMP.HIHI 95');
      expect(text).toMatch(/^# memtrace-ioc autosave V1\tAutomatically generated - DO NOT MODIFY - \S+\nAS:TEMP\.HIHI 95\n<END>\n$/);
    } finally {
      await stopCli(first);
    }

    // A period far longer than the test: only the save at stop (here SIGINT, Ctrl-C) can write the new value.
    const second = await startCli(3600);
    try {
      expect(await tune(96)).toEqual({ before: 95, status: 1, after: 96 });
    } finally {
      await stopCli(second, 'SIGINT');
    }
    expect(fs.readFileSync(path.join(saves, 'lab.sav'), 'utf8')).toContain('\nAS:TEMP.HIHI 96\n');
    expect(fs.readFileSync(path.join(saves, 'lab.savB'), 'utf8')).toContain('\nAS:TEMP.HIHI 95\n');
  });

  it('restores into an IOC embedded with startIoc, and saves when the host closes it', async () => {
    const options = { ...settings(3600), databases: [{ file: db, macros: '' }], logging: { level: 'warn' } };
    const host = await startEmbeddingService(HOST, options, env);
    try {
      expect(await tune(97)).toEqual({ before: 96, status: 1, after: 97 });
    } finally {
      await stopEmbeddingService(host);
    }
    expect(host.lines).toContain('closed');
    expect(fs.readFileSync(path.join(saves, 'lab.sav'), 'utf8')).toContain('\nAS:TEMP.HIHI 97\n');
  });

  it('starts on the database values with one warning naming the file when the save file and its backup are corrupt', async () => {
    fs.writeFileSync(path.join(saves, 'lab.sav'), '# memtrace-ioc autosave V1\nAS:TEMP.HIHI 9');
    fs.writeFileSync(path.join(saves, 'lab.savB'), '\0\0\0\0');
    const ioc = await startCli(3600);
    try {
      const warning = await ioc.waitForLine(/lab\.sav is refused/);
      expect(warning).toContain(path.join(fs.realpathSync(saves), 'lab.sav'));
      expect(warning).toMatch(/cut short.*lab\.savB is refused.*NUL.*nothing restored/);
      const logged = [...ioc.lines, ...ioc.stderr.split('\n')];
      expect(logged.filter((line) => /lab\.sav/.test(line) && /"level":40/.test(line))).toEqual([warning]);
      expect(await tune()).toEqual({ before: 90, status: null, after: 90 });
    } finally {
      await stopCli(ioc);
    }
  });
});
