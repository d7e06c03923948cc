// Tokens of a .db file as dbLex.l cuts them, in its two modes: `db` for the statements
// (barewords may hold : . [ ] < > ;) and `json` for field and info values (relaxed JSON).
// Lines are macro-expanded before they are cut; an included file's tokens continue the
// stream of the file that included it, wherever the include stood.

import { DbFileError, type SourceLocation } from './location';
import { expandLine, MacroError, type ExpandedLine, type Macros } from './macros';

export type LexMode = 'db' | 'json';

export interface Token {
  readonly kind: 'bare' | 'string' | 'number' | 'punct' | 'eof';
  /** Bare word, number, punctuation character, or a string's content between its quotes (escapes kept). */
  readonly text: string;
  /** The quote a string was written with. */
  readonly quote?: '"' | "'";
  readonly location: SourceLocation;
}

interface Frame {
  readonly file: string;
  readonly lines: readonly string[];
  readonly includedFrom: SourceLocation | undefined;
  lineIndex: number;
  line: ExpandedLine | undefined;
  offset: number;
}

const DB_BARE = /[a-zA-Z0-9_\-+:.[\]<>;]/;
const JSON_BARE = /[a-zA-Z0-9_\-+.]/;
const DB_PUNCTUATION = '{}(),';
/** JSON punctuation, and ')' so that a missing value is reported as such. */
const JSON_PUNCTUATION = ':,[]{})';
/** dbLex.l's number: JSON numbers, plus `1.`, `.5`, NaN, Infinity and hex integers. */
const JSON_NUMBER = new RegExp(
  '^(?:' +
    [
      '[+-]?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?',
      '[+-]?(?:0|[1-9][0-9]*)\\.(?:[eE][+-]?[0-9]+)?',
      '[+-]?\\.[0-9]+(?:[eE][+-]?[0-9]+)?',
      'NaN',
      '[+-]?Infinity',
      '[+-]?0[xX][0-9a-fA-F]+',
    ].join('|') +
    ')$',
);

export class Lexer {
  private readonly frames: Frame[] = [];
  /** Where the last file ended, for the end-of-input token. */
  private lastEnd: SourceLocation | undefined;

  constructor(private readonly macros: Macros) {}

  /** Starts reading `text` here; at its end the including file resumes. */
  push(file: string, text: string, includedFrom?: SourceLocation): void {
    this.frames.push({ file, lines: text.split(/\r?\n/), includedFrom, lineIndex: -1, line: undefined, offset: 0 });
  }

  /** The files being read, outermost first (to refuse an include cycle). */
  openFiles(): string[] {
    return this.frames.map((frame) => frame.file);
  }

  peek(mode: LexMode): Token {
    const saved = this.frames.map((frame) => ({ ...frame }));
    const token = this.next(mode);
    this.frames.splice(0, this.frames.length, ...saved);
    return token;
  }

