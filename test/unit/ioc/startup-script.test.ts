import { callsIocInit, parseStartupScript, StartupScriptError, type ScriptLine } from '../../../src/ioc/startup-script';
import { refusalOf } from '../../helpers/refusal';

// Splitting, quoting, comments, echo and environment expansion follow EPICS base's iocsh.cpp
// (R7.0.8.1: Tokenize::split, iocshBody) and macEnv.c (macDefExpand with the environment).

const parse = (text: string, env: Record<string, string> = {}) => parseStartupScript(text, 'st.cmd', env);
const commands = (lines: readonly ScriptLine[]) =>
  lines.flatMap((line) => (line.command ? [[line.command.name, ...line.command.args.map((arg) => arg.text)]] : []));

const refusal = (text: string, env: Record<string, string> = {}) => refusalOf(() => parse(text, env), StartupScriptError);

describe('parseStartupScript', () => {
  it('splits the parenthesised and the space-separated forms alike', () => {
    const script = 'dbLoadRecords("a.db", "P=X:,R=Y:")\ndbLoadRecords a.db P=Z:\ndbLoadTemplate(sites.substitutions)\niocInit()\ndbl';
    expect(commands(parse(script))).toEqual([
      ['dbLoadRecords', 'a.db', 'P=X:,R=Y:'],
      ['dbLoadRecords', 'a.db', 'P=Z:'],
      ['dbLoadTemplate', 'sites.substitutions'],
      ['iocInit'],
      ['dbl'],
    ]);
  });

  it('keeps blanks, commas and parentheses inside quotes, takes an escaped character as it is, and gives an empty quoted argument', () => {
    expect(commands(parse(`iocInit\ndbpf 'A B' "x, (y)"\ndbpf C a\\ b\ndbl "" "EGU DESC"`))).toEqual([
      ['iocInit'],
      ['dbpf', 'A B', 'x, (y)'],
      ['dbpf', 'C', 'a b'],
      ['dbl', '', 'EGU DESC'],
    ]);
  });

  it('expands $(VAR), ${VAR} and $(VAR=default) from the environment, with the values epicsEnvSet gave earlier lines', () => {
    const lines = parse('epicsEnvSet("IOC", "LAB")\ndbLoadRecords("$(TOP)/a.db", "P=${IOC}:,Q=$(Q=dflt)")', { TOP: '/opt' });
    expect(commands(lines)).toEqual([
      ['epicsEnvSet', 'IOC', 'LAB'],
      ['dbLoadRecords', '/opt/a.db', 'P=LAB:,Q=dflt'],
    ]);
  });

  it('echoes lines after expansion and comments as written, but not #- comments, as iocsh does with a script', () => {
    const lines = parse('# shown\n#- hidden\n\nepicsEnvSet X 1\n  dbl $(X)', {});
    expect(lines.map((line) => line.echo)).toEqual(['# shown', undefined, undefined, 'epicsEnvSet X 1', '  dbl 1']);
  });

  it('says whether the script calls iocInit', () => {
    expect(callsIocInit(parse('dbl\n'))).toBe(false);
    expect(callsIocInit(parse('iocInit\n'))).toBe(true);
  });

  it('refuses an unsupported command with the script name, line and the list of supported commands', () => {
    expect(refusal('iocInit\n\ndbpr "X" 1')).toBe(
      'st.cmd:3:1: command "dbpr" is not supported; the supported commands are ' +
        'epicsEnvSet, dbLoadRecords, dbLoadTemplate, asSetFilename, asSetSubstitutions, iocInit, iocPause, iocRun, dbl, dbpf, dbgf',
    );
  });

  it('refuses an undefined variable where it stands, as macLib cannot expand it', () => {
    expect(refusal('dbLoadRecords("a.db", "P=$(NOPE)")')).toBe('st.cmd:1:26: macro $(NOPE) is not defined in the environment');
  });

  it('refuses missing arguments, unbalanced quotes and redirection', () => {
    expect(refusal('dbLoadRecords()')).toBe('st.cmd:1:1: dbLoadRecords needs file name: dbLoadRecords "file name" "substitutions"');
    expect(refusal('epicsEnvSet X')).toBe('st.cmd:1:1: epicsEnvSet needs value: epicsEnvSet "name" "value"');
    expect(refusal('dbl "ai')).toBe('st.cmd:1:5: unbalanced quote');
    expect(refusal('dbl > out.txt')).toBe('st.cmd:1:5: redirection (< or >) is not supported');
  });

  it('refuses dbpf and dbgf before iocInit, loads after it, and a second iocInit', () => {
    expect(refusal('dbgf X')).toBe('st.cmd:1:1: dbgf only works after iocInit');
    expect(refusal('iocInit\ndbLoadRecords a.db')).toBe('st.cmd:2:1: dbLoadRecords cannot follow iocInit (line 1): the IOC is running');
    expect(refusal('iocInit\niocInit')).toBe('st.cmd:2:1: iocInit cannot follow iocInit (line 1): the IOC is running');
  });
});
