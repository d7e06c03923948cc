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

  const write = (text: string) => async (fd: number) => {
    fs.writeSync(fd, text);
    return text.length;
  };
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
    const planted = directory.create('late', async (fd) => {
      fs.symlinkSync(target, path.join(directory.path, 'late'));
      fs.writeSync(fd, 'secret');
    });
    await expect(planted).rejects.toThrow(/appeared .* during the write/);
    expect(fs.existsSync(target)).toBe(false);
    expect(entries()).toEqual(['late']);
    expect(fs.lstatSync(path.join(directory.path, 'late')).isSymbolicLink()).toBe(true);
  });

  it('refuses when the temporary file is swapped for a symlink during the write', async () => {
    const target = path.join(outside, 'target');
    fs.writeFileSync(target, 'theirs');
    const swapped = directory.create('swapped', async (fd) => {
      const temporary = entries().find((name) => name.endsWith('.tmp'))!;
      fs.unlinkSync(path.join(directory.path, temporary));
      fs.symlinkSync(target, path.join(directory.path, temporary));
      fs.writeSync(fd, 'ours');
    });
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
    const swapped = directory.create('during', async (fd) => {
      fs.renameSync(real, `${real}.moved`);
      fs.symlinkSync(outside, real);
      fs.writeSync(fd, 'ours');
    });
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
    await expect(directory.create('failing', async () => { throw new Error('no profile'); })).rejects.toThrow('no profile');
    expect(entries()).toEqual([]);
  });
});
