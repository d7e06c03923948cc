// A directory the IOC writes files into on clients' behalf (heap profile dumps, autosave files),
// which no client-supplied name may lead out of. The directory is resolved once, with
// realpath; a name is one path segment from a safe alphabet; a file is created new under a
// temporary name with O_NOFOLLOW | O_CREAT | O_EXCL, written through its descriptor, then linked
// to its name, which fails if anything (a file, a symlink, dangling or not) holds the name already.
// A file the IOC itself keeps up to date (the autosave file) is replaced instead: renamed over its
// name from a fsynced temporary file, so that a symlink there is replaced, never followed; reads
// refuse symlinks too. It depends on nothing else in this project, so that any layer may use it.

import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** One path segment of at most 200 characters (room for the temporary name): letters, digits, `.`, `_`, `-`; not starting with `.`, so neither `..` nor a hidden file. */
const SAFE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$/;
const CREATE_NEW = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW;
const READ_NO_SYMLINK = fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW;

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
    if (!SAFE_NAME.test(name)) return plainNameRefusal(name);
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
    await this.expectInPlace();
    const file = path.join(this.path, name);
    const temporary = this.temporaryPath(name);
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

  /**
   * The content of the file `name`, or undefined when there is none. A symlink in its place is
   * refused (FileRefusedError), never followed: what is read comes from this directory.
   */
  async read(name: string): Promise<Buffer | undefined> {
    const file = await this.pathOf(name);
    const handle = await fs.promises.open(file, READ_NO_SYMLINK).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error.code === 'ELOOP' ? new FileRefusedError(`${file} is a symlink; not followed`) : error;
    });
    if (!handle) return undefined;
    try {
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  }

  /**
   * Puts `data` in the file `name`, replacing what held the name (rename(2) replaces a symlink
   * itself, never what it points to): written to a new temporary file, fsynced, renamed, and the
   * directory fsynced, so that after a crash the name holds the old content or the new, whole.
   * `beforeRename` runs once the new content is safely written (to keep the old file as a backup).
   */
  async replace(name: string, data: string | Uint8Array, beforeRename?: () => Promise<void>): Promise<string> {
    const file = await this.pathOf(name);
    const temporary = this.temporaryPath(name);
    const handle = await fs.promises.open(temporary, CREATE_NEW, 0o644);
    try {
      await handle.writeFile(data);
      await handle.sync();
      await handle.close();
      await beforeRename?.();
      await fs.promises.rename(temporary, file);
    } catch (error) {
      await handle.close().catch(() => undefined);
      await fs.promises.unlink(temporary).catch(() => undefined);
      throw error;
    }
    await this.sync();
    return file;
  }

  /** Renames the file `from` to `to` in this directory, replacing `to`; made durable by the next replace() (or sync()). */
  async rename(from: string, to: string): Promise<void> {
    await fs.promises.rename(await this.pathOf(from), await this.pathOf(to));
  }

  /** fsync of the directory: its renames and new names survive a crash. */
  async sync(): Promise<void> {
    const handle = await fs.promises.open(this.path, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  /** The path of `name` here, once the name is a plain one and the directory is still where it was resolved. */
  private async pathOf(name: string): Promise<string> {
    if (!SAFE_NAME.test(name)) throw new FileRefusedError(plainNameRefusal(name));
    await this.expectInPlace();
    return path.join(this.path, name);
  }

  /** A new hidden name beside `name`, for writing before the file takes its name. */
  private temporaryPath(name: string): string {
    return path.join(this.path, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
  }

  private async expectInPlace(): Promise<void> {
    if ((await fs.promises.realpath(this.path).catch(() => '')) !== this.path) {
      throw new FileRefusedError(`${this.path} has been moved or replaced since start-up`);
    }
  }
}

function plainNameRefusal(name: string): string {
  return `${JSON.stringify(name)} is not a plain file name (one path segment of letters, digits, '.', '_' and '-', not starting with '.')`;
}

async function expectSameFile(file: string, written: fs.Stats, why: string): Promise<void> {
  const found = await fs.promises.lstat(file).catch(() => undefined);
  if (!found || found.ino !== written.ino || found.dev !== written.dev) throw new FileRefusedError(`${file}: ${why}`);
}
