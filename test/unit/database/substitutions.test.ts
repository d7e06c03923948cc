import { DbFileError } from '../../../src/database/db-file/location';
import { parseMacroDefinitions } from '../../../src/database/db-file/macros';
import { parseSubstitutions } from '../../../src/database/db-file/substitutions';
import { refusalOf } from '../../helpers/refusal';

// The grammar and the macro strings follow EPICS base's dbLoadTemplate.y and dbLoadTemplate_lex.l (R7.0.8.1).

const loads = (text: string, macros?: string) =>
  parseSubstitutions(text, 'x.substitutions', macros).map(({ file, macros: defs, location }) => ({ file, macros: defs, line: location.line }));

const refusal = (text: string) => refusalOf(() => parseSubstitutions(text, 'x.substitutions'), DbFileError);

describe('parseSubstitutions (dbLoadTemplate)', () => {
  it('makes one load per brace group of a file block, with its definitions', () => {
    expect(loads('file "a.db" {\n  { P=A:, N=1 }\n  { P=B:, N="two words" }\n}\n')).toEqual([
      { file: 'a.db', macros: 'P=A:,N=1', line: 2 },
      { file: 'a.db', macros: 'P=B:,N="two words"', line: 3 },
    ]);
  });

  it('pairs pattern names with each group of values, in order; missing values stay undefined', () => {
    expect(loads('file db/b.template { pattern { P, N } { A:, 1 } { "B:" 2 } { C: } }')).toEqual([
      { file: 'db/b.template', macros: 'P=A:,N=1', line: 1 },
      { file: 'db/b.template', macros: 'P="B:",N=2', line: 1 },
      { file: 'db/b.template', macros: 'P=C:', line: 1 },
    ]);
  });

  it('puts the command macros, then the globals so far, before each group (later definitions win)', () => {
    const text = 'global { S=1 }\nfile a.db { { P=A: } }\nglobal { S=2 }\nfile b.db { pattern { P } { B: } }';
    const result = loads(text, 'IOC=X');
    expect(result.map((load) => load.macros)).toEqual(['IOC=X,S=1,P=A:', 'IOC=X,S=1,S=2,P=B:']);
    expect(parseMacroDefinitions(result[1]!.macros).get('S')).toBe('2');
  });

  it('keeps a global inside a file block for every later load, as dbLoadTemplate does', () => {
    expect(loads('file a.db { { P=1 } global { G=g } { P=2 } }\nfile b.db { {} }').map((load) => load.macros)).toEqual(['P=1', 'G=g,P=2', 'G=g']);
  });

  it('skips comments and accepts the deprecated name before a group', () => {
    expect(loads('# sites\nfile a.db { # first\n  old { P=1 } }')).toEqual([{ file: 'a.db', macros: 'P=1', line: 3 }]);
  });

  it('loads nothing for an empty file block', () => {
    expect(loads('file a.db { }')).toEqual([]);
  });

  it('refuses a syntax error with file:line:col', () => {
    expect(refusal('file a.db {\n  { P A: }\n}')).toBe(`x.substitutions:2:7: expected "=", found 'A:'`);
    expect(refusal('file a.db { { P=1 }')).toBe('x.substitutions:1:20: expected "{", found the end of the file');
    expect(refusal('files a.db { }')).toBe(`x.substitutions:1:1: expected "file" or "global", found 'files'`);
  });

  it('refuses what dbLoadTemplate only warns about: a stray character, more values than names', () => {
    expect(refusal('file a.db { { P=$(X) } }')).toBe(`x.substitutions:1:17: invalid character '$'`);
    expect(refusal('file a.db { pattern { P } { 1, 2 } }')).toBe('x.substitutions:1:32: more values than the 1 names of the pattern');
    expect(refusal('file a.db { { P="open }')).toBe('x.substitutions:1:17: string without its closing quote on this line');
  });
});
