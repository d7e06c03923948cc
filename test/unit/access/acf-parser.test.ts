import { AcfError, parseAcf, type AccessConfiguration } from '../../../src/access';
import { expandLine, parseMacroDefinitions } from '../../../src/database/db-file/macros';

// The .acf grammar and the checks asLib makes while reading one.

const parse = (text: string): AccessConfiguration => parseAcf(text, { file: 'test.acf' });

function errorOf(text: string): AcfError {
  try {
    parse(text);
  } catch (error) {
    if (error instanceof AcfError) return error;
    throw error;
  }
  throw new Error('parsed without error');
}

describe('parseAcf: constructs', () => {
  it('reads UAGs and HAGs, with and without members', () => {
    const config = parse(`
UAG(ops) { alice, bob }
UAG(nobody)
HAG(consoles) {opi-1,"OPI-2.example.org"}
HAG(none)
`);
    expect(config.uags.get('ops')).toMatchObject({ name: 'ops', users: ['alice', 'bob'], location: { file: 'test.acf', line: 2, column: 1 } });
    expect(config.uags.get('nobody')!.users).toEqual([]);
    expect(config.hags.get('consoles')!.hosts).toEqual(['opi-1', 'OPI-2.example.org']);
    expect(config.hags.get('none')!.hosts).toEqual([]);
  });

  it('reads an ASG with rules of every shape', () => {
    const config = parse(`
UAG(u) {alice}
HAG(h) {opi}
ASG(G) {
  RULE(0, NONE)
  RULE(1, READ)
  RULE(1, WRITE, TRAPWRITE) { UAG(u) }
  RULE(0, WRITE, NOTRAPWRITE) { HAG(h) }
  RULE(1, WRITE) { UAG(u) HAG(h) }
  RULE(2, "WRITE") { UAG(u, u) UAG(u) }
}
`);
    const rules = config.asgs.get('G')!.rules.map((rule) => ({ ...rule, location: undefined })); // toEqual ignores an undefined field
    expect(rules).toEqual([
      { level: 0, access: 'NONE', trapWrite: false, uags: [], hags: [], calc: undefined },
      { level: 1, access: 'READ', trapWrite: false, uags: [], hags: [], calc: undefined },
      { level: 1, access: 'WRITE', trapWrite: true, uags: ['u'], hags: [], calc: undefined },
      { level: 0, access: 'WRITE', trapWrite: false, uags: [], hags: ['h'], calc: undefined },
      { level: 1, access: 'WRITE', trapWrite: false, uags: ['u'], hags: ['h'], calc: undefined },
      { level: 2, access: 'WRITE', trapWrite: false, uags: ['u', 'u', 'u'], hags: [], calc: undefined },
    ]);
    expect(config.warnings).toEqual([]);
  });

  it('reads an ASG without a body, and DEFAULT declared again while it is still empty', () => {
    const config = parse('ASG(EMPTY)\nASG(DEFAULT)\nASG(DEFAULT) { RULE(1, READ) }');
    expect(config.asgs.get('EMPTY')!.rules).toEqual([]);
    expect(config.asgs.get('DEFAULT')!.rules).toHaveLength(1);
  });

  it('accepts INPx and CALC, warning that they do not act', () => {
    const config = parse(`
ASG(G) {
  INPA(LI:OPSTATE)
  INPL("X:Y.VAL")
  RULE(1, WRITE) { CALC("A=1") }
}`);
    expect(config.asgs.get('G')!.inputs.map(({ index, pv }) => [index, pv])).toEqual([
      [0, 'LI:OPSTATE'],
      [11, 'X:Y.VAL'],
    ]);
    expect(config.asgs.get('G')!.rules[0]!.calc).toBe('A=1');
    expect(config.warnings.map((warning) => [warning.location.line, warning.message])).toEqual([
      [3, 'INPA(LI:OPSTATE) of ASG(G) is not connected (links are not followed), so CALC conditions cannot be met'],
      [4, 'INPL(X:Y.VAL) of ASG(G) is not connected (links are not followed), so CALC conditions cannot be met'],
      [5, 'RULE(1,WRITE) of ASG(G) has CALC("A=1"), which is not evaluated: the rule never grants, as in an IOC whose INP links are disconnected'],
    ]);
  });

  it('keeps a user or host listed twice once, with a warning', () => {
    const config = parse('UAG(u) { a, b, a }\nHAG(h) { x,\n x }');
    expect(config.uags.get('u')!.users).toEqual(['a', 'b']);
    expect(config.hags.get('h')!.hosts).toEqual(['x']);
    expect(config.warnings.map((w) => `${w.location.line}:${w.location.column} ${w.message}`)).toEqual([
      "1:16 Duplicated user 'a' in UAG 'u'",
      "3:2 Duplicated host 'x' in HAG 'h'",
    ]);
  });

  it('reads names of every allowed character, quoted names with escapes as written, comments and CRLF lines', () => {
    const config = parse('# a comment\r\nUAG(u) { a_b-c+d:e.f[1]<2>;3, "with space", "esc\\"aped" } # trailing\r\n');
    expect(config.uags.get('u')!.users).toEqual(['a_b-c+d:e.f[1]<2>;3', 'with space', 'esc\\"aped']);
  });

  it('takes a word that only starts like a keyword, INPx or a number as a name', () => {
    const config = parse('UAG(UAGS) { RULES, INPM, INPAB, 12ab }');
    expect(config.uags.get('UAGS')!.users).toEqual(['RULES', 'INPM', 'INPAB', '12ab']);
  });

  it('expands macros line by line, keeping the columns of the line as written', () => {
    const macros = parseMacroDefinitions('OPS=alice,HOSTS=opi-1');
    const config = parseAcf('UAG(u) { $(OPS), bob }\nHAG(h) { $(HOSTS) }\nASG(G) { RULE(1, WRITE) { UAG(u) HAG(h) } }', {
      file: 'm.acf',
      expand: (line) => expandLine(line, macros),
    });
    expect(config.uags.get('u')!.users).toEqual(['alice', 'bob']);
    expect(config.hags.get('h')!.hosts).toEqual(['opi-1']);
    const error = (() => {
      try {
        parseAcf('UAG(u) { $(OPS) } ?', { file: 'm.acf', expand: (line) => expandLine(line, macros) });
      } catch (caught) {
        return caught as AcfError;
      }
      return undefined;
    })();
    expect(error?.message).toBe("m.acf:1:19: Invalid character '?'");
  });
});

