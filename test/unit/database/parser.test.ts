import * as path from 'node:path';
import type { RecordDefinition } from '../../../src/database/db-file/ast';
import { DbFileError } from '../../../src/database/db-file/location';
import { parseMacroDefinitions } from '../../../src/database/db-file/macros';
import { parseDatabaseFile, parseDatabaseText, streamDatabaseText, type ParseOptions } from '../../../src/database/db-file/parser';
import type { SourceFiles } from '../../../src/database/db-file/source-files';

const FIXTURES = path.join(__dirname, '../../fixtures/db');

function parse(text: string, options: ParseOptions = {}) {
  return parseDatabaseText(text, 'test.db', options);
}

function records(text: string, options: ParseOptions = {}): RecordDefinition[] {
  return parse(text, options).items.filter((item): item is RecordDefinition => item.kind === 'record');
}

function errorOf(action: () => unknown): DbFileError {
  try {
    action();
  } catch (error) {
    if (error instanceof DbFileError) return error;
    throw error;
  }
  throw new Error('expected a DbFileError');
}

/** In-memory files for include tests. */
function memoryFiles(files: Record<string, string>): SourceFiles {
  return {
    open(name, searchPath) {
      for (const candidate of [name, ...searchPath.map((dir) => `${dir}/${name}`)]) {
        const text = files[candidate];
        if (text !== undefined) return { path: candidate, text };
      }
      return undefined;
    },
  };
}

describe('record syntax', () => {
  it('reads types, names, fields, infos and aliases with quoted and bare values', () => {
    const [record] = records(`
      record(ai, "X:T") {
        field(DESC, "Temperature")
        field(PREC, 2)
        field(SCAN, Passive)
        info(archive, "monitor")
        alias("X:TEMP")
      }`);
    expect(record).toMatchObject({ recordType: 'ai', name: 'X:T', location: { file: 'test.db', line: 2, column: 18 } });
    expect(record!.fields.map((f) => [f.name, f.value.text])).toEqual([
      ['DESC', 'Temperature'],
      ['PREC', '2'],
      ['SCAN', 'Passive'],
    ]);
    expect(record!.infos.map((i) => [i.name, i.value.text])).toEqual([['archive', 'monitor']]);
    expect(record!.aliases.map((a) => a.name)).toEqual(['X:TEMP']);
  });

  it('accepts grecord, bare names with colons, an absent or empty body, and several statements on a line', () => {
    const parsed = records('grecord(bo, X:B) record(bi, X:C) {} record(longin, X:D){field(VAL,1)}');
    expect(parsed.map((r) => [r.recordType, r.name, r.fields.length])).toEqual([
      ['bo', 'X:B', 0],
      ['bi', 'X:C', 0],
      ['longin', 'X:D', 1],
    ]);
  });

  it('skips comments anywhere, including inside a record body and JSON values', () => {
    const [record] = records(`
      # heading
      record(ai, "X:T") { # open
        # a field
        field(DESC, "a # is not a comment here") # after
        info(autosave, { # JSON may hold comments
          fields: [DESC] })
      }`);
    expect(record!.fields[0]!.value.text).toBe('a # is not a comment here');
    expect(record!.infos[0]!.value.text).toBe('{fields:["DESC"]}');
  });

  it('translates C escapes in quoted values and takes single-quoted values', () => {
    const [record] = records(String.raw`record(stringin, "X:S") { field(DESC, "tab\there \"q\" \x41") field(VAL, 'single') }`);
    expect(record!.fields.map((f) => f.value.text)).toEqual(['tab\there "q" A', 'single']);
  });

  it('reads numbers, arrays and JSON link objects as values', () => {
    const [record] = records('record(waveform, "X:W") { field(HOPR, -1.5e3) field(INP, [1, 2.5, "x",]) field(FLNK, {pva: {pv: "a", proc: true}}) }');
    const [hopr, inp, flnk] = record!.fields.map((f) => f.value);
    expect(hopr).toMatchObject({ kind: 'number', text: '-1.5e3' });
    expect(inp).toMatchObject({ kind: 'array', text: '[1,2.5,"x",]' });
    expect(flnk).toMatchObject({ kind: 'object', text: '{pva:{pv:"a",proc:true}}' });
  });

  it('reads a top-level alias', () => {
    const parsed = parse('record(ai, "A") alias("A", "B")');
    expect(parsed.items[1]).toMatchObject({ kind: 'alias', target: { name: 'A' }, alias: { name: 'B', location: { line: 1, column: 28 } } });
  });

  it('substitutes macros, with defaults', () => {
    const [record] = records('record(ai, "$(P)$(R=MEM:)HEAP") { field(DESC, "${D=none}") }', { macros: parseMacroDefinitions('P=X:') });
    expect(record!.name).toBe('X:MEM:HEAP');
    expect(record!.fields[0]!.value.text).toBe('none');
  });

  it('reports columns of the line as written, before macro expansion', () => {
    const error = errorOf(() => parse('record(ai, "$(P)T") { field(DESC, @) }', { macros: parseMacroDefinitions('P=LONG:PREFIX:') }));
    expect(error.message).toBe("test.db:1:35: Invalid character '@'");
  });
});