  next(mode: LexMode): Token {
    for (;;) {
      const frame = this.frames[this.frames.length - 1];
      if (!frame) return { kind: 'eof', text: '', location: this.endLocation() };
      const line = frame.line;
      if (!line || frame.offset >= line.text.length) {
        if (!this.advanceLine(frame)) this.frames.pop();
        continue;
      }
      const c = line.text[frame.offset]!;
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
        frame.offset++;
        continue;
      }
      if (c === '#') {
        frame.offset = line.text.length;
        continue;
      }
      return mode === 'db' ? this.dbToken(frame, line, c) : this.jsonToken(frame, line, c);
    }
  }

  /** The location of the next character of the frame's line. */
  private location(frame: Frame): SourceLocation {
    const columns = frame.line?.columns ?? [];
    const column = frame.offset < columns.length ? columns[frame.offset]! : (frame.lines[frame.lineIndex]?.length ?? 0);
    return { file: frame.file, line: frame.lineIndex + 1, column: column + 1, includedFrom: frame.includedFrom };
  }

  private endLocation(): SourceLocation {
    return this.lastEnd ?? { file: '<none>', line: 0, column: 0 };
  }

  private advanceLine(frame: Frame): boolean {
    if (frame.lineIndex + 1 >= frame.lines.length) {
      const lastLine = frame.lines[frame.lines.length - 1] ?? '';
      this.lastEnd = { file: frame.file, line: frame.lines.length, column: lastLine.length + 1, includedFrom: frame.includedFrom };
      return false;
    }
    frame.lineIndex++;
    frame.offset = 0;
    try {
      frame.line = expandLine(frame.lines[frame.lineIndex]!, this.macros);
    } catch (error) {
      if (!(error instanceof MacroError)) throw error;
      const location = { file: frame.file, line: frame.lineIndex + 1, column: error.column + 1, includedFrom: frame.includedFrom };
      throw new DbFileError(location, error.message);
    }
    return true;
  }

  private dbToken(frame: Frame, line: ExpandedLine, c: string): Token {
    const location = this.location(frame);
    if (DB_PUNCTUATION.includes(c)) {
      frame.offset++;
      return { kind: 'punct', text: c, location };
    }
    if (c === '"') return this.quoted(frame, line, '"', location, false);
    if (DB_BARE.test(c)) return { kind: 'bare', text: this.run(frame, line, DB_BARE), location };
    throw invalidCharacter(location, c);
  }

  private jsonToken(frame: Frame, line: ExpandedLine, c: string): Token {
    const location = this.location(frame);
    if (JSON_PUNCTUATION.includes(c)) {
      frame.offset++;
      return { kind: 'punct', text: c, location };
    }
    if (c === '"' || c === "'") return this.quoted(frame, line, c, location, true);
    if (JSON_BARE.test(c)) {
      const text = this.run(frame, line, JSON_BARE);
      return { kind: JSON_NUMBER.test(text) ? 'number' : 'bare', text, location };
    }
    throw invalidCharacter(location, c);
  }

  private run(frame: Frame, line: ExpandedLine, pattern: RegExp): string {
    const start = frame.offset;
    while (frame.offset < line.text.length && pattern.test(line.text[frame.offset]!)) frame.offset++;
    return line.text.slice(start, frame.offset);
  }

  /** A quoted string on one line; JSON strings also refuse control characters and malformed escapes. */
  private quoted(frame: Frame, line: ExpandedLine, quote: '"' | "'", location: SourceLocation, json: boolean): Token {
    let i = frame.offset + 1;
    for (; i < line.text.length && line.text[i] !== quote; i++) {
      const c = line.text[i]!;
      if (c === '\\') {
        if (json && !validJsonEscape(line.text, i)) {
          frame.offset = i;
          throw new DbFileError(this.location(frame), 'Bad escape in JSON string');
        }
        i++;
      } else if (json && c.charCodeAt(0) < 0x20) {
        frame.offset = i;
        throw new DbFileError(this.location(frame), 'Bad character in JSON string');
      }
    }
    if (i >= line.text.length) throw new DbFileError(location, 'Newline in string, closing quote missing');
    const text = line.text.slice(frame.offset + 1, i);
    frame.offset = i + 1;
    return { kind: 'string', text, quote, location };
  }
}

/** \x needs two hex digits, \u four; \1…\9 are not escapes. */
function validJsonEscape(text: string, i: number): boolean {
  const next = text[i + 1];
  if (next === undefined) return false;
  if (next === 'x') return /^[0-9a-fA-F]{2}$/.test(text.slice(i + 2, i + 4));
  if (next === 'u') return /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6));
  return !/[1-9]/.test(next);
}

function invalidCharacter(location: SourceLocation, c: string): DbFileError {
  const shown = c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) < 0x7f ? `'${c}'` : `0x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  return new DbFileError(location, `Invalid character ${shown}`);
}
