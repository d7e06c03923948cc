// Substitutions files as dbLoadTemplate reads them (dbLoadTemplate.y, dbLoadTemplate_lex.l):
//   global { A=1 }                                 definitions for every later load
//   file "x.db" { { P=A:, N=1 } { P=B:, N=2 } }    one load per brace group
//   file x.db { pattern { P, N } { A:, 1 } { B:, 2 } }
// Each load is the file with a macro string as dbLoadTemplate hands it to dbLoadRecords: the
// command's own macros, the globals so far, then the group's definitions (later ones win).
// Quoted values keep their quotes, which macro expansion removes. Nothing is expanded here.
// Where dbLoadTemplate prints a message and goes on (a syntax error ends its parse with the
// loads made so far), this refuses the whole file with its line and column.

import { DbFileError, type SourceLocation } from './location';

export interface TemplateLoad {
  /** The .db or .template file, as written. */
  readonly file: string;
  /** The macro definitions for dbLoadRecords, "A=1,B=\"x y\"". */
  readonly macros: string;
  /** The brace group that asks for this load. */
  readonly location: SourceLocation;
}

interface Token {
  readonly kind: 'word' | 'quote' | 'punct' | 'eof';
  readonly text: string;
  readonly location: SourceLocation;
}

const BAREWORD = /[a-zA-Z0-9_\-+:./\\[\]<>;]/;
const PUNCTUATION = '{}=,';

/** The loads a substitutions file asks for, in order; `macros` are dbLoadTemplate's second argument. */
export function parseSubstitutions(text: string, file: string, macros = ''): TemplateLoad[] {
  return new SubstitutionsParser(tokenize(text, file)).parse(macros);
}

function tokenize(text: string, file: string): Token[] {
  const tokens: Token[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    const at = (column: number): SourceLocation => ({ file, line: index + 1, column: column + 1 });
    let i = 0;
    while (i < line.length) {
      const c = line[i]!;
      if (c === ' ' || c === '\t' || c === '\r') {
        i++;
      } else if (c === '#') {
        break;
      } else if (PUNCTUATION.includes(c)) {
        tokens.push({ kind: 'punct', text: c, location: at(i) });
        i++;
      } else if (c === '"' || c === "'") {
        const end = closingQuote(line, i);
        if (end < 0) throw new DbFileError(at(i), 'string without its closing quote on this line');
        tokens.push({ kind: 'quote', text: line.slice(i + 1, end), location: at(i) });
        i = end + 1;
      } else if (BAREWORD.test(c)) {
        const start = i;
        while (i < line.length && BAREWORD.test(line[i]!)) i++;
        tokens.push({ kind: 'word', text: line.slice(start, i), location: at(start) });
      } else {
        throw new DbFileError(at(i), `invalid character '${c}'`);
      }
    }
  });
  const last = lines[lines.length - 1] ?? '';
  tokens.push({ kind: 'eof', text: '', location: { file, line: lines.length, column: last.length + 1 } });
  return tokens;
}

/** The index of the quote that closes the string opening at `start`; a backslash escapes one character. */
function closingQuote(line: string, start: number): number {
  const quote = line[start];
  for (let i = start + 1; i < line.length; i++) {
    if (line[i] === '\\') i++;
    else if (line[i] === quote) return i;
  }
  return -1;
}

class SubstitutionsParser {
  private index = 0;
  private readonly loads: TemplateLoad[] = [];
  /** The command's macros and every global definition so far. */
  private globals: string[] = [];

  constructor(private readonly tokens: readonly Token[]) {}

  parse(macros: string): TemplateLoad[] {
    if (macros !== '') this.globals.push(macros);
    while (this.peek().kind !== 'eof') {
      const token = this.next();
      if (this.isKeyword(token, 'global')) this.globalBlock();
      else if (this.isKeyword(token, 'file')) this.fileBlock();
      else throw this.unexpected(token, '"file" or "global"');
    }
    return this.loads;
  }

