// Finding the file an include statement names, as dbOpenFile does: a bare name is looked for
// in each directory of the search path; a name with a directory part is opened as given and,
// when relative and not found there, also looked for under the search path (dbOpenFile stops
// at the first; looking further lets files include siblings' subdirectories from anywhere).

import * as fs from 'node:fs';
import * as path from 'node:path';

export interface OpenedFile {
  /** The path it was opened by, as error messages show it. */
  readonly path: string;
  readonly text: string;
}

export interface SourceFiles {
  open(name: string, searchPath: readonly string[]): OpenedFile | undefined;
}

export const fileSystemSources: SourceFiles = {
  open(name, searchPath) {
    const inSearchPath = path.isAbsolute(name) ? [] : searchPath.map((dir) => path.join(dir, name));
    const candidates = searchPath.length === 0 ? [name] : /[\\/]/.test(name) ? [name, ...inSearchPath] : inSearchPath;
    for (const candidate of candidates) {
      const text = readIfFile(candidate);
      if (text !== undefined) return { path: candidate, text };
    }
    return undefined;
  },
};

function readIfFile(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

/** The directories of a `path`/`addpath` statement or EPICS_DB_INCLUDE_PATH. */
export function splitSearchPath(text: string): string[] {
  return text.split(path.delimiter).filter((dir) => dir !== '');
}
