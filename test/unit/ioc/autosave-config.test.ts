import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Database } from '../../../src/database';
import { ConfigError, resolveIocConfig } from '../../../src/ioc/config/ioc-config';
import { restoreAutosave } from '../../../src/ioc/autosave';
import { capturingLogger } from '../database/helpers';

describe('autosave in ioc.config.json', () => {
  it('is off by default (no directory), with the default file name and a 5 s period', () => {
    expect(resolveIocConfig({}, '/base').autosave).toEqual({ file: 'memtrace-ioc.sav', period: 5 });
  });

  it('resolves the directory against the config file', () => {
    expect(resolveIocConfig({ autosave: { directory: 'autosave' } }, '/base').autosave.directory).toBe('/base/autosave');
    expect(resolveIocConfig({ autosave: { directory: '/data/autosave', file: 'lab.sav', period: 30 } }, '/base').autosave).toEqual({
      directory: '/data/autosave',
      file: 'lab.sav',
      period: 30,
    });
  });

  it.each(['../out.sav', 'sub/lab.sav', '.hidden.sav', 'lab.txt', 'lab.savB'])('refuses the file name %j', (file) => {
    expect(() => resolveIocConfig({ autosave: { directory: 'a', file } }, '/base')).toThrow(/\$\.autosave\.file: .* must be a plain file name ending in \.sav/);
  });

  it.each([0, 0.5, 3601])('refuses the period %j (1…3600 s)', (period) => {
    expect(() => resolveIocConfig({ autosave: { period } }, '/base')).toThrow(ConfigError);
    expect(() => resolveIocConfig({ autosave: { period } }, '/base')).toThrow(/\$\.autosave\.period: .* is outside 1…3600/);
  });
});

describe('restoreAutosave', () => {
  it('gives nothing when autosave is off', async () => {
    const { logger, lines } = capturingLogger();
    expect(await restoreAutosave(new Database(), resolveIocConfig({}, '/base').autosave, logger)).toBeUndefined();
    expect(lines).toEqual([]);
  });

  it('logs a directory it cannot make, and lets the IOC run without autosave', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'memtrace-autosave-'));
    try {
      fs.writeFileSync(path.join(root, 'file'), '');
      const { logger, lines } = capturingLogger();
      const settings = resolveIocConfig({ autosave: { directory: path.join(root, 'file', 'autosave') } }, '/base').autosave;
      expect(await restoreAutosave(new Database(), settings, logger)).toBeUndefined();
      expect(lines.map((line) => line.msg)).toEqual([expect.stringMatching(/^autosave is off: its directory .*file\/autosave cannot be made/)]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