  private globalBlock(): void {
    this.expect('{');
    this.globals.push(...this.definitions());
  }

  private fileBlock(): void {
    const name = this.next();
    if (name.kind !== 'word' && name.kind !== 'quote') throw this.unexpected(name, 'the name of a template file');
    this.expect('{');
    if (this.isKeyword(this.peek(), 'pattern')) {
      this.next();
      this.patternGroups(name.text, this.patternNames());
      return;
    }
    while (!this.accept('}')) {
      const token = this.peek();
      if (this.isKeyword(token, 'global')) {
        this.next();
        this.globalBlock();
        continue;
      }
      const open = this.openGroup();
      this.load(name.text, this.definitions(), open);
    }
  }

  private patternNames(): string[] {
    this.expect('{');
    const names: string[] = [];
    while (!this.accept('}')) {
      if (this.accept(',')) continue;
      const token = this.next();
      if (token.kind !== 'word') throw this.unexpected(token, 'a macro name');
      names.push(token.text);
    }
    return names;
  }

  private patternGroups(file: string, names: readonly string[]): void {
    while (!this.accept('}')) {
      if (this.isKeyword(this.peek(), 'global')) {
        this.next();
        this.globalBlock();
        continue;
      }
      const open = this.openGroup();
      const definitions: string[] = [];
      while (!this.accept('}')) {
        if (this.accept(',')) continue;
        const value = this.next();
        if (value.kind !== 'word' && value.kind !== 'quote') throw this.unexpected(value, 'a value');
        const name = names[definitions.length];
        if (name === undefined) throw new DbFileError(value.location, `more values than the ${names.length} names of the pattern`);
        definitions.push(definition(name, value));
      }
      this.load(file, definitions, open);
    }
  }

  /** `{`, or dbLoadTemplate's deprecated `name {`: the name is ignored, as there. */
  private openGroup(): Token {
    const token = this.next();
    if (token.kind === 'word' && this.accept('{')) return token;
    if (token.kind === 'punct' && token.text === '{') return token;
    throw this.unexpected(token, '"{"');
  }

  /** `A=1, B="x"` up to the closing brace (consumed). */
  private definitions(): string[] {
    const out: string[] = [];
    while (!this.accept('}')) {
      if (this.accept(',')) continue;
      const name = this.next();
      if (name.kind !== 'word') throw this.unexpected(name, 'a macro name');
      this.expect('=');
      const value = this.next();
      if (value.kind !== 'word' && value.kind !== 'quote') throw this.unexpected(value, `a value for ${name.text}`);
      out.push(definition(name.text, value));
    }
    return out;
  }

  private load(file: string, definitions: readonly string[], open: Token): void {
    this.loads.push({ file, macros: [...this.globals, ...definitions].join(','), location: open.location });
  }

  private isKeyword(token: Token, keyword: string): boolean {
    return token.kind === 'word' && token.text === keyword;
  }

  private peek(): Token {
    return this.tokens[this.index]!;
  }

  private next(): Token {
    const token = this.tokens[this.index]!;
    if (token.kind !== 'eof') this.index++;
    return token;
  }

  private accept(punctuation: string): boolean {
    const token = this.peek();
    if (token.kind !== 'punct' || token.text !== punctuation) return false;
    this.index++;
    return true;
  }

  private expect(punctuation: string): void {
    const token = this.next();
    if (token.kind !== 'punct' || token.text !== punctuation) throw this.unexpected(token, `"${punctuation}"`);
  }

  private unexpected(token: Token, wanted: string): DbFileError {
    const found = token.kind === 'eof' ? 'the end of the file' : token.kind === 'quote' ? `"${token.text}"` : `'${token.text}'`;
    return new DbFileError(token.location, `expected ${wanted}, found ${found}`);
  }
}

/** As dbLoadTemplate writes one: a quoted value keeps double quotes, for macro expansion to remove. */
function definition(name: string, value: Token): string {
  return value.kind === 'quote' ? `${name}="${value.text}"` : `${name}=${value.text}`;
}
