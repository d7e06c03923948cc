import { Database } from '../../../../src/database';
import { Autosave, type SaveFiles } from '../../../../src/database/autosave';
import { saveFileText } from '../../../../src/database/autosave/save-file';
import { testDevice } from '../../../helpers/test-device';
import { capturingLogger, put, pvOf, valueOf, type LogLine } from '../helpers';

// Restore and save of the fields named in info(autosaveFields…) tags, with the save files held in
// memory. The tags' meaning is synApps autosave's (docs/autoSaveRestore.md, makeAutosaveFiles);
// the fallback to the .savB backup is reboot_restore's (dbrestore.c, save_restore.c check_file).

const DB = `
record(ai, "T:TEMP") {
  field(HIHI, "90")
  field(HIGH, "80")
  field(HHSV, "MAJOR")
  info(autosaveFields, "HIHI HIGH HHSV DESC")
}
record(ao, "T:SET") {
  field(VAL, "1")
  info(autosaveFields_pass0, "VAL")
  info(autosaveFields_pass1, "EGU")
}
record(waveform, "T:WAVE") {
  field(FTVL, "DOUBLE")
  field(NELM, "4")
  info(autosaveFields, "VAL")
}
record(ao, "T:LINKER") {
  field(OUT, "T:TEMP.HIGH")
}
`;
const FIELDS = ['T:TEMP.HIHI', 'T:TEMP.HIGH', 'T:TEMP.HHSV', 'T:TEMP.DESC', 'T:SET.VAL', 'T:SET.EGU', 'T:WAVE.VAL'];

/** Save files in memory; `failing` makes writes fail as a full disk would. */
class MemoryFiles implements SaveFiles {
  readonly directory = '/saves';
  readonly files = new Map<string, string>();
  writes = 0;
  failing = false;

  read(name: string): Promise<string | undefined> {
    return Promise.resolve(this.files.get(name));
  }

  async replace(name: string, text: string, beforeRename: () => Promise<void>): Promise<void> {
    if (this.failing) throw new Error('ENOSPC: no space left on device');
    await beforeRename();
    this.files.set(name, text);
    this.writes++;
  }

  rename(from: string, to: string): Promise<void> {
    const text = this.files.get(from);
    if (text === undefined) return Promise.reject(new Error(`ENOENT: ${from}`));
    this.files.set(to, text);
    this.files.delete(from);
    return Promise.resolve();
  }
}

function saveFile(lines: string): string {
  return saveFileText(lines, new Date(0));
}

function setUp(files = new MemoryFiles(), { start = false } = {}) {
  const { logger, lines } = capturingLogger();
  const database = new Database();
  database.loadText(DB);
  if (start) database.start();
  const autosave = new Autosave({ records: database.loadedRecords(), files, fileName: 'ioc.sav', periodSeconds: 5, logger });
  const warnings = () => lines.filter((line: LogLine) => line.level === 40).map((line) => line.msg);
  return { database, autosave, files, lines, warnings };
}

const value = (database: Database, name: string) => valueOf(pvOf(database, name));

