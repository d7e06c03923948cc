import { TablePv, type TableColumn, type TableRows } from '../../../pva/server';

/**
 * The NTTables of one result list: each loaded view's text record may name one with
 * info(Q:table, NAME), and all of them show the same rows. A table opened after a result was
 * posted (a view loaded later) starts with that result, not empty.
 */
export class ResultTables {
  readonly columns: readonly TableColumn[];
  private readonly tables = new Set<TablePv>();
  private latest: { rows: TableRows; timeStamp: Date } | undefined;

  constructor(columns: readonly TableColumn[]) {
    this.columns = columns;
  }

  /** A table under `name`, handed to `serve` (which may refuse the name by throwing); returns what stops updating it. */
  open(name: string, serve: (table: TablePv) => void): () => void {
    const table = new TablePv(name, this.columns);
    if (this.latest) table.update(this.latest.rows, this.latest.timeStamp);
    serve(table);
    this.tables.add(table);
    return () => this.tables.delete(table);
  }

  /** Replaces every table's rows. */
  post(rows: TableRows, timeStamp: Date): void {
    this.latest = { rows, timeStamp };
    for (const table of this.tables) table.update(rows, timeStamp);
  }
}

/** Table columns named after a result's columns (or `rank`, which numbers the rows). */
export type ColumnsOf<S> = readonly (TableColumn & { name: (keyof S & string) | 'rank' })[];

/**
 * Rows of a result held as columns (one array per field, as the heap snapshot analysis gives
 * them), its first `limit`: each table column is the source's column of the same name, and `rank`
 * numbers the rows from 1.
 */
export function rankedRows<S extends { [K in keyof S]: readonly unknown[] }>(columns: ColumnsOf<S>, source: S, limit: number): TableRows {
  const rows: Record<string, readonly unknown[]> = {};
  let length = 0;
  for (const { name } of columns) {
    if (name === 'rank') continue;
    const column = source[name].slice(0, limit);
    rows[name] = column;
    length = column.length;
  }
  if (columns.some((column) => column.name === 'rank')) rows.rank = Array.from({ length }, (_, row) => row + 1);
  return rows;
}
