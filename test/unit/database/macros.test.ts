import { expandLine, MacroError, parseMacroDefinitions } from '../../../src/database/db-file/macros';

const macros = (text: string) => parseMacroDefinitions(text);
const expand = (line: string, defs = 'P=X:,R=Y:') => expandLine(line, macros(defs)).text;

describe('parseMacroDefinitions (softIoc -m)', () => {
  it('reads name=value pairs separated by commas', () => {
    expect([...macros('P=X:,R=Y:')]).toEqual([
      ['P', 'X:'],
      ['R', 'Y:'],
    ]);
  });

  it('ignores white space around names, values and separators', () => {
    expect([...macros(' P = X: , R=Y: ')]).toEqual([
      ['P', 'X:'],
      ['R', 'Y:'],
    ]);
  });

  it('lets quotes and escapes protect commas, keeping them in the value', () => {
    expect(macros('D="a, b",E=c\\,d').get('D')).toBe('"a, b"');
    expect(macros('D="a, b",E=c\\,d').get('E')).toBe('c\\,d');
  });

  it('drops names given without a value', () => {
    expect([...macros('A,B=1')]).toEqual([['B', '1']]);
  });

  it('keeps an empty value', () => {
    expect(macros('A=').get('A')).toBe('');
  });
});

describe('expandLine', () => {
  it('substitutes $(NAME) and ${NAME}', () => {
    expect(expand('record(ai, "$(P)${R}T")')).toBe('record(ai, "X:Y:T")');
  });

  it('uses a default only when the macro is undefined', () => {
    expect(expand('"$(P=Z:)$(Q=dflt)"')).toBe('"X:dflt"');
  });

  it('expands references inside defaults and names', () => {
    expect(expand('$(Q=$(P)x)', 'P=X:')).toBe('X:x');
    expect(expand('$(N$(I))', 'I=1,N1=one')).toBe('one');
  });

  it('expands macro values recursively and removes their quotes', () => {
    expect(expand('$(A)', 'A=$(B)b,B=x')).toBe('xb');
    expect(expand('"$(D)"', 'D="a, b"')).toBe('"a, b"');
  });

  it('supports scoped definitions $(NAME,SUB=value)', () => {
    expect(expand('$(A,B=2)', 'A=v$(B)')).toBe('v2');
  });

  it('does not expand inside single quotes or comments, and keeps escapes', () => {
    expect(expand("'$(P)' \\$(P) # $(UNDEFINED)")).toBe("'$(P)' \\$(P) # $(UNDEFINED)");
  });

  it('reports an undefined macro with its column', () => {
    let thrown: unknown;
    try {
      expandLine('  field(DESC, "$(NOPE)")', macros(''));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(MacroError);
    expect(thrown).toMatchObject({ message: 'macro $(NOPE) is not defined', column: 15 });
  });

  it('reports a recursive definition', () => {
    expect(() => expand('$(A)', 'A=$(B),B=$(A)')).toThrow('refers to itself');
  });

  it('reports an unterminated reference', () => {
    expect(() => expand('"$(P"')).toThrow("missing ')'");
  });

  it('maps each expanded character to the source column it came from', () => {
    const line = expandLine('a $(P) b', macros('P=XYZ'));
    expect(line.text).toBe('a XYZ b');
    expect(line.columns).toEqual([0, 1, 2, 2, 2, 6, 7]);
  });
});
