// softIoc's "exit" subroutine (softMain.cpp, exitSubroutine), named by the $(IOC):exit sub record
// of softIocExit.db (`-x prefix`): processing the record stops the IOC, with exit status 0 when
// its field A is 0 and 1 otherwise (EXIT_SUCCESS, EXIT_FAILURE), after the pass that asked.

import type { Database } from '../database';
import { AlarmSeverity, AlarmStatus } from '../database/pv';

/** Stops the IOC and its process with this status. */
export type ExitRequest = (status: number) => void;

/**
 * Registers "exit" as softIoc does for every database. Without `requestExit` (an IOC embedded in a
 * service, which does not own its process) the subroutine refuses, with a MAJOR SOFT alarm saying so.
 */
export function registerExitSubroutine(database: Database, requestExit: ExitRequest | undefined): void {
  database.registerSubroutine('exit', (record) => {
    if (!requestExit) {
      record.raiseAlarm(AlarmStatus.SOFT, AlarmSeverity.MAJOR, 'exit refused: this IOC runs inside a service, whose process it does not stop');
      return -1;
    }
    const status = record.number('A') === 0 ? 0 : 1;
    setImmediate(() => requestExit(status));
    return 0;
  });
}
