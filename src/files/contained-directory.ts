// A directory the IOC writes files into on clients' behalf (heap profile dumps; autosave files
// later), which no client-supplied name may lead out of. The directory is resolved once, with
// realpath; a name is one path segment from a safe alphabet; a file is created new under a
// temporary name with O_NOFOLLOW | O_CREAT | O_EXCL, written through its descriptor, then linked
// to its name, which fails if anything (a file, a symlink, dangling or not) holds the name already.
// It depends on nothing else in this project, so that any layer may use it.

import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** One path segment of at most 200 characters (room for the temporary name): letters, digits, `.`, `_`, `-`; not starting with `.`, so neither `..` nor a hidden file. */
const SAFE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$/;
const CREATE_NEW = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW;

/** A name or a file refused: nothing was written. The message says why. */
export class FileRefusedError extends Error {
  override readonly name = 'FileRefusedError';
}

export class ContainedDirectory {
  private constructor(readonly path: string) {}

  /** Creates `directory` if it is missing, and resolves it, symlinks and all, once and for good. */
  static open(directory: string): ContainedDirectory {
    fs.mkdirSync(directory, { recursive: true });
    return new ContainedDirectory(fs.realpathSync(directory));
  }

  /** Why a new file `name` cannot be made here, or undefined when it can (as far as can be told now). */
  refusal(name: string): string | undefined {
    if (!SAFE_NAME.test(name)) {
      return `${JSON.stringify(name)} is not a plain file name (one path segment of letters, digits, '.', '_' and '-', not starting with '.')`;
    }
    try {
      fs.lstatSync(path.join(this.path, name));
      return `${name} exists already in ${this.path}; files are never replaced`;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      return `${name}: ${(error as Error).message}`;
    }
  }

  /**
   * Makes the new file `name` with what `write` writes to its descriptor, and returns its path.
   * Refused (FileRefusedError, nothing left behind) for a bad or taken name, a directory that is no
   * longer where it was resolved, or a temporary file swapped for something else during the write.
   */
  async create<T>(name: string, write: (fd: number) => Promise<T>): Promise<{ file: string; result: T }> {
    const reason = this.refusal(name);
    if (reason !== undefined) throw new FileRefusedError(reason);
    if ((await fs.promises.realpath(this.path).catch(() => '')) !== this.path) {
      throw new FileRefusedError(`${this.path} has been moved or replaced since start-up`);
    }
    const file = path.join(this.path, name);
    const temporary = path.join(this.path, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
    const handle = await fs.promises.open(temporary, CREATE_NEW, 0o644);
    try {
      const result = await write(handle.fd);
      const written = await handle.stat();
      await expectSameFile(temporary, written, 'the temporary file was replaced during the write');
      // link(2), unlike rename(2), will not replace what holds the name meanwhile, and never follows it.
      await fs.promises.link(temporary, file).catch((error: NodeJS.ErrnoException) => {
        throw error.code === 'EEXIST' ? new FileRefusedError(`${name} appeared in ${this.path} during the write; not replaced`) : error;
      });
      await expectSameFile(file, written, 'the file was replaced as it was put in place').catch(async (error: unknown) => {
        await fs.promises.unlink(file).catch(() => undefined);
        throw error;
      });
      return { file, result };
    } finally {
      await handle.close();
      await fs.promises.unlink(temporary).catch(() => undefined);
    }
  }
}

async function expectSameFile(file: string, written: fs.Stats, why: string): Promise<void> {
  const found = await fs.promises.lstat(file).catch(() => undefined);
  if (!found || found.ino !== written.ino || found.dev !== written.dev) throw new FileRefusedError(`${file}: ${why}`);
}
