import { AccessRules, parseAcf, type AccessClient, type HostMatching, type Rights } from '../../../src/access';

// The access a client gets, for every rule shape, as asLib computes it.

const rules = (text: string, matching?: HostMatching): AccessRules => AccessRules.compile(parseAcf(text, { file: 'test.acf' }), matching);
const client = (user: string, host: string, address = '10.0.0.1'): AccessClient => ({ user, host, address });

const NONE: Rights = { read: false, write: false };
const READ: Rights = { read: true, write: false };
const WRITE: Rights = { read: true, write: true };

const GROUPS = `
UAG(ops) { alice, bob }
UAG(experts) { carol }
UAG(empty)
HAG(consoles) { opi-1, OPI-2 }
HAG(servers) { srv }
`;

describe('AccessRules.rightsFor', () => {
  it('gives everyone what a rule without UAG or HAG gives', () => {
    const acf = rules(`${GROUPS} ASG(G) { RULE(1, WRITE) }`);
    expect(acf.rightsFor('G', 1, client('anyone', 'anywhere'))).toEqual(WRITE);
    expect(acf.rightsFor('G', 0, client('', ''))).toEqual(WRITE);
  });

  it.each([
    ['NONE', NONE],
    ['READ', READ],
    ['WRITE', WRITE],
  ] as const)('gives %s as the rule says', (access, expected) => {
    expect(rules(`ASG(G) { RULE(1, ${access}) }`).rightsFor('G', 1, client('a', 'h'))).toEqual(expected);
  });

  it('with a UAG only: its users, from any host; user names exactly as written', () => {
    const acf = rules(`${GROUPS} ASG(G) { RULE(1, WRITE) { UAG(ops) } }`);
    expect(acf.rightsFor('G', 1, client('alice', 'anywhere'))).toEqual(WRITE);
    expect(acf.rightsFor('G', 1, client('bob', 'elsewhere'))).toEqual(WRITE);
    expect(acf.rightsFor('G', 1, client('Alice', 'anywhere'))).toEqual(NONE);
    expect(acf.rightsFor('G', 1, client('mallory', 'opi-1'))).toEqual(NONE);
  });

  it('with a HAG only: any user on its hosts; host names without regard to case', () => {
    const acf = rules(`${GROUPS} ASG(G) { RULE(1, WRITE) { HAG(consoles) } }`);
    expect(acf.rightsFor('G', 1, client('anyone', 'opi-1'))).toEqual(WRITE);
    expect(acf.rightsFor('G', 1, client('anyone', 'OPI-1'))).toEqual(WRITE);
    expect(acf.rightsFor('G', 1, client('anyone', 'opi-2'))).toEqual(WRITE);
    expect(acf.rightsFor('G', 1, client('anyone', 'opi-1.example.org'))).toEqual(NONE);
    expect(acf.rightsFor('G', 1, client('anyone', 'srv'))).toEqual(NONE);
  });

  it('with a UAG and a HAG: both must match', () => {
    const acf = rules(`${GROUPS} ASG(G) { RULE(1, WRITE) { UAG(ops) HAG(consoles) } }`);
    expect(acf.rightsFor('G', 1, client('alice', 'opi-1'))).toEqual(WRITE);
    expect(acf.rightsFor('G', 1, client('alice', 'srv'))).toEqual(NONE);
    expect(acf.rightsFor('G', 1, client('mallory', 'opi-1'))).toEqual(NONE);
  });

  it('with several UAGs or HAGs: any of them', () => {
    const acf = rules(`${GROUPS} ASG(G) { RULE(1, WRITE) { UAG(ops, experts) HAG(consoles) HAG(servers) } }`);
    expect(acf.rightsFor('G', 1, client('carol', 'srv'))).toEqual(WRITE);
    expect(acf.rightsFor('G', 1, client('bob', 'opi-2'))).toEqual(WRITE);
    expect(acf.rightsFor('G', 1, client('dave', 'srv'))).toEqual(NONE);
  });

  it('with a UAG that has no users: nobody', () => {
    expect(rules(`${GROUPS} ASG(G) { RULE(1, WRITE) { UAG(empty) } }`).rightsFor('G', 1, client('', 'opi-1'))).toEqual(NONE);
  });

  it('applies a rule to fields of its level and below: level 0 to ASL0 fields (VAL) only', () => {
    const acf = rules(`${GROUPS} ASG(G) { RULE(1, READ) RULE(0, WRITE) { UAG(ops) } }`);
    expect(acf.rightsFor('G', 0, client('alice', 'h'))).toEqual(WRITE);
    expect(acf.rightsFor('G', 1, client('alice', 'h'))).toEqual(READ);
    expect(acf.rightsFor('G', 0, client('mallory', 'h'))).toEqual(READ);
  });

  it('treats levels above 1 as 1', () => {
    const acf = rules('ASG(G) { RULE(5, WRITE) }');
    expect(acf.rightsFor('G', 1, client('a', 'h'))).toEqual(WRITE);
  });

  it('gives the most any applying rule gives, whatever their order', () => {
    const text = (order: string[]) => `${GROUPS} ASG(G) { ${order.join(' ')} }`;
    const narrow = 'RULE(1, WRITE) { UAG(ops) }';
    const broad = 'RULE(1, READ)';
    const none = 'RULE(1, NONE)';
    for (const order of [
      [narrow, broad, none],
      [none, broad, narrow],
      [broad, none, narrow],
    ]) {
      const acf = rules(text(order));
      expect(acf.rightsFor('G', 1, client('alice', 'h'))).toEqual(WRITE);
      expect(acf.rightsFor('G', 1, client('mallory', 'h'))).toEqual(READ);
    }
  });

  it('gives nothing by a NONE rule: it only states the default', () => {
    const acf = rules(`${GROUPS} ASG(G) { RULE(1, NONE) { UAG(ops) } RULE(1, READ) }`);
    expect(acf.rightsFor('G', 1, client('alice', 'h'))).toEqual(READ);
  });

  it('gives nothing in a group without rules', () => {
    expect(rules('ASG(G)').rightsFor('G', 0, client('a', 'h'))).toEqual(NONE);
  });

  it('puts records of an undeclared group, or of none, in DEFAULT', () => {
    const acf = rules(`${GROUPS} ASG(DEFAULT) { RULE(1, READ) } ASG(G) { RULE(1, WRITE) }`);
    expect(acf.rightsFor('MISSING', 1, client('a', 'h'))).toEqual(READ);
    expect(acf.rightsFor('', 1, client('a', 'h'))).toEqual(READ);
    expect(acf.rightsFor('G', 1, client('a', 'h'))).toEqual(WRITE);
  });

  it('gives no access in DEFAULT when the file does not declare it', () => {
    const acf = rules('ASG(G) { RULE(1, WRITE) }');
    expect(acf.rightsFor('DEFAULT', 1, client('a', 'h'))).toEqual(NONE);
    expect(acf.rightsFor('OTHER', 1, client('a', 'h'))).toEqual(NONE);
  });

  it('never grants by a rule with a CALC, whose inputs are not connected', () => {
    const acf = rules(`${GROUPS} ASG(G) { INPA(X) RULE(1, READ) RULE(1, WRITE) { UAG(ops) CALC("A=1") } }`);
    expect(acf.rightsFor('G', 1, client('alice', 'h'))).toEqual(READ);
  });

  it('in IP mode, matches HAG entries (resolved at load) against the client address, not the name it sends', () => {
    const addresses = new Map<string, string | undefined>([
      ['opi-1', '10.0.0.7'],
      ['OPI-2', '10.0.0.8'],
      ['srv', undefined],
    ]);
    const acf = rules(`${GROUPS} ASG(G) { RULE(1, WRITE) { HAG(consoles) } RULE(1, READ) { HAG(servers) } }`, { by: 'address', addresses });
    expect(acf.rightsFor('G', 1, client('a', 'anything', '10.0.0.7'))).toEqual(WRITE);
    expect(acf.rightsFor('G', 1, client('a', 'anything', '::ffff:10.0.0.8'))).toEqual(WRITE);
    expect(acf.rightsFor('G', 1, client('a', 'opi-1', '10.0.0.9'))).toEqual(NONE);
    expect(acf.rightsFor('G', 1, client('a', 'srv', '10.0.0.9'))).toEqual(NONE);
  });

  it('names the file it came from', () => {
    expect(rules('ASG(G)').file).toBe('test.acf');
  });
});
