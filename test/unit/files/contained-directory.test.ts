import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ContainedDirectory, FileRefusedError } from '../../../src/files/contained-directory';

// Files written on a client's behalf stay in their directory, whatever names and symlinks try.

describe('ContainedDirectory', () => {
  let root: string;
  let outside: string;
  let directory: ContainedDirectory;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'memtrace-contained-'));
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'memtrace-outside-'));
    directory = ContainedDirectory.open(path.join(root, 'dumps'));
  });
  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  // Writers that do their work at once; as in an async function, a throw becomes a rejection.
  const atOnce =
    <A extends unknown[], T>(work: (...args: A) => T) =>
    (...args: A): Promise<T> =>
      new Promise((resolve) => {
        resolve(work(...args));
      });
  const write = (text: string) =>
    atOnce((fd: number) => {
      fs.writeSync(fd, text);
      return text.length;
    });
  const entries = () => fs.readdirSync(directory.path).sort();

  it('writes a new file by its name, leaving no temporary file', async () => {
    const { file, result } = await directory.create('one.heapprofile', write('data'));
    expect(file).toBe(path.join(directory.path, 'one.heapprofile'));
    expect(result).toBe(4);
    expect(fs.readFileSync(file, 'utf8')).toBe('data');
    expect(entries()).toEqual(['one.heapprofile']);
  });

  it('is resolved once, with realpath, when opened through a symlink', () => {
    fs.symlinkSync(directory.path, path.join(root, 'link'));
    expect(ContainedDirectory.open(path.join(root, 'link')).path).toBe(fs.realpathSync(path.join(root, 'dumps')));
  });

  it.each(['../escape', '/tmp/evil', 'sub/name', '..', '.', '.hidden', '', 'a\0b', 'space name', 'x'.repeat(256)])(
    'refuses the name %j and writes nothing',
    async (name) => {
      expect(directory.refusal(name)).toMatch(/is not a plain file name/);
      await expect(directory.create(name, write('x'))).rejects.toThrow(FileRefusedError);
      expect(entries()).toEqual([]);
    },
  );

  it('refuses a name that exists: a file, a symlink out (dumps/escape -> /tmp), a dangling symlink', async () => {
    fs.writeFileSync(path.join(directory.path, 'taken'), 'keep');
    fs.symlinkSync(outside, path.join(directory.path, 'escape'));
    fs.symlinkSync(path.join(outside, 'missing'), path.join(directory.path, 'dangling'));
    for (const name of ['taken', 'escape', 'dangling']) {
      expect(directory.refusal(name)).toMatch(/exists already/);
      await expect(directory.create(name, write('x'))).rejects.toThrow(/exists already/);
    }
    // The case: escape/evil through dumps/escape -> outside.
    await expect(directory.create('escape/evil', write('x'))).rejects.toThrow(/not a plain file name/);
    expect(fs.readFileSync(path.join(directory.path, 'taken'), 'utf8')).toBe('keep');
    expect(fs.readdirSync(outside)).toEqual([]);
  });

  it('refuses when a symlink takes the final name during the write, and writes nothing through it', async () => {
    const target = path.join(outside, 'target');
    const planted = directory.create(
      'late',
      atOnce((fd: number) => {
        fs.symlinkSync(target, path.join(directory.path, 'late'));
        fs.writeSync(fd, 'secret');
      }),
    );
    await expect(planted).rejects.toThrow(/appeared .* during the write/);
    expect(fs.existsSync(target)).toBe(false);
    expect(entries()).toEqual(['late']);
    expect(fs.lstatSync(path.join(directory.path, 'late')).isSymbolicLink()).toBe(true);
  });

  it('refuses when the temporary file is swapped for a symlink during the write', async () => {
    const target = path.join(outside, 'target');
    fs.writeFileSync(target, 'theirs');
    const swapped = directory.create(
      'swapped',
      atOnce((fd: number) => {
        const temporary = entries().find((name) => name.endsWith('.tmp'))!;
        fs.unlinkSync(path.join(directory.path, temporary));
        fs.symlinkSync(target, path.join(directory.path, temporary));
        fs.writeSync(fd, 'ours');
      }),
    );
    await expect(swapped).rejects.toThrow(/temporary file was replaced/);
    expect(fs.readFileSync(target, 'utf8')).toBe('theirs');
    expect(entries()).toEqual([]);
  });

  it('refuses when the directory has been replaced by a symlink since it was opened', async () => {
    const real = directory.path;
    fs.renameSync(real, `${real}.moved`);
    fs.symlinkSync(outside, real);
    await expect(directory.create('after', write('x'))).rejects.toThrow(/moved or replaced/);
    expect(fs.readdirSync(outside)).toEqual([]);
  });

  it('refuses when the directory is swapped for a symlink during the write, leaving nothing in either place', async () => {
    const real = directory.path;
    const swapped = directory.create(
      'during',
      atOnce((fd: number) => {
        fs.renameSync(real, `${real}.moved`);
        fs.symlinkSync(outside, real);
        fs.writeSync(fd, 'ours');
      }),
    );
    await expect(swapped).rejects.toThrow(/moved or replaced/);
    expect(fs.readdirSync(outside)).toEqual([]);
    expect(fs.readdirSync(`${real}.moved`)).toEqual([]);
  });

  // A writer that can only be given a path (V8's heap snapshot writer) gets one that reaches the
  // file created, not whatever holds its name by then.
  (process.platform === 'linux' ? it : it.skip)('gives a writer a path that reaches the new file itself, not a symlink planted at its name', async () => {
    const target = path.join(outside, 'target');
    fs.writeFileSync(target, 'theirs');
    const byPath = await directory.create('by-path', async (_fd, reachedAs) => fs.promises.writeFile(reachedAs, 'through the path'));
    expect(fs.readFileSync(byPath.file, 'utf8')).toBe('through the path');
    const planted = directory.create('planted', async (_fd, reachedAs) => {
      const temporary = entries().find((name) => name.endsWith('.tmp'))!;
      fs.unlinkSync(path.join(directory.path, temporary));
      fs.symlinkSync(target, path.join(directory.path, temporary));
      await fs.promises.writeFile(reachedAs, 'ours');
    });
    await expect(planted).rejects.toThrow(/temporary file was replaced/);
    expect(fs.readFileSync(target, 'utf8')).toBe('theirs');
    expect(entries()).toEqual(['by-path']);
  });

  it('leaves nothing behind when the writer fails', async () => {
    await expect(directory.create('failing', () => Promise.reject(new Error('no profile')))).rejects.toThrow('no profile');
    expect(entries()).toEqual([]);
  });

  describe('replacing a file (autosave)', () => {
    it('puts the new content in place of the old, leaving no temporary file, and reads it back', async () => {
      await directory.replace('ioc.sav', 'first');
      const file = await directory.replace('ioc.sav', 'second');
      expect(file).toBe(path.join(directory.path, 'ioc.sav'));
      expect((await directory.read('ioc.sav'))?.toString()).toBe('second');
      expect(entries()).toEqual(['ioc.sav']);
    });

    it('runs beforeRename with the new content written and the old still in place; when it fails, nothing changes', async () => {
      await directory.replace('ioc.sav', 'old');
      let seen: string[] = [];
      await directory.replace(
        'ioc.sav',
        'new',
        atOnce(() => {
          seen = entries().map((name) => fs.readFileSync(path.join(directory.path, name), 'utf8'));
          fs.renameSync(path.join(directory.path, 'ioc.sav'), path.join(directory.path, 'ioc.savB'));
        }),
      );
      expect(seen.sort()).toEqual(['new', 'old']);
      expect(entries()).toEqual(['ioc.sav', 'ioc.savB']);
      await expect(directory.replace('ioc.sav', 'newer', () => Promise.reject(new Error('no backup')))).rejects.toThrow('no backup');
      expect(entries()).toEqual(['ioc.sav', 'ioc.savB']);
      expect(fs.readFileSync(path.join(directory.path, 'ioc.sav'), 'utf8')).toBe('new');
    });

    it('reads a missing file as undefined', async () => {
      expect(await directory.read('none.sav')).toBeUndefined();
    });

    it('replaces a symlink at the name itself, never writing where it points', async () => {
      const target = path.join(outside, 'target');
      fs.writeFileSync(target, 'theirs');
      fs.symlinkSync(target, path.join(directory.path, 'ioc.sav'));
      await directory.replace('ioc.sav', 'ours');
      expect(fs.readFileSync(target, 'utf8')).toBe('theirs');
      expect(fs.lstatSync(path.join(directory.path, 'ioc.sav')).isSymbolicLink()).toBe(false);
      expect(fs.readFileSync(path.join(directory.path, 'ioc.sav'), 'utf8')).toBe('ours');
    });

    // Through /proc/self/fd, the directory opened stays the one written in, whatever its path holds by then.
    (process.platform === 'linux' ? it : it.skip)('writes into the directory itself when it is swapped for a symlink before the rename', async () => {
      const real = directory.path;
      await directory.replace('ioc.sav', 'old');
      await directory.replace(
        'ioc.sav',
        'new',
        atOnce(() => {
          fs.renameSync(real, `${real}.moved`);
          fs.symlinkSync(outside, real);
        }),
      );
      expect(fs.readdirSync(outside)).toEqual([]);
      expect(fs.readFileSync(path.join(`${real}.moved`, 'ioc.sav'), 'utf8')).toBe('new');
      await expect(directory.replace('ioc.sav', 'newer')).rejects.toThrow(/moved or replaced/);
      await expect(directory.read('ioc.sav')).rejects.toThrow(/moved or replaced/);
    });

    it('refuses to read through a symlink', async () => {
      fs.writeFileSync(path.join(outside, 'secret'), 'secret');
      fs.symlinkSync(path.join(outside, 'secret'), path.join(directory.path, 'ioc.sav'));
      await expect(directory.read('ioc.sav')).rejects.toThrow(/is a symlink; not followed/);
    });

    it('renames within the directory, replacing the target name', async () => {
      await directory.replace('ioc.sav', 'previous');
      await directory.replace('ioc.savB', 'older');
      await directory.rename('ioc.sav', 'ioc.savB');
      expect(entries()).toEqual(['ioc.savB']);
      expect((await directory.read('ioc.savB'))?.toString()).toBe('previous');
    });

    it.each(['../escape.sav', 'sub/ioc.sav', '.hidden'])('refuses the name %j for every operation', async (name) => {
      await expect(directory.replace(name, 'x')).rejects.toThrow(FileRefusedError);
      await expect(directory.read(name)).rejects.toThrow(FileRefusedError);
      await expect(directory.rename(name, 'ioc.sav')).rejects.toThrow(FileRefusedError);
      expect(entries()).toEqual([]);
      expect(fs.readdirSync(root)).toEqual(['dumps']);
    });

    it('refuses when the directory has been replaced by a symlink since it was opened', async () => {
      const real = directory.path;
      fs.renameSync(real, `${real}.moved`);
      fs.symlinkSync(outside, real);
      await expect(directory.replace('ioc.sav', 'x')).rejects.toThrow(/moved or replaced/);
      await expect(directory.read('ioc.sav')).rejects.toThrow(/moved or replaced/);
      expect(fs.readdirSync(outside)).toEqual([]);
    });
  });
});
