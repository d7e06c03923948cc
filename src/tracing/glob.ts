/**
 * Shell-style patterns as Python's fnmatch (and so tracemalloc.Filter) reads them: `*` matches any
 * run of characters including `/`, `?` one character, `[abc]`/`[a-z]` a set, `[!abc]` its
 * complement; everything else is literal. Matching is case-sensitive and whole-string.
 */
export function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '*') {
      source += '.*';
    } else if (char === '?') {
      source += '.';
    } else if (char === '[') {
      const close = pattern.indexOf(']', pattern[i + 1] === '!' ? i + 3 : i + 2);
      if (close < 0) {
        source += '\\[';
        continue;
      }
      let set = pattern.slice(i + 1, close);
      const negated = set.startsWith('!');
      if (negated) set = set.slice(1);
      source += `[${negated ? '^' : ''}${set.replace(/[\\\]^]/g, '\\$&')}]`;
      i = close;
    } else {
      source += char.replace(/[.+^${}()|\\/\]]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`, 's');
}

/** A pattern that matches `text` literally. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[]/g, '[$&]');
}