describe('autosave restore', () => {
  it('saves the fields every tag names (autosaveFields, _pass0, _pass1), in load and tag order', () => {
    expect(setUp().autosave.pvs).toEqual(FIELDS);
  });

  it('restores each saved field: numbers, menu labels, text, arrays', async () => {
    const files = new MemoryFiles();
    files.files.set(
      'ioc.sav',
      saveFile('T:TEMP.HIHI 95.5\nT:TEMP.HIGH 85\nT:TEMP.HHSV MINOR\nT:TEMP.DESC Room\\ttemp\nT:SET 2.5\nT:SET.EGU mm\nT:WAVE.VAL @array@ { "1" "2" "3" }\n'),
    );
    const { database, autosave, warnings } = setUp(files);
    await autosave.restore();
    expect(warnings()).toEqual([]);
    expect(value(database, 'T:TEMP.HIHI')).toBe(95.5);
    expect(value(database, 'T:TEMP.HIGH')).toBe(85);
    expect(value(database, 'T:TEMP.HHSV')).toBe(1);
    expect(value(database, 'T:TEMP.DESC')).toBe('Room\ttemp');
    expect(value(database, 'T:SET')).toBe(2.5);
    expect(value(database, 'T:SET.EGU')).toBe('mm');
    expect(Array.from(pvOf(database, 'T:WAVE').value() as Float64Array)).toEqual([1, 2, 3]);
    expect(value(database, 'T:WAVE.NORD')).toBe(3);
  });

  it('reads back what it saved, into a new database', async () => {
    const first = setUp();
    put(pvOf(first.database, 'T:TEMP.HIHI'), 0.1);
    put(pvOf(first.database, 'T:TEMP.DESC'), 'a "quoted"\\ name');
    put(pvOf(first.database, 'T:TEMP.HHSV'), 3);
    put(pvOf(first.database, 'T:WAVE'), Float64Array.of(-1.5, 1e-300));
    await first.autosave.saveIfChanged();
    const second = setUp(first.files);
    await second.autosave.restore();
    expect(second.warnings()).toEqual([]);
    for (const name of ['T:TEMP.HIHI', 'T:TEMP.DESC', 'T:TEMP.HHSV']) expect(value(second.database, name)).toEqual(value(first.database, name));
    expect(pvOf(second.database, 'T:WAVE').value()).toEqual(Float64Array.of(-1.5, 1e-300));
  });

  it("restores before PINI: devIocStats' START_CNT (iocAdmin/Db/ioc.template) counts the IOC's starts", async () => {
    const files = new MemoryFiles();
    files.files.set('ioc.sav', saveFile('IOC:START_CNT.VAL 4\n'));
    const { logger } = capturingLogger();
    const database = new Database();
    database.loadText(
      'record(calcout, "IOC:START_CNT") { field(CALC, "A+1") field(PINI, "YES") field(INPA, "IOC:START_CNT") info(autosaveFields_pass0, "VAL") }',
    );
    await new Autosave({ records: database.loadedRecords(), files, fileName: 'ioc.sav', periodSeconds: 5, logger }).restore();
    database.start();
    expect(value(database, 'IOC:START_CNT')).toBe(5);
  });

  it('restores a link field before the links connect, and the record writes through it once started', async () => {
    const files = new MemoryFiles();
    files.files.set('ioc.sav', saveFile('T:OUT.OUT T:TEMP.LOW NPP\n'));
    const { logger, lines } = capturingLogger();
    const database = new Database();
    database.loadText(`${DB}record(ao, "T:OUT") { field(OUT, "T:TEMP.HIGH") info(autosaveFields, "OUT") }`);
    await new Autosave({ records: database.loadedRecords(), files, fileName: 'ioc.sav', periodSeconds: 5, logger }).restore();
    database.start();
    database.record('T:OUT', 'number').set(-5);
    expect(lines.filter((line) => line.level >= 40)).toEqual([]);
    expect(value(database, 'T:TEMP.LOW')).toBe(-5);
    expect(value(database, 'T:TEMP.HIGH')).toBe(80);
  });

  it("writes DTYP by its label in the record's database, registered supports included, and reads it back", async () => {
    const files = new MemoryFiles();
    const devicesDatabase = () => {
      const database = new Database();
      database.registerDevice(testDevice().support);
      database.loadText('record(ai, "T:DEV") { field(DTYP, "Test device") field(INP, "@level") info(autosaveFields, "DTYP HIHI") }');
      return database;
    };
    const { logger, lines } = capturingLogger();
    const first = devicesDatabase();
    put(pvOf(first, 'T:DEV.HIHI'), 7);
    await new Autosave({ records: first.loadedRecords(), files, fileName: 'ioc.sav', periodSeconds: 5, logger }).saveIfChanged();
    expect(files.files.get('ioc.sav')).toContain('\nT:DEV.DTYP Test device\nT:DEV.HIHI 7\n');
    const second = devicesDatabase();
    await new Autosave({ records: second.loadedRecords(), files, fileName: 'ioc.sav', periodSeconds: 5, logger }).restore();
    expect(lines.filter((line) => line.level >= 40)).toEqual([]);
    expect(value(second, 'T:DEV.HIHI')).toBe(7);
  });

  it('with no save file (nor backup), leaves the defaults with one warning naming the file', async () => {
    const { database, autosave, warnings } = setUp();
    await autosave.restore();
    expect(warnings()).toEqual([expect.stringMatching(/^\/saves\/ioc\.sav does not exist, and its backup ioc\.savB does not exist/)]);
    expect(value(database, 'T:TEMP.HIHI')).toBe(90);
  });

  it('with a save file cut short, restores the backup, with one warning naming both', async () => {
    const files = new MemoryFiles();
    files.files.set('ioc.sav', saveFile('T:TEMP.HIHI 99\n').replace('<END>\n', ''));
    files.files.set('ioc.savB', saveFile('T:TEMP.HIHI 97\n'));
    const { database, autosave, warnings } = setUp(files);
    await autosave.restore();
    expect(warnings()).toEqual([expect.stringMatching(/^\/saves\/ioc\.sav is refused: .*cut short; restoring its backup ioc\.savB$/)]);
    expect(value(database, 'T:TEMP.HIHI')).toBe(97);
  });

  it('with a corrupt save file and a corrupt backup, leaves the defaults with one warning; the IOC goes on', async () => {
    const files = new MemoryFiles();
    files.files.set('ioc.sav', '\0\0\0garbage');
    files.files.set('ioc.savB', 'T:TEMP.HIHI 97\n');
    const { database, autosave, warnings } = setUp(files);
    await autosave.restore();
    expect(warnings()).toEqual([expect.stringMatching(/^\/saves\/ioc\.sav is refused: .*NUL.*, and its backup ioc\.savB is refused: .*header/)]);
    expect(value(database, 'T:TEMP.HIHI')).toBe(90);
  });

  it('skips each saved value that no longer fits, naming it and why, and restores the rest', async () => {
    const files = new MemoryFiles();
    files.files.set(
      'ioc.sav',
      saveFile('T:GONE.HIHI 1\nT:TEMP.LOLO 2\nT:TEMP.HIHI abc\nT:TEMP.HHSV SEVERE\nT:TEMP.HIGH 85\nT:SET.VAL @array@ { "1" "2" }\nT:SET.EGU mm\n'),
    );
    const { database, autosave, warnings } = setUp(files);
    await autosave.restore();
    expect(warnings()).toEqual([
      expect.stringMatching(/^\/saves\/ioc\.sav:2: the saved value of T:GONE\.HIHI is skipped: no record T:GONE is loaded$/),
      expect.stringMatching(/:3: the saved value of T:TEMP\.LOLO is skipped: no autosave info tag of T:TEMP names LOLO$/),
      expect.stringMatching(/:4: the saved value of T:TEMP\.HIHI is skipped: "abc" is not a number/),
      expect.stringMatching(/:5: the saved value of T:TEMP\.HHSV is skipped: "SEVERE" is not a choice/),
      expect.stringMatching(/:7: the saved value of T:SET\.VAL is skipped: an array was saved/),
    ]);
    expect(value(database, 'T:TEMP.HIHI')).toBe(90);
    expect(value(database, 'T:TEMP.HIGH')).toBe(85);
    expect(value(database, 'T:SET.EGU')).toBe('mm');
  });

  it('warns of a tag naming a field the record does not have, and saves the others', () => {
    const { logger, lines } = capturingLogger();
    const database = new Database();
    database.loadText('record(ai, "T:X") { info(autosaveFields_pass0, "HIHI HIHJ NAME") }');
    const autosave = new Autosave({ records: database.loadedRecords(), files: new MemoryFiles(), fileName: 'x.sav', periodSeconds: 5, logger });
    expect(autosave.pvs).toEqual(['T:X.HIHI']);
    expect(lines.filter((line) => line.level === 40).map((line) => line.msg)).toEqual([
      'T:X: info(autosaveFields_pass0) names HIHJ, which is not autosaved: record type ai has no field HIHJ',
      'T:X: info(autosaveFields_pass0) names NAME, which is not autosaved: NAME is read-only',
    ]);
  });
});

