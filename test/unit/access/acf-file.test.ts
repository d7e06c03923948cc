import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AcfError, loadAcfFile } from '../../../src/access';
import { expandLine, parseMacroDefinitions } from '../../../src/database/db-file/macros';

// Reading an .acf from disk: errors, macros, and HAG names resolved in IP mode.

describe('loadAcfFile', () => {
  let directory: string;
  const write = (name: string, text: string) => {
    const file = path.join(directory, name);
    fs.writeFileSync(file, text);
    return file;
  };

  beforeAll(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'memtrace-acf-'));
  });
  afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

  it('compiles the rules of a file, naming it', async () => {
    const file = write('ok.acf', 'UAG(ops) { alice }\nASG(G) { RULE(1, WRITE) { UAG(ops) } }\n');
    const { rules, warnings } = await loadAcfFile(file);
    expect(rules.file).toBe(file);
    expect(warnings).toEqual([]);
    expect(rules.rightsFor('G', 1, { user: 'alice', host: 'h', address: '127.0.0.1' })).toEqual({ read: true, write: true });
  });

  it('refuses a file it cannot read, and a file with an error, naming the file', async () => {
    const missing = path.join(directory, 'missing.acf');
    await expect(loadAcfFile(missing)).rejects.toThrow(new RegExp(`^${missing}: cannot read: .*ENOENT`));
    const bad = write('bad.acf', 'ASG(G) {\n  RULE(1, WRITE) { UAG(ops) }\n}\n');
    const error = await loadAcfFile(bad).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AcfError);
    expect((error as AcfError).message).toBe(`${bad}:2:24: No User Access Group named 'ops' defined`);
  });

  it('substitutes macros, as asInitFile does with softIoc -m', async () => {
    const file = write('macros.acf', 'UAG(ops) { $(OPERATOR) }\nASG($(GROUP)) { RULE(1, WRITE) { UAG(ops) } }\n');
    const macros = parseMacroDefinitions('OPERATOR=alice,GROUP=G');
    const { rules } = await loadAcfFile(file, { expand: (line) => expandLine(line, macros) });
    expect(rules.rightsFor('G', 1, { user: 'alice', host: 'h', address: '' }).write).toBe(true);
  });

  it('in IP mode, resolves HAG names when loading; a name that does not resolve matches no client, with a warning', async () => {
    const file = write('ip.acf', 'HAG(consoles) { opi-1, 10.1.2.3, ghost }\nASG(G) { RULE(1, WRITE) { HAG(consoles) } }\n');
    const known: { [host: string]: string } = { 'opi-1': '10.0.0.7', '10.1.2.3': '10.1.2.3' };
    const lookup = (host: string) => {
      const address = known[host];
      if (!address) return Promise.reject(new Error(`getaddrinfo ENOTFOUND ${host}`));
      return Promise.resolve(address);
    };
    const { rules, warnings } = await loadAcfFile(file, { useClientIpAddress: true, lookup });
    const from = (address: string, host = 'ghost') => rules.rightsFor('G', 1, { user: 'u', host, address }).write;
    expect([from('10.0.0.7'), from('10.1.2.3'), from('10.0.0.9')]).toEqual([true, true, false]);
    expect(warnings.map((warning) => warning.message)).toEqual([
      "HAG(consoles): unable to resolve host 'ghost' (getaddrinfo ENOTFOUND ghost); it matches no client",
    ]);
  });

  it('in IP mode, resolves names through the system resolver by default', async () => {
    const file = write('localhost.acf', 'HAG(local) { localhost }\nASG(G) { RULE(1, WRITE) { HAG(local) } }\n');
    const { rules } = await loadAcfFile(file, { useClientIpAddress: true });
    expect(rules.rightsFor('G', 1, { user: 'u', host: 'x', address: '127.0.0.1' }).write).toBe(true);
  });
});