describe('parseAcf: errors name the file, line, column and reason', () => {
  it.each([
    ['', 'test.acf:1:1: no UAG, HAG or ASG: an access security file declares at least one'],
    ['# only a comment\n\n', 'test.acf:3:1: no UAG, HAG or ASG: an access security file declares at least one'],
    ['RULE(1, READ)', "test.acf:1:1: expected UAG, HAG or ASG, found 'RULE'"],
    ['UAG ops', "test.acf:1:5: expected '(', found 'ops'"],
    ['UAG(ops', "test.acf:1:8: expected ')', found the end of the file"],
    ['UAG()', "test.acf:1:5: expected a group name, found ')'"],
    ['UAG(123)', 'test.acf:1:5: expected a group name, found the number 123 (quote it: "123")'],
    ['UAG(u) { alice bob }', "test.acf:1:16: expected ',' or '}', found 'bob'"],
    ['ASG(G) { RULE(1, WRITE) { UAG(u v) } }', "test.acf:1:31: No User Access Group named 'u' defined"],
    ['UAG(u)\nASG(G) { RULE(1, WRITE) { UAG(u v) } }', "test.acf:2:33: expected ',' or ')', found 'v'"],
    ['UAG(u) { }', "test.acf:1:10: expected a user name, found '}'"],
    ['UAG(u) { alice, }', "test.acf:1:17: expected a user name, found '}'"],
    ['UAG(u) { ASG }', 'test.acf:1:10: expected a user name, found the keyword ASG (quote it: "ASG")'],
    ['HAG(h) { 10 }', 'test.acf:1:10: expected a host name, found the number 10 (quote it: "10")'],
    ['UAG(u)\nUAG(u)', "test.acf:2:1: Duplicate User Access Group named 'u'"],
    ['HAG(h)\nHAG(h)', "test.acf:2:1: Duplicate Host Access Group named 'h'"],
    ['ASG(G)\nASG(G)', "test.acf:2:1: Duplicate Access Security Group named 'G'"],
    ['ASG(DEFAULT) { RULE(1, READ) }\nASG(DEFAULT)', "test.acf:2:1: Duplicate Access Security Group named 'DEFAULT'"],
    ['ASG(G) { }', "test.acf:1:10: expected INPA..INPL or RULE, found '}'"],
    ['ASG(G) { UAG(u) }', "test.acf:1:10: expected INPA..INPL or RULE, found 'UAG'"],
    ['ASG(G) { RULE(1, READ)', 'test.acf:1:23: expected INPA..INPL or RULE, found the end of the file'],
    ['ASG(G) { RULE(x, READ) }', "test.acf:1:15: expected an access security level (0 or 1), found 'x'"],
    ['ASG(G) { RULE(1 READ) }', "test.acf:1:17: expected ',', found 'READ'"],
    ['ASG(G) { RULE(1, read) }', "test.acf:1:18: Access rights must be NONE, READ or WRITE, not 'read'"],
    ['ASG(G) { RULE(1, ALL) }', "test.acf:1:18: Access rights must be NONE, READ or WRITE, not 'ALL'"],
    ['ASG(G) { RULE(1, WRITE, LOG) }', "test.acf:1:25: Log options must be TRAPWRITE or NOTRAPWRITE, not 'LOG'"],
    ['ASG(G) { RULE(1, WRITE, TRAPWRITE, X) }', "test.acf:1:34: expected ')', found ','"],
    ['ASG(G) { RULE(1, WRITE) { } }', "test.acf:1:27: expected UAG, HAG or CALC, found '}'"],
    ['ASG(G) { RULE(1, WRITE) { RULE(1, READ) } }', "test.acf:1:27: expected UAG, HAG or CALC, found 'RULE'"],
    ['ASG(G) { RULE(1, WRITE) { UAG(ops) } }', "test.acf:1:31: No User Access Group named 'ops' defined"],
    ['ASG(G) { RULE(1, WRITE) { HAG(consoles) } }', "test.acf:1:31: No Host Access Group named 'consoles' defined"],
    ['ASG(G) { RULE(1, WRITE) { UAG() } }', "test.acf:1:31: expected a UAG name, found ')'"],
    ['ASG(G) { RULE(1, WRITE) { CALC(A) }', 'test.acf:1:36: expected INPA..INPL or RULE, found the end of the file'],
    ['ASG(G) { RULE(1, WRITE) { CALC() } }', "test.acf:1:32: expected a CALC expression, found ')'"],
    ['ASG(G) { INPA LI:X }', "test.acf:1:15: expected '(', found 'LI:X'"],
    ['ASG(G) { INPM(LI:X) }', "test.acf:1:10: expected INPA..INPL or RULE, found 'INPM'"],
    ['UAG(u) { "alice }', 'test.acf:1:10: Newline in quoted string, closing quote missing'],
    ['UAG(u) { "alice\\\nbob" }', 'test.acf:1:10: Newline in quoted string, closing quote missing'],
    ['UAG(u) { al/ice }', "test.acf:1:12: Invalid character '/'"],
    ['UAG(u) { al\u00e9 }', 'test.acf:1:12: Invalid character 0xe9'],
    ['UAG(u) {\n  $(OPS) }', "test.acf:2:3: Invalid character '$'"],
  ])('%j', (text, message) => {
    const error = errorOf(text);
    expect(error.message).toBe(message);
    expect(error.name).toBe('AcfError');
  });

  it('wants a UAG declared above the rule that names it, as asLib reads in one pass', () => {
    expect(errorOf('ASG(G) { RULE(1, WRITE) { UAG(u) } }\nUAG(u) { a }').message).toBe("test.acf:1:31: No User Access Group named 'u' defined");
  });

  it('reports an undefined macro at its column', () => {
    const macros = parseMacroDefinitions('A=1');
    expect(() => parseAcf('UAG(u) {\n  a, $(NOPE) }', { file: 'm.acf', expand: (line) => expandLine(line, macros) })).toThrow(/^m\.acf:2:6: .*NOPE/);
  });
});
