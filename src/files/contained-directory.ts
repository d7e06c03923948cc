// A directory the IOC writes files into on clients' behalf (heap profile dumps, heap snapshots,
// autosave files), which no client-supplied name may lead out of. The directory is resolved
// once, with realpath, and known after that by its device and inode; a name is one path segment
// from a safe alphabet. Each file is made through the directory opened anew and checked to be the
// same one: on Linux every later path goes through /proc/self/fd/N, which renames and symlinks
// planted in the path since cannot redirect (elsewhere the path is resolved again each time). The
// file is created new under a temporary name with O_NOFOLLOW | O_CREAT | O_EXCL, written through
// its descriptor, then linked to its name, which fails if anything (a file, a symlink, dangling or
// not) holds the name already. A file the IOC itself keeps up to date (the autosave file) is
// replaced instead: renamed over its name from a fsynced temporary file, so that a symlink there is
// replaced, never followed; reads refuse symlinks too. Replacing, renaming and reading go through
// the directory opened and checked, as making a file does. It depends on nothing else in this
// project, so that any layer may use it.

import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** One path segment of at most 200 characters (room for the temporary name): letters, digits, `.`, `_`, `-`; not starting with `.`, so neither `..` nor a hidden file. */
const SAFE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$/;
// Read and write: a writer that lets another open the file (V8's snapshot writer) can check it after.
const CREATE_NEW = fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW;
const OPEN_DIRECTORY = fs.constants.O_RDONLY | fs.constants.O_DIRECTORY;
const READ_NO_SYMLINK = fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW;
/** Linux names each open descriptor's file in /proc/self/fd: a path through it reaches that very file. */
const DESCRIPTOR_PATHS = process.platform === 'linux' && fs.existsSync('/proc/self/fd');

/** The errno code (ENOENT, EEXIST…) of what a file system call rejected with, if it has one (not
 * by instanceof: an Error from another realm, as under Jest, is no instance of this one's). */
const errorCode = (error: unknown): unknown => (typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined);
const descriptorPath = (fd: number) => `/proc/self/fd/${fd}`;

/** A name or a file refused: nothing was written. The message says why. */
export class FileRefusedError extends Error {
  override readonly name = 'FileRefusedError';
}

/** Where a writer puts a new file's contents: its descriptor, and a path that reaches that same file (for writers that only take a path). */
export type FileWriter<T> = (fd: number, reachedAs: string) => Promise<T>;

interface Identity {
  readonly dev: number;
  readonly ino: number;
}

export class ContainedDirectory {
  private constructor(
    readonly path: string,
    private readonly identity: Identity,
  ) {}

  /** Resolves `directory`, symlinks and all, once and for good; creates it first if it is missing, unless told not to. */
  static open(directory: string, options: { create?: boolean } = {}): ContainedDirectory {
    if (options.create ?? true) fs.mkdirSync(directory, { recursive: true });
    const resolved = fs.realpathSync(directory);
    const { dev, ino } = fs.statSync(resolved);
    return new ContainedDirectory(resolved, { dev, ino });
  }

  /** Why a new file `name` cannot be made here, or undefined when it can (as far as can be told now). */
  refusal(name: string): string | undefined {
    return this.refusalIn(this.path, name);
  }

  /**
   * Makes the new file `name` with what `write` writes, and returns its path. Refused
   * (FileRefusedError, nothing left behind) for a bad or taken name, a directory that is no longer
   * the one resolved at start (before or during the write), or a temporary file swapped for
   * something else during the write.
   */
  async create<T>(name: string, write: FileWriter<T>): Promise<{ file: string; result: T }> {
    return this.within(name, async (file, shown) => {
      const reason = this.refusalIn(path.dirname(file), name);
      if (reason !== undefined) throw new FileRefusedError(reason);
      const temporary = temporaryPath(path.dirname(file), name);
      const handle = await fs.promises.open(temporary, CREATE_NEW, 0o644);
      try {
        const result = await write(handle.fd, DESCRIPTOR_PATHS ? descriptorPath(handle.fd) : temporary);
        const written = await handle.stat();
        await expectSameFile(temporary, written, `${name}: the temporary file was replaced during the write`);
        // link(2), unlike rename(2), will not replace what holds the name meanwhile, and never follows it.
        await fs.promises.link(temporary, file).catch((error: unknown) => {
          throw errorCode(error) === 'EEXIST' ? new FileRefusedError(`${name} appeared in ${this.path} during the write; not replaced`) : error;
        });
        // The file is where it was meant to be, and the directory still where its path says: else the path returned would lie.
        await expectSameFile(file, written, `${name}: the file was replaced as it was put in place`)
          .then(() => this.expectInPlace())
          .catch(async (error: unknown) => {
            await fs.promises.unlink(file).catch(() => undefined);
            throw error;
          });
        return { file: shown, result };
      } finally {
        await handle.close();
        await fs.promises.unlink(temporary).catch(() => undefined);
      }
    });
  }

