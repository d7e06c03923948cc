// Autosave of the fields the records tag (synApps autosave's info-tag save set): restored from the
// save file once, before the first scan; saved when one of them changed, at most once a period and
// at stop, whoever changed it (a client, code, a link), since what is saved is what the fields hold.

import * as path from 'node:path';
import type { Logger } from 'pino';
import type { ContainedDirectory } from '../../files/contained-directory';
import type { DbRecord } from '../record';
import { autosavedFields, restoreValue, savedValue, type AutosavedField } from './autosaved-fields';
import { formatValues, parseSaveFile, saveFileText, type ReadSaveFile, type ReadValue } from './save-file';

/** Where save files live: the file I/O autosave needs, so that tests may hand it another. */
export interface SaveFiles {
  /** The directory, for messages. */
  readonly directory: string;
  /** The file's text, or undefined when there is none. */
  read(name: string): Promise<string | undefined>;
  /**
   * Puts `text` in the file `name` atomically: after a crash it holds the old text or the new,
   * whole. `beforeRename` runs once the new text is written, before it takes the name.
   */
  replace(name: string, text: string, beforeRename: () => Promise<void>): Promise<void>;
  /** Renames `from` to `to`, replacing `to`. */
  rename(from: string, to: string): Promise<void>;
}

/** Save files in a contained directory: atomic replacement, no symlink followed out of it. */
export function saveFilesIn(directory: ContainedDirectory): SaveFiles {
  return {
    directory: directory.path,
    read: async (name) => (await directory.read(name))?.toString('utf8'),
    replace: async (name, text, beforeRename) => {
      await directory.replace(name, text, beforeRename);
    },
    rename: (from, to) => directory.rename(from, to),
  };
}

export interface AutosaveOptions {
  /** The records whose tags name the fields; those loaded later are not autosaved. */
  records: readonly DbRecord[];
  files: SaveFiles;
  /** The save file's name; its backup is this name with "B" appended, as autosave's .savB. */
  fileName: string;
  /** The least time between two saves while fields change (autosave's monitor-set period). */
  periodSeconds: number;
  logger: Logger;
  /** The clock for the file's header. */
  now?: () => Date;
}

export class Autosave {
  private readonly fields: readonly AutosavedField[];
  private readonly byPv: ReadonlyMap<string, AutosavedField>;
  private readonly recordNames: ReadonlySet<string>;
  private readonly files: SaveFiles;
  private readonly fileName: string;
  private readonly periodSeconds: number;
  private readonly logger: Logger;
  private readonly now: () => Date;
  /** The field lines of the file in place when they are known to be the fields' values; undefined forces the next save. */
  private lastSaved: string | undefined;
  private saving: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failing = false;

  constructor(options: AutosaveOptions) {
    this.files = options.files;
    this.fileName = options.fileName;
    this.periodSeconds = options.periodSeconds;
    this.logger = options.logger.child({ component: 'autosave' });
    this.now = options.now ?? (() => new Date());
    const { fields, problems } = autosavedFields(options.records);
    for (const { record, tag, field, reason } of problems) {
      this.logger.warn({ record, tag, field }, `${record}: info(${tag}) names ${field}, which is not autosaved: ${reason}`);
    }
    this.fields = fields;
    this.byPv = new Map(fields.map((field) => [field.pv, field]));
    this.recordNames = new Set(options.records.map((record) => record.name));
  }

  /** The backup's name: the save file's with "B" appended. */
  get backupName(): string {
    return `${this.fileName}B`;
  }

  /** The fields saved, as `REC.FIELD`. */
  get pvs(): string[] {
    return this.fields.map((field) => field.pv);
  }

  /**
   * Restores the saved values into the fields, from the save file or, when that is missing, cut
   * short or unreadable, from its backup (as autosave's reboot_restore falls back to the .savB).
   * Never throws: with neither, the database's defaults stand, with one warning naming the file.
   */
  async restore(): Promise<void> {
    const main = await this.readSaveFile(this.fileName);
    if (main.ok) {
      this.apply(main, this.fileName);
      return;
    }
    const backup = await this.readSaveFile(this.backupName);
    if (backup.ok) {
      this.logger.warn(
        { file: this.where(this.fileName), reason: main.reason, backup: this.where(this.backupName) },
        `${this.where(this.fileName)} ${main.reason}; restoring its backup ${this.backupName}`,
      );
      this.apply(backup, this.backupName);
      return;
    }
    this.logger.warn(
      { file: this.where(this.fileName), reason: main.reason, backupReason: backup.reason },
      `${this.where(this.fileName)} ${main.reason}, and its backup ${this.backupName} ${backup.reason}: nothing restored, the database's values stand`,
    );
  }

