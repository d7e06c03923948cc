// synApps autosave's .sav format, so that sites' tools (and autosave itself) read our files and
// we read theirs: a '#' header line naming the writer and its version, one `PV.FIELD value` line
// per field (`@array@ { "e0" "e1" }` for an array), and `<END>` as the last line, whose absence
// shows that the file was cut short (save_restore.c write_it, dbrestore.c reboot_restore).

import { translateEscapes } from '../db-file/escapes';

/** The header's writer and version: autosave's `# autosave R5.3`, ours named as ours. */
export const SAVE_FILE_VERSION = 'memtrace-ioc autosave V1';
export const END_MARK = '<END>';
const ARRAY_MARKER = '@array@';

/** One field's line: the PV name (`REC.FIELD`) and its value, as text or as array elements. */
export interface SavedValue {
  readonly pv: string;
  readonly value: string | readonly string[];
}

/** A field line read back, with its line number for warnings. */
export interface ReadValue extends SavedValue {
  readonly line: number;
}

export type ReadSaveFile =
  { readonly ok: true; readonly values: readonly ReadValue[]; readonly problems: readonly string[] } | { readonly ok: false; readonly reason: string };

/** The whole file: header, the field lines of formatValues, `<END>`; `writtenAt` goes in the header (autosave's fGetDateStr, as an ISO time here). */
export function saveFileText(valueLines: string, writtenAt: Date): string {
  return `# ${SAVE_FILE_VERSION}\tAutomatically generated - DO NOT MODIFY - ${writtenAt.toISOString()}\n${valueLines}${END_MARK}\n`;
}

/** The field lines alone: what changes when a field does (the header's time always does). */
export function formatValues(values: readonly SavedValue[]): string {
  let text = '';
  for (const { pv, value } of values) {
    text +=
      typeof value === 'string' ? `${pv} ${escapeText(value)}\n` : `${pv} ${ARRAY_MARKER} { ${value.map((element) => `"${escapeText(element)}" `).join('')}}\n`;
  }
  return text;
}

/**
 * Reads a save file. Refused whole (the caller keeps the database's defaults, or tries the backup)
 * when the header or the `<END>` line is missing; otherwise a line that cannot be read is left out
 * and named in `problems`, and the rest are read. Comment lines (`#…`) and autosave's error lines
 * (`! n channel(s) not connected`) are skipped, as reboot_restore skips them.
 */
export function parseSaveFile(text: string): ReadSaveFile {
  if (text.includes('\0')) return { ok: false, reason: 'it holds NUL bytes: not a save file' };
  const lines = text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  if (lines[lines.length - 1] === '') lines.pop();
  if (!lines[0]?.startsWith('#')) return { ok: false, reason: "it does not start with a '#' header line: not a save file" };
  if (lines[lines.length - 1]?.trimEnd() !== END_MARK) return { ok: false, reason: `its last line is not ${END_MARK}: the file was cut short` };
  const values: ReadValue[] = [];
  const problems: string[] = [];
  for (let index = 1; index < lines.length - 1; index++) {
    const read = readLine(lines[index]!, index + 1);
    if (typeof read === 'string') problems.push(read);
    else if (read) values.push(read);
  }
  return { ok: true, values, problems };
}

/** A field line, nothing for a line to skip, or why it cannot be read. */
function readLine(line: string, number: number): ReadValue | string | undefined {
  const name = /^\S+/.exec(line)?.[0];
  if (name === undefined || name.startsWith('#') || name.startsWith('!')) return undefined;
  // As reboot_restore's "%80s%c%[^\n\r]": the name, one separator, the rest verbatim (leading spaces are part of a value).
  const rest = line.slice(name.length + 1);
  const pv = name.includes('.') ? name : `${name}.VAL`;
  if (!rest.startsWith(ARRAY_MARKER)) return { pv, value: translateEscapes(rest), line: number };
  const elements = readArray(rest.slice(ARRAY_MARKER.length));
  return elements ? { pv, value: elements, line: number } : `line ${number}: ${name}: the array is not { "…" "…" } on one line`;
}

/** `{ "a" "b" }` → ['a', 'b'], with autosave's escapes inside the quotes; undefined when it is not that. */
function readArray(text: string): string[] | undefined {
  const match = /^\s*\{((?:\s*"(?:[^"\\]|\\.)*")*)\s*\}\s*$/.exec(text);
  if (!match) return undefined;
  return [...match[1]!.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((element) => translateEscapes(element[1]!));
}

const ESCAPES: Readonly<Record<string, string>> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '\\': '\\\\',
  "'": "\\'",
  '"': '\\"',
};

/**
 * epicsStrPrintEscaped's escapes for the characters that would break a line or a quoted element;
 * other control characters as \xHH. Text beyond ASCII stays as UTF-8: the file is UTF-8.
 */
function escapeText(text: string): string {
  return text.replace(/[\x00-\x1f\x7f\\'"]/g, (c) => ESCAPES[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
