// dbTranslateEscape (epicsStrnRawFromEscaped): the C escapes a quoted .db value may hold.

const SIMPLE: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '0': '\0',
};

/** \a \b \f \n \r \t \v \\ \' \" \0 and \x with one or two hex digits; any other escaped character stands for itself. */
export function translateEscapes(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '\\' || i + 1 >= text.length) {
      out += c;
      continue;
    }
    const next = text[++i]!;
    if (next === 'x') {
      const hex = /^[0-9a-fA-F]{1,2}/.exec(text.slice(i + 1))?.[0];
      if (hex) {
        out += String.fromCharCode(parseInt(hex, 16));
        i += hex.length;
      }
      continue;
    }
    out += SIMPLE[next] ?? next;
  }
  return out;
}
