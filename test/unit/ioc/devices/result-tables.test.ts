import { rankedRows, ResultTables } from '../../../../src/ioc/devices/memory-tracing/result-tables';
import type { TablePv } from '../../../../src/pva/server';

const COLUMNS = [
  { name: 'rank', label: 'rank', type: 'int' },
  { name: 'path', label: 'retainer path', type: 'string' },
  { name: 'bytes', label: 'bytes', type: 'double' },
] as const;

describe('the NTTables of a result list', () => {
  it('numbers the rows and keeps the first ones of each column', () => {
    expect(rankedRows(COLUMNS, { path: ['a', 'b', 'c'], bytes: [3, 2, 1], other: [true, false, true] }, 2)).toEqual({
      rank: [1, 2],
      path: ['a', 'b'],
      bytes: [3, 2],
    });
  });

  it('gives a table opened after a post the newest rows, and stops updating a closed one', () => {
    const tables = new ResultTables(COLUMNS);
    const first = { rank: [1], path: ['a'], bytes: [3] };
    tables.post(first, new Date(1_000_000));
    const served: TablePv[] = [];
    const close = tables.open('LAB:TopTable', (table) => served.push(table));
    expect(served.map((table) => [table.name, table.rows()])).toEqual([['LAB:TopTable', first]]);
    const second = { rank: [1, 2], path: ['a', 'b'], bytes: [3, 2] };
    tables.post(second, new Date(2_000_000));
    expect(served[0]?.rows()).toBe(second);
    close();
    tables.post(first, new Date(3_000_000));
    expect(served[0]?.rows()).toBe(second);
  });

  it('passes on the refusal of a name already served', () => {
    const tables = new ResultTables(COLUMNS);
    expect(() =>
      tables.open('LAB:Taken', () => {
        throw new Error('LAB:Taken is served already');
      }),
    ).toThrow('served already');
  });
});
