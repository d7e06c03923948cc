// TPRO, dbProcess's trace: while a record with TPRO set processes, it and every record processed
// from it (its input links, PP writes, FLNK) log a line. dbAccess.c keeps the flag per lock set,
// which every record a database link reaches shares; processing here is synchronous, so one flag
// per database, on for the duration of the traced record's dbProcess, covers the same records.
// Records that process later (scanOnce, callbacks, a delayed simulation completing) are traced
// only when their own TPRO is set, as the callback and scan threads of an IOC have no flag set.

import type { Logger } from 'pino';
import type { ClientIdentity } from './pv';

export class ProcessTrace {
  /** The lock set's trace flag: on while a record with TPRO set is processing. */
  active = false;
  /** The client whose put is being handled, named in the lines as dbServerClient names it. */
  client: ClientIdentity | undefined;

  constructor(private readonly logger: Logger) {}

  /** One line, "dbProcess of 'NAME'" and its variants, at INFO with the record's name. */
  log(record: string, message: string): void {
    const client = this.client;
    if (client) this.logger.info({ record, client: `${client.user}@${client.host}` }, `${client.user}@${client.host}: ${message}`);
    else this.logger.info({ record }, message);
  }
}
