import * as fs from 'node:fs';
import * as path from 'node:path';

const MAX_FILES = 256;

/**
 * Source lines for display, as Python's linecache: each file is read once (the last MAX_FILES
 * files kept), unreadable files give no line.
 */
export class SourceLines {
  private readonly files = new Map<string, string[] | null>();

  /** The line (1-based), trimmed, or undefined when the file or line is not there. */
  line(file: string, line: number): string | undefined {
    if (line < 1 || !path.isAbsolute(file)) return undefined;
    let lines = this.files.get(file);
    if (lines === undefined) {
      try {
        lines = fs.readFileSync(file, 'utf8').split(/\r?\n/);
      } catch {
        lines = null;
      }
      if (this.files.size >= MAX_FILES) this.files.delete(this.files.keys().next().value as string);
      this.files.set(file, lines);
    }
    const text = lines?.[line - 1]?.trim();
    return text ? text : undefined;
  }
}
