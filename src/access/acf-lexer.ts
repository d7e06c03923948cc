// The tokens of an access security file, as asLib's lexer makes them: the keywords, INPA..INPL,
// integers, names (bare or double-quoted) and punctuation; `#` starts a comment. A line may be
// macro-expanded first, as asInitFile does with its substitutions.

import { AcfError, type AcfLocation } from './acf';

export type Keyword = 'UAG' | 'HAG' | 'ASG' | 'RULE' | 'CALC';
export type Punctuation = '(' | ')' | '{' | '}' | ',';

export type Token = AcfLocation &
  (
    | { readonly kind: Keyword }
    | { readonly kind: Punctuation }
    /** INPA..INPL; `index` 0..11. */
    | { readonly kind: 'INP'; readonly index: number; readonly text: string }
    | { readonly kind: 'integer'; readonly value: number; readonly text: string }
    /** A bare name or the inside of a quoted one; escapes are kept as written, as asLib keeps them. */
    | { readonly kind: 'name'; readonly text: string }
    | { readonly kind: 'end' }
  );

/**
 * Macro substitution of one line: the text, and for each of its characters the 0-based column
 * it came from. May throw an error with a 0-based `column` naming where the line is wrong.
 */
export type LineExpander = (line: string) => { text: string; columns: readonly number[] };

const KEYWORDS: ReadonlySet<string> = new Set<Keyword>(['UAG', 'HAG', 'ASG', 'RULE', 'CALC']);
const PUNCTUATION = '(){},';
const NAME_CHARACTER = /[A-Za-z0-9_\-+:.[\]<>;]/;
const INPUT = /^INP([A-L])$/;
const INTEGER = /^[0-9]+$/;

export function tokenize(text: string, file: string, expand?: LineExpander): Token[] {
  const tokens: Token[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const line = index + 1;
    const { text: chars, columns } = expandLine(raw, expand, { file, line });
    const at = (i: number): AcfLocation => ({ file, line, column: (columns[i] ?? raw.length) + 1 });
    let i = 0;
    while (i < chars.length) {
      const c = chars[i]!;
      if (c === ' ' || c === '\t' || c === '\r') {
        i++;
      } else if (c === '#') {
        break;
      } else if (PUNCTUATION.includes(c)) {
        tokens.push({ kind: c as Punctuation, ...at(i) });
        i++;
      } else if (c === '"') {
        const end = closingQuote(chars, i);
        if (end < 0) throw new AcfError(at(i), 'Newline in quoted string, closing quote missing');
        tokens.push({ kind: 'name', text: chars.slice(i + 1, end), ...at(i) });
        i = end + 1;
      } else if (NAME_CHARACTER.test(c)) {
        let end = i + 1;
        while (end < chars.length && NAME_CHARACTER.test(chars[end]!)) end++;
        tokens.push(classify(chars.slice(i, end), at(i)));
        i = end;
      } else {
        throw new AcfError(at(i), `Invalid character ${describe(c)}`);
      }
    }
  });
  const last = lines[lines.length - 1]!;
  tokens.push({ kind: 'end', file, line: lines.length, column: last.length + 1 });
  return tokens;
}

function expandLine(raw: string, expand: LineExpander | undefined, where: { file: string; line: number }): { text: string; columns: readonly number[] } {
  if (!expand) return { text: raw, columns: Array.from({ length: raw.length }, (_, i) => i) };
  try {
    return expand(raw);
  } catch (error) {
    const column = (error as { column?: unknown }).column;
    throw new AcfError({ ...where, column: (typeof column === 'number' ? column : 0) + 1 }, (error as Error).message);
  }
}

/** Index of the quote that closes the string opened at `open`, or -1 if the line ends first. */
function closingQuote(chars: string, open: number): number {
  for (let i = open + 1; i < chars.length; i++) {
    if (chars[i] === '"') return i;
    if (chars[i] === '\\') {
      if (i + 1 === chars.length) return -1;
      i++;
    }
  }
  return -1;
}

/** A run of name characters is a keyword, INPx or an integer only if the whole run is (the lexer takes the longest match). */
function classify(text: string, location: AcfLocation): Token {
  if (KEYWORDS.has(text)) return { kind: text as Keyword, ...location };
  const input = INPUT.exec(text);
  if (input) return { kind: 'INP', index: input[1]!.charCodeAt(0) - 'A'.charCodeAt(0), text, ...location };
  if (INTEGER.test(text)) return { kind: 'integer', value: Number(text), text, ...location };
  return { kind: 'name', text, ...location };
}

function describe(c: string): string {
  const code = c.codePointAt(0)!;
  return code >= 0x20 && code < 0x7f ? `'${c}'` : `0x${code.toString(16).padStart(2, '0')}`;
}
