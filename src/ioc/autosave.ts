// Autosave as the configuration asks for it: its save file restored into the database before the
// first scan, then saves while the IOC runs and at its stop (see README: Autosave).

import { ContainedDirectory } from '../files/contained-directory';
import { Autosave, saveFilesIn, type Database } from '../database';
import type { Logger } from '../logger';
import type { IocConfig } from './config/ioc-config';

/**
 * Restores the save file into `database`, whose records are loaded and not yet scanned, and returns
 * the autosave to start once the IOC serves. Undefined when autosave is off (no directory), or when
 * its directory cannot be made: that is logged, and the IOC runs without it rather than not at all.
 */
export async function restoreAutosave(database: Database, settings: IocConfig['autosave'], logger: Logger): Promise<Autosave | undefined> {
  if (settings.directory === undefined) return undefined;
  let directory: ContainedDirectory;
  try {
    directory = ContainedDirectory.open(settings.directory);
  } catch (error) {
    logger.error({ err: error, directory: settings.directory }, `autosave is off: its directory ${settings.directory} cannot be made or resolved`);
    return undefined;
  }
  const autosave = new Autosave({
    records: database.loadedRecords(),
    files: saveFilesIn(directory),
    fileName: settings.file,
    periodSeconds: settings.period,
    logger,
  });
  await autosave.restore();
  return autosave;
}