describe('include', () => {
  it('reads included files in place, nested, at top level and inside a record body', () => {
    const sources = memoryFiles({
      'top.db': 'record(ai, "A") {\n  include "fields.db"\n}\ninclude "more.db"\n',
      'dir/fields.db': 'field(DESC, "from include")\n',
      'dir/more.db': 'include "last.db"\nrecord(bi, "B")\n',
      'dir/last.db': 'record(bo, "C")\n',
    });
    const parsed = parseDatabaseFile('top.db', { sources, includePaths: ['dir'] });
    expect(parsed.files).toEqual(['top.db', 'dir/fields.db', 'dir/more.db', 'dir/last.db']);
    const recs = parsed.items as RecordDefinition[];
    expect(recs.map((r) => r.name)).toEqual(['A', 'C', 'B']);
    expect(recs[0]!.fields[0]).toMatchObject({ name: 'DESC', location: { file: 'dir/fields.db', line: 1, includedFrom: { file: 'top.db', line: 2 } } });
  });

  it('follows path and addpath statements', () => {
    const sources = memoryFiles({ 'a/x.db': 'record(ai, "X")', 'b/y.db': 'record(ai, "Y")' });
    const parsed = parse('path "a"\ninclude "x.db"\naddpath "b"\ninclude "y.db"', { sources });
    expect((parsed.items as RecordDefinition[]).map((r) => r.name)).toEqual(['X', 'Y']);
  });

  it('reads the fixture with macros, defaults, nested includes, aliases and info tags', () => {
    const parsed = parseDatabaseFile(path.join(FIXTURES, 'example.db'), {
      macros: parseMacroDefinitions('P=TEST:'),
      includePaths: [FIXTURES],
    });
    expect(parsed.files.map((f) => path.relative(FIXTURES, f))).toEqual(['example.db', 'lib/states.db', 'lib/text.db']);
    const names = parsed.items.map((item) => (item.kind === 'record' ? item.name : `alias ${item.alias.name}`));
    expect(names).toEqual(['TEST:MEM:HEAP', 'alias TEST:HEAP:USED', 'TEST:LIMIT', 'TEST:MODE', 'TEST:LOG', 'TEST:TEXT', 'TEST:ENABLE', 'TEST:CALC']);
  });

  it('reports a missing include file, naming the search path', () => {
    const error = errorOf(() => parse('\ninclude "nowhere.db"', { sources: memoryFiles({}), includePaths: ['/x', '/y'] }));
    expect(error.message).toBe('test.db:2:9: cannot open include file "nowhere.db" (searched /x, /y)');
  });

  it('reports an include cycle', () => {
    const sources = memoryFiles({ 'a.db': 'include "b.db"', 'b.db': 'include "a.db"' });
    const error = errorOf(() => parseDatabaseFile('a.db', { sources, includePaths: ['.'] }));
    expect(error.message).toMatch(/^b\.db:1:9: "a\.db" includes itself \(include cycle\)\n {2}included from a\.db:1:1$/);
  });

  it('names the include chain of an error in an included file', () => {
    const sources = memoryFiles({ 'top.db': '\n\ninclude "bad.db"', 'bad.db': 'record(ai "X")' });
    const error = errorOf(() => parseDatabaseFile('top.db', { sources, includePaths: ['.'] }));
    expect(error.message).toBe('bad.db:1:11: expected \',\' but found "X"\n  included from top.db:3:1');
  });
});