  /**
   * The content of the file `name`, or undefined when there is none. A symlink in its place is
   * refused (FileRefusedError), never followed: what is read comes from this directory.
   */
  async read(name: string): Promise<Buffer | undefined> {
    return this.within(name, async (file, shown) => {
      const handle = await fs.promises.open(file, READ_NO_SYMLINK).catch((error: unknown) => {
        if (errorCode(error) === 'ENOENT') return undefined;
        throw errorCode(error) === 'ELOOP' ? new FileRefusedError(`${shown} is a symlink; not followed`) : error;
      });
      if (!handle) return undefined;
      try {
        return await handle.readFile();
      } finally {
        await handle.close();
      }
    });
  }

  /**
   * Puts `data` in the file `name`, replacing what held the name (rename(2) replaces a symlink
   * itself, never what it points to): written to a new temporary file, fsynced, renamed, and the
   * directory fsynced, so that after a crash the name holds the old content or the new, whole.
   * `beforeRename` runs once the new content is safely written (to keep the old file as a backup).
   */
  async replace(name: string, data: string | Uint8Array, beforeRename?: () => Promise<void>): Promise<string> {
    return this.within(name, async (file, shown, directory) => {
      const temporary = temporaryPath(path.dirname(file), name);
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
      await directory.sync();
      return shown;
    });
  }

  /** Renames the file `from` to `to` in this directory, replacing `to`; made durable by the next replace() (or sync()). */
  async rename(from: string, to: string): Promise<void> {
    if (!SAFE_NAME.test(to)) throw new FileRefusedError(plainNameRefusal(to));
    await this.within(from, (file) => fs.promises.rename(file, path.join(path.dirname(file), to)));
  }

  /** fsync of the directory: its renames and new names survive a crash. */
  async sync(): Promise<void> {
    const directory = await this.openSelf();
    try {
      await directory.sync();
    } finally {
      await directory.close();
    }
  }

  /**
   * Runs `action` on the file `name` of this directory, reached through the directory opened and
   * checked to be the one resolved at start (on Linux through /proc/self/fd, so that a parent
   * renamed or swapped for a symlink meanwhile cannot redirect it); `shown` is its path for people.
   */
  private async within<T>(name: string, action: (file: string, shown: string, directory: fs.promises.FileHandle) => Promise<T>): Promise<T> {
    if (!SAFE_NAME.test(name)) throw new FileRefusedError(plainNameRefusal(name));
    const directory = await this.openSelf();
    try {
      const base = DESCRIPTOR_PATHS ? descriptorPath(directory.fd) : this.path;
      return await action(path.join(base, name), path.join(this.path, name), directory);
    } finally {
      await directory.close();
    }
  }

  private refusalIn(base: string, name: string): string | undefined {
    if (!SAFE_NAME.test(name)) return plainNameRefusal(name);
    try {
      fs.lstatSync(path.join(base, name));
      return `${name} exists already in ${this.path}; files are never replaced`;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      return `${name}: ${(error as Error).message}`;
    }
  }

  /** The directory, opened: refused unless it is the one resolved at start. */
  private async openSelf(): Promise<fs.promises.FileHandle> {
    const handle = await fs.promises.open(this.path, OPEN_DIRECTORY).catch(() => undefined);
    if (handle && isIdentity(await handle.stat(), this.identity)) return handle;
    await handle?.close();
    throw this.moved();
  }

  private async expectInPlace(): Promise<void> {
    const found = await fs.promises.stat(this.path).catch(() => undefined);
    if (!found || !isIdentity(found, this.identity)) throw this.moved();
  }

  private moved(): FileRefusedError {
    return new FileRefusedError(`${this.path} has been moved or replaced since start-up`);
  }
}

/** A new hidden name beside `name` in `base`, for writing before the file takes its name. */
const temporaryPath = (base: string, name: string): string => path.join(base, `.${name}.${randomBytes(6).toString('hex')}.tmp`);

function plainNameRefusal(name: string): string {
  return `${JSON.stringify(name)} is not a plain file name (one path segment of letters, digits, '.', '_' and '-', not starting with '.')`;
}

const isIdentity = (stats: fs.Stats, identity: Identity): boolean => stats.dev === identity.dev && stats.ino === identity.ino;

async function expectSameFile(file: string, written: fs.Stats, refusal: string): Promise<void> {
  const found = await fs.promises.lstat(file).catch(() => undefined);
  if (!found || !isIdentity(found, written)) throw new FileRefusedError(refusal);
}
