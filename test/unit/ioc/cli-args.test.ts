import { parseCommandLine, UsageError } from '../../../src/ioc/cli-args';
import { SOFT_IOC_EXIT_DB } from '../../../src/ioc/records-files';
import { refusalOf } from '../../helpers/refusal';

// softIoc's options as softMain.cpp (EPICS base R7.0.8.1) reads them with epicsGetopt("ha:D:d:m:Ssx:v").

describe('parseCommandLine', () => {
  it('loads -d files with the -m macros in force, and -x softIocExit.db with IOC=prefix only', () => {
    const command = parseCommandLine(['-m', 'P=A:', '-d', 'a.db', '-x', 'LAB', '-m', 'P=B:', '-d', 'b.db']);
    expect(command).toMatchObject({
      kind: 'run',
      databases: [
        { file: 'a.db', macros: 'P=A:' },
        { file: SOFT_IOC_EXIT_DB, macros: 'IOC=LAB' },
        { file: 'b.db', macros: 'P=B:' },
      ],
    });
  });

  it('accepts -D (with its file), -S and -s, which change nothing here', () => {
    expect(parseCommandLine(['-D', 'softIoc.dbd', '-S', '-s'])).toEqual(parseCommandLine([]));
  });

  it('takes the first argument that is no option as the startup script, and nothing after it', () => {
    expect(parseCommandLine(['-d', 'a.db', 'st.cmd'])).toMatchObject({ script: 'st.cmd' });
    expect(parseCommandLine([])).not.toHaveProperty('script');
    expect(refusalOf(() => parseCommandLine(['st.cmd', '-d', 'a.db']), UsageError)).toBe('nothing may follow the startup script st.cmd (found -d)');
  });

  it('refuses an unknown option and an option without its value', () => {
    expect(refusalOf(() => parseCommandLine(['-v']), UsageError)).toBe('unknown option -v');
    expect(refusalOf(() => parseCommandLine(['-x']), UsageError)).toBe('-x needs a value');
  });
});
