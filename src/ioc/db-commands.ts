// iocsh's database commands as a startup script runs them after iocInit, in the thread that holds
// the database: what each prints.

import * as os from 'node:os';
import type { Database } from '../database';
import { dbgf, dbl, dbpf } from '../database/db-test';
import type { ClientIdentity } from '../database/pv';

export interface DbCommand {
  readonly name: 'dbl' | 'dbgf' | 'dbpf' | 'iocPause' | 'iocRun';
  readonly args: readonly string[];
}

/** Whom dbpf's writes are logged as: the IOC's own shell. */
const SHELL: ClientIdentity = Object.freeze({ user: 'iocsh', host: os.hostname(), address: 'startup script' });

export async function runDbCommand(database: Database, command: DbCommand): Promise<string> {
  const [first = '', second = ''] = command.args;
  switch (command.name) {
    case 'dbl':
      return dbl(database, first, second);
    case 'dbgf':
      return dbgf(database, first);
    case 'dbpf':
      return dbpf(database, first, second, SHELL);
    case 'iocPause':
      return database.pause();
    case 'iocRun':
      return database.resume();
  }
}
