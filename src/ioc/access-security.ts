// The IOC's access security: the .acf file read at start (an error stops start-up), re-read on
// request (SIGHUP, the API, or 1 written to $(P)READACF, devIocStats' name); a file that fails to
// re-read leaves the rules in force, and says why in the log and in $(P)ACF_STATUS.

import { formatAcfLocation, loadAcfFile, type LineExpander } from '../access';
import type { Database, RecordHandle } from '../database';
import { expandLine, parseMacroDefinitions } from '../database/db-file/macros';
import { AlarmSeverity, AlarmStatus } from '../database/pv';
import type { Logger } from '../logger';
import type { IocConfig } from './config/ioc-config';

export interface AccessSecurityOptions {
  database: Database;
  settings: IocConfig['accessSecurity'];
  /** The prefix of READACF and ACF_STATUS, served when the iocStats group is loaded. */
  prefix: string;
  logger: Logger;
}

export interface AccessSecurity {
  /** Re-reads the file and puts its rules in force; on an error the rules in force stay, and the promise rejects. */
  reload(): Promise<void>;
}

/** Loads the configured file (rejecting with an AcfError if it is wrong) and serves the reload PV. */
export async function startAccessSecurity(options: AccessSecurityOptions): Promise<AccessSecurity> {
  const { database, settings, prefix } = options;
  const log = options.logger.child({ component: 'accessSecurity' });
  const handle = <K extends 'number' | 'string'>(name: string, kind: K) =>
    database.hasRecord(prefix + name) ? database.record(prefix + name, kind) : undefined;
  const status: RecordHandle<'string'> | undefined = handle('ACF_STATUS', 'string');
  // A READACF sub record (devIocStats' own, SNAM asSubProcess) reloads through its subroutine.
  const readacf: RecordHandle<'number'> | undefined = handle('READACF', 'number');
  const trigger = readacf?.recordType === 'sub' ? undefined : readacf;
  const { file } = settings;

  if (file === undefined) {
    const reason = 'no access security file is configured (-a FILE, or accessSecurity.file)';
    status?.set('disabled: no access security file');
    trigger?.onWrite(() => `READACF: ${reason}`);
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
      status?.set(message, { severity: AlarmSeverity.MAJOR, status: AlarmStatus.SOFT, message });
      throw error;
    });
    busy = done.catch(() => undefined);
    return done;
  };
  trigger?.onWrite((value) => {
    if (value !== 1) return undefined;
    setImmediate(() => void reload().catch(() => undefined).finally(() => trigger.set(0)));
    return undefined;
  });
  return { reload };
}

/** softIoc hands the -m macros in force where -a is given to asInitFile as its substitutions. */
function macroExpander(macros: string): LineExpander | undefined {
  if (macros === '') return undefined;
  const definitions = parseMacroDefinitions(macros);
  return (line) => expandLine(line, definitions);
}
