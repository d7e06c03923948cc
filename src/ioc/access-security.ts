// The IOC's access security: the .acf file read at start (an error stops start-up), re-read on
// request (SIGHUP, the API, or 1 written to a READACF sub record, devIocStats' asSubProcess); a
// file that fails to re-read leaves the rules in force, and says why in the log and through the
// "Access security" device support (ACF_STATUS in iocStats.db).

import { formatAcfLocation, loadAcfFile, type LineExpander } from '../access';
import type { Database } from '../database';
import { expandLine, parseMacroDefinitions } from '../database/db-file/macros';
import type { Logger } from '../logger';
import type { IocConfig } from './config/ioc-config';
import type { AccessSecurityStatus } from './devices';

export interface AccessSecurityOptions {
  database: Database;
  settings: IocConfig['accessSecurity'];
  /** The driver of the "Access security" device support; none when no record shows the status. */
  status?: AccessSecurityStatus;
  logger: Logger;
}

export interface AccessSecurity {
  /** Re-reads the file and puts its rules in force; on an error the rules in force stay, and the promise rejects. */
  reload(): Promise<void>;
}

/** Loads the configured file (rejecting with an AcfError if it is wrong); `reload` serves SIGHUP, the API and asSubProcess. */
export async function startAccessSecurity(options: AccessSecurityOptions): Promise<AccessSecurity> {
  const { database, settings, status } = options;
  const log = options.logger.child({ component: 'accessSecurity' });
  const { file } = settings;

  if (file === undefined) {
    const reason = 'no access security file is configured (-a FILE, or accessSecurity.file)';
    status?.set('disabled: no access security file');
    return { reload: () => Promise.reject(new Error(reason)) };
  }

  const expand = macroExpander(settings.macros);
  const load = async () => {
    const loaded = await loadAcfFile(file, { expand, useClientIpAddress: settings.useClientIpAddress });
    for (const warning of loaded.warnings) log.warn({ location: formatAcfLocation(warning.location) }, warning.message);
    database.setAccessSecurity(loaded.rules);
    status?.set(`loaded ${file}`);
    log.info({ file, useClientIpAddress: settings.useClientIpAddress }, 'access security file loaded');
  };
  await load();

  let busy: Promise<void> = Promise.resolve();
  /** One reload at a time: a second request waits, then reads the file as it is by then. */
  const reload = (): Promise<void> => {
    const done = busy.then(load).catch((error: unknown) => {
      const message = (error as Error).message;
      log.error({ err: error }, 'access security file not reloaded; the rules loaded before stay in force');
      status?.set(message, true);
      throw error;
    });
    busy = done.catch(() => undefined);
    return done;
  };
  return { reload };
}

/** softIoc hands the -m macros in force where -a is given to asInitFile as its substitutions. */
function macroExpander(macros: string): LineExpander | undefined {
  if (macros === '') return undefined;
  const definitions = parseMacroDefinitions(macros);
  return (line) => expandLine(line, definitions);
}