  /** Saves every period while fields change. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.saveIfChanged(), this.periodSeconds * 1000);
    this.timer.unref();
  }

  /** Stops the periodic saves and saves what changed since the last one. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.saving;
    await this.saveIfChanged();
  }

  /** Writes the save file if a field changed since the last write; one write at a time, never throws. */
  saveIfChanged(): Promise<void> {
    this.saving ??= this.save().finally(() => (this.saving = undefined));
    return this.saving;
  }

  private async save(): Promise<void> {
    try {
      const lines = this.currentLines();
      if (lines === this.lastSaved) return;
      // The backup is taken only once the new file is written: a failed write (a full disk) leaves the save file as it was.
      await this.files.replace(this.fileName, saveFileText(lines, this.now()), () => this.keepPreviousAsBackup());
      this.lastSaved = lines;
      if (this.failing) this.logger.info({ file: this.where(this.fileName) }, 'autosave writes its file again');
      this.failing = false;
    } catch (error) {
      // Once per run of failures: a full disk would otherwise log every period.
      if (!this.failing)
        this.logger.error(
          { err: error, file: this.where(this.fileName) },
          `autosave cannot write ${this.where(this.fileName)}; it tries again every ${this.periodSeconds} s`,
        );
      this.failing = true;
    }
  }

  /** The save file in place becomes the backup, if it is whole: a cut-short file never replaces a good backup. */
  private async keepPreviousAsBackup(): Promise<void> {
    const previous = await this.files.read(this.fileName).catch(() => undefined);
    if (previous !== undefined && parseSaveFile(previous).ok) await this.files.rename(this.fileName, this.backupName);
  }

  private async readSaveFile(name: string): Promise<ReadSaveFile> {
    let text: string | undefined;
    try {
      text = await this.files.read(name);
    } catch (error) {
      return { ok: false, reason: `cannot be read (${(error as Error).message})` };
    }
    if (text === undefined) return { ok: false, reason: 'does not exist' };
    const read = parseSaveFile(text);
    return read.ok ? read : { ok: false, reason: `is refused: ${read.reason}` };
  }

  private apply(read: Extract<ReadSaveFile, { ok: true }>, name: string): void {
    const file = this.where(name);
    for (const problem of read.problems) this.logger.warn({ file }, `${file}: ${problem}; skipped`);
    let skipped = 0;
    for (const value of read.values) {
      const reason = this.restoreOne(value);
      if (reason === undefined) continue;
      skipped++;
      this.logger.warn({ file, line: value.line, pv: value.pv }, `${file}:${value.line}: the saved value of ${value.pv} is skipped: ${reason}`);
    }
    const restored = read.values.length - skipped;
    this.logger.info({ file, restored, skipped }, `autosave restored ${restored} field(s) from ${file}`);
    // The file in place is known to hold the fields' values only when it was read whole and used whole.
    const exact = name === this.fileName && read.problems.length === 0 && skipped === 0 && restored === this.fields.length;
    this.lastSaved = exact ? this.currentLines() : undefined;
  }

  /** Why one saved value was not restored, or undefined when it was. */
  private restoreOne({ pv, value }: ReadValue): string | undefined {
    const field = this.byPv.get(pv);
    if (!field) {
      const record = pv.slice(0, pv.lastIndexOf('.'));
      return this.recordNames.has(record) ? `no autosave info tag of ${record} names ${pv.slice(record.length + 1)}` : `no record ${record} is loaded`;
    }
    try {
      return restoreValue(field, value);
    } catch (error) {
      return (error as Error).message;
    }
  }

  /** The field lines of the fields' values now. */
  private currentLines(): string {
    return formatValues(this.fields.map((field) => ({ pv: field.pv, value: savedValue(field) })));
  }

  private where(name: string): string {
    return path.join(this.files.directory, name);
  }
}