describe('autosave saves', () => {
  it('writes when a field changed, whoever changed it: a client, code, a link', async () => {
    const { database, autosave, files } = setUp(undefined, { start: true });
    await autosave.saveIfChanged();
    expect(files.writes).toBe(1);
    await autosave.saveIfChanged();
    expect(files.writes).toBe(1);

    put(pvOf(database, 'T:TEMP.HIHI'), 95);
    await autosave.saveIfChanged();
    expect(files.files.get('ioc.sav')).toContain('\nT:TEMP.HIHI 95\n');

    database.record('T:SET').setField('EGU', 'degC');
    await autosave.saveIfChanged();
    expect(files.files.get('ioc.sav')).toContain('\nT:SET.EGU degC\n');

    database.record('T:LINKER', 'number').set(42);
    await autosave.saveIfChanged();
    expect(files.files.get('ioc.sav')).toContain('\nT:TEMP.HIGH 42\n');
    expect(files.writes).toBe(4);
  });

  it('keeps the previous save as the backup, and never a cut-short file over a good backup', async () => {
    const { database, autosave, files } = setUp();
    await autosave.saveIfChanged();
    const first = files.files.get('ioc.sav')!;
    put(pvOf(database, 'T:TEMP.HIHI'), 95);
    await autosave.saveIfChanged();
    expect(files.files.get('ioc.savB')).toBe(first);

    files.files.set('ioc.sav', 'cut sh');
    put(pvOf(database, 'T:TEMP.HIHI'), 96);
    await autosave.saveIfChanged();
    expect(files.files.get('ioc.savB')).toBe(first);
    expect(files.files.get('ioc.sav')).toContain('\nT:TEMP.HIHI 96\n');
  });

  it('does not rewrite a file it restored whole and unchanged', async () => {
    const first = setUp();
    await first.autosave.saveIfChanged();
    const second = setUp(first.files);
    await second.autosave.restore();
    await second.autosave.saveIfChanged();
    expect(first.files.writes).toBe(1);
  });

  it('logs a failed write once, keeps the values, and writes them when it can again', async () => {
    const { database, autosave, files, lines } = setUp();
    await autosave.saveIfChanged();
    const before = files.files.get('ioc.sav');
    files.failing = true;
    put(pvOf(database, 'T:TEMP.HIHI'), 95);
    await autosave.saveIfChanged();
    await autosave.saveIfChanged();
    expect(lines.filter((line) => line.level === 50).map((line) => line.msg)).toEqual([expect.stringMatching(/^autosave cannot write \/saves\/ioc\.sav/)]);
    expect(files.files.get('ioc.sav')).toBe(before);
    files.failing = false;
    await autosave.saveIfChanged();
    expect(files.files.get('ioc.sav')).toContain('\nT:TEMP.HIHI 95\n');
    expect(lines.at(-1)?.msg).toBe('autosave writes its file again');
  });

  it('saves every period while started, and what changed at stop', async () => {
    const files = new MemoryFiles();
    const { logger } = capturingLogger();
    const database = new Database();
    database.loadText(DB);
    const autosave = new Autosave({ records: database.loadedRecords(), files, fileName: 'ioc.sav', periodSeconds: 0.02, logger });
    autosave.start();
    const deadline = Date.now() + 5000;
    while (files.writes === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(files.writes).toBe(1);
    put(pvOf(database, 'T:TEMP.HIHI'), 91);
    await autosave.stop();
    expect(files.files.get('ioc.sav')).toContain('\nT:TEMP.HIHI 91\n');
  });
});