describe('syntax errors name file, line, column and what was expected', () => {
  const cases: [string, string, string][] = [
    ['a missing parenthesis', 'record(ai, "X" {', "test.db:1:16: expected ')' but found '{'"],
    ['a missing comma', 'record(ai "X")', 'test.db:1:11: expected \',\' but found "X"'],
    [
      'an unclosed body',
      'record(ai, "X") {\n  field(DESC, "d")\n',
      "test.db:3:1: expected 'field', 'info', 'alias', 'include' or '}' closing record X but found the end of the file",
    ],
    ['an unknown statement', 'records(ai, "X")', "test.db:1:1: expected 'record', 'alias' or 'include' but found 'records'"],
    [
      'an unknown body item',
      'record(ai, "X") { feld(DESC, "d") }',
      "test.db:1:19: expected 'field', 'info', 'alias', 'include' or '}' closing record X but found 'feld'",
    ],
    ['a newline inside a string', 'record(ai, "X) {\n}', 'test.db:1:12: Newline in string, closing quote missing'],
    ['an invalid character', 'record(ai, "X") { field(DESC, "d") ! }', "test.db:1:36: Invalid character '!'"],
    ['a value that is not one', 'record(ai, "X") { field(DESC, ) }', "test.db:1:31: expected a value but found ')'"],
    [
      'an unquoted value with a colon',
      'record(ai, "X") { field(INP, A:B) }',
      "test.db:1:31: expected ')' after the value of INP but found ':B' (values holding spaces or any of :;<>[] must be quoted)",
    ],
    ['a bad JSON escape', 'record(ai, "X") { field(DESC, "\\1") }', 'test.db:1:32: Bad escape in JSON string'],
    ['a keyword used as a name', 'record(ai, field)', "test.db:1:12: expected a record name but found 'field'"],
    ['a bad character in a record name', 'record(ai, "X.Y")', 'test.db:1:12: bad character \'.\' in record or alias name "X.Y"'],
    ['an empty record name', 'record(ai, "")', 'test.db:1:12: a record or alias name cannot be empty'],
    ['an empty info name', 'record(ai, "X") { info("", "v") }', 'test.db:1:24: info name cannot be empty'],
    ['a .dbd statement', 'menu(menuX) { choice(a, "A") }', "test.db:1:1: 'menu' belongs in a .dbd file, not a database file"],
    ['an undefined macro', 'record(ai, "X") {\n    field(DESC, "$(WHO)") }', 'test.db:2:18: macro $(WHO) is not defined'],
  ];
  it.each(cases)('%s', (_what, text, message) => {
    expect(errorOf(() => parse(text)).message).toBe(message);
  });

  it('reports a missing top-level file', () => {
    expect(errorOf(() => parseDatabaseFile(path.join(FIXTURES, 'absent.db'))).message).toMatch(/cannot open database file .*absent\.db/);
  });
});

describe('warnings', () => {
  it('warns of record names starting with characters that confuse CA tools', () => {
    expect(parse('record(ai, "-X")').warnings.map((w) => w.message)).toEqual(['record or alias name "-X" should not begin with \'-\'']);
  });
});

describe('streaming', () => {
  it('reads each item as it is drawn, so that a load builds records while the file is read', () => {
    const stream = streamDatabaseText('record(ai, "A") {}\nrecord(ai, "-B") {}\nrecord(ai, "C") {', 'test.db');
    const items = stream.items[Symbol.iterator]();
    expect(items.next().value).toMatchObject({ kind: 'record', name: 'A' });
    expect(stream.warnings).toEqual([]);
    expect(items.next().value).toMatchObject({ kind: 'record', name: '-B' });
    expect(stream.warnings).toHaveLength(1);
    expect(errorOf(() => items.next()).location).toMatchObject({ file: 'test.db', line: 3 });
  });
});
