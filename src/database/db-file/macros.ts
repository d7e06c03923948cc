// Macro substitution as macLib performs it on each line of a .db file: $(NAME) and ${NAME},
// defaults $(NAME=default), scoped definitions $(NAME,A=1), references inside names, defaults
// and values. Line text keeps its quotes and escapes; macro values lose theirs. Nothing is
// expanded inside single quotes or in a comment. Undefined and recursive references are errors.

/** A problem at a 0-based column of the line being expanded. */
export class MacroError extends Error {
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(message);
    this.name = 'MacroError';
  }
}

export type Macros = ReadonlyMap<string, string>;

/** A line after expansion, with the source column (0-based) each character came from. */
export interface ExpandedLine {
  text: string;
  columns: number[];
}

/**
 * macParseDefns: `A=1,B="x, y",C` → A=1, B="x, y" (value quotes stay, to be removed when the
 * value is expanded). White space around names, values and separators is ignored; a name
 * without `=` is dropped. Quotes and escapes protect `,` and `=`.
 */
export function parseMacroDefinitions(text: string): Map<string, string> {
  const macros = new Map<string, string>();
  let current = '';
  let name: string | undefined;
  let quote = '';
  const finish = () => {
    if (name) macros.set(name, current.trim());
    current = '';
    name = undefined;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '\\' && i + 1 < text.length) {
      current += c + text[++i]!;
      continue;
    } else if (c === '=' && name === undefined) {
      name = unquote(current.trim());
      current = '';
      continue;
    } else if (c === ',') {
      finish();
      continue;
    }
    current += c;
  }
  finish();
  return macros;
}

/** Names lose their quotes and escapes, as macParseDefns strips them. */
function unquote(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) out += text[++i]!;
    else if (c !== '"' && c !== "'") out += c;
  }
  return out;
}

/**
 * Expands one line of a .db file. `comments`: a `#` outside quotes starts a comment, left as
 * written; iocsh has no comments inside a line, and passes false.
 */
export function expandLine(line: string, macros: Macros, comments = true): ExpandedLine {
  const expander = new Expander(macros);
  const text: string[] = [];
  const columns: number[] = [];
  const push = (chars: string, column: number) => {
    for (const ch of chars) {
      text.push(ch);
      columns.push(column);
    }
  };
  let quote = '';
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '#' && comments) {
      for (; i < line.length; i++) push(line[i]!, i);
      break;
    }
    if (isReference(line, i) && quote !== "'") {
      const { value, end } = expander.reference(line, i, 0, []);
      push(value, i);
      i = end;
    } else if (c === '\\' && i + 1 < line.length) {
      push(c, i);
      push(line[i + 1]!, i + 1);
      i += 2;
    } else {
      push(c, i);
      i++;
    }
  }
  return { text: text.join(''), columns };
}

function isReference(text: string, i: number): boolean {
  return text[i] === '$' && (text[i + 1] === '(' || text[i + 1] === '{');
}

type Scope = ReadonlyMap<string, string>;

class Expander {
  /** Names being expanded, to tell a recursive definition. */
  private readonly active = new Set<string>();

  constructor(private readonly macros: Macros) {}

  /**
   * trans(): copies `text` from `start` up to a character of `terminators` (or the end),
   * expanding references. Returns the text and the index of the terminator.
   */
  translate(text: string, start: number, level: number, terminators: string, scopes: Scope[]): { value: string; end: number } {
    const discard = level > 0;
    let out = '';
    let quote = '';
    let i = start;
    while (i < text.length && !terminators.includes(text[i]!)) {
      const c = text[i]!;
      if (quote) {
        if (c === quote) {
          quote = '';
          if (discard) {
            i++;
            continue;
          }
        }
      } else if (c === '"' || c === "'") {
        quote = c;
        if (discard) {
          i++;
          continue;
        }
      }
      if (isReference(text, i) && quote !== "'") {
        const reference = this.reference(text, i, level, scopes);
        out += reference.value;
        i = reference.end;
      } else if (c === '\\' && i + 1 < text.length) {
        out += discard ? text[i + 1]! : c + text[i + 1]!;
        i += 2;
      } else {
        out += c;
        i++;
      }
    }
    return { value: out, end: i };
  }

  /** refer(): the reference starting at `start` (its `$`); returns its value and the index after it. */
  reference(text: string, start: number, level: number, scopes: Scope[]): { value: string; end: number } {
    const close = text[start + 1] === '(' ? ')' : '}';
    const nameEnd = `=,${close}`;
    const name = this.translate(text, start + 2, level + 1, nameEnd, scopes);
    let i = name.end;
    let fallback: string | undefined;
    if (text[i] === '=') {
      const skipped = this.skip(text, i + 1, level + 1, `,${close}`, scopes);
      fallback = text.slice(i + 1, skipped);
      i = skipped;
    }
    const scope = new Map<string, string>();
    while (text[i] === ',') {
      const subName = this.translate(text, i + 1, level + 1, nameEnd, scopes);
      i = subName.end;
      if (text[i] === '=') {
        const subValue = this.translate(text, i + 1, level + 1, `,${close}`, scopes);
        scope.set(subName.value, subValue.value);
        i = subValue.end;
      }
    }
    if (text[i] !== close) throw new MacroError(`missing '${close}' after $${text[start + 1]}${name.value}`, start);
    const inner = scope.size > 0 ? [scope, ...scopes] : scopes;
    return { value: this.valueOf(name.value, fallback, level, inner, start), end: i + 1 };
  }

  private valueOf(name: string, fallback: string | undefined, level: number, scopes: Scope[], column: number): string {
    const raw = lookup(name, scopes, this.macros);
    if (raw === undefined) {
      if (fallback === undefined) throw new MacroError(`macro $(${name}) is not defined`, column);
      return this.translate(fallback, 0, level + 1, '', scopes).value;
    }
    if (this.active.has(name)) throw new MacroError(`macro $(${name}) refers to itself`, column);
    this.active.add(name);
    try {
      return this.translate(raw, 0, level + 1, '', scopes).value;
    } catch (error) {
      if (error instanceof MacroError) throw new MacroError(error.message, column);
      throw error;
    } finally {
      this.active.delete(name);
    }
  }

  /** Finds the end of a default value without expanding it (it is only used when needed). */
  private skip(text: string, start: number, level: number, terminators: string, scopes: Scope[]): number {
    let i = start;
    while (i < text.length && !terminators.includes(text[i]!)) {
      if (isReference(text, i)) {
        const close = text[i + 1] === '(' ? ')' : '}';
        i = this.skip(text, i + 2, level + 1, close, scopes) + 1;
      } else if (text[i] === '\\') {
        i += 2;
      } else {
        i++;
      }
    }
    return Math.min(i, text.length);
  }
}

function lookup(name: string, scopes: Scope[], macros: Macros): string | undefined {
  for (const scope of scopes) {
    const value = scope.get(name);
    if (value !== undefined) return value;
  }
  return macros.get(name);
}
