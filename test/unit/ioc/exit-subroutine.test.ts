import * as fs from 'node:fs';
import { Database } from '../../../src/database';
import { AlarmSeverity, AlarmStatus } from '../../../src/database/pv';
import { registerExitSubroutine } from '../../../src/ioc/exit-subroutine';
import { SOFT_IOC_EXIT_DB } from '../../../src/ioc/records-files';
import { put, pvOf } from '../database/helpers';
import { textMatching } from '../../helpers/matchers';

// softIoc's exit subroutine (softMain.cpp, EPICS base R7.0.8.1): epicsExitLater(A == 0 ? EXIT_SUCCESS : EXIT_FAILURE).

function exitRecord(requestExit?: (status: number) => void): Database {
  const database = new Database();
  registerExitSubroutine(database, requestExit);
  database.loadText(fs.readFileSync(SOFT_IOC_EXIT_DB, 'utf8'), { macros: 'IOC=T' });
  database.start();
  return database;
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('the exit subroutine of -x PREFIX', () => {
  it.each([
    ['T:exit', 7, 0],
    ['T:exit.A', 1, 1],
    ['T:exit.A', -2, 1],
  ])('processing on a put to %s of %d asks to exit with %d, after the pass', async (name, value, status) => {
    const statuses: number[] = [];
    const database = exitRecord((code) => statuses.push(code));
    put(pvOf(database, name), value);
    expect(statuses).toEqual([]);
    await nextTurn();
    expect(statuses).toEqual([status]);
    database.close();
  });

  it('refuses, with the record in a MAJOR alarm saying why, where nothing may stop the process (an embedded IOC)', () => {
    const database = exitRecord();
    put(pvOf(database, 'T:exit'), 1);
    expect(pvOf(database, 'T:exit').alarm()).toMatchObject({ status: AlarmStatus.SOFT, severity: AlarmSeverity.MAJOR, message: textMatching(/^exit refused/) });
    database.close();
  });
});
