// NTTable PVs: a table a program fills, served over pvAccess only (CA has no structures), as
// QSRV serves its group PVs. A record names the table it stands beside with info(Q:table, NAME).

import {
  EMPTY_METADATA,
  EventMask,
  FieldType,
  POSIX_TIME_AT_EPICS_EPOCH,
  providerServes,
  timeStampFromMillis,
  type AccessRights,
  type AlarmState,
  type DisplayMetadata,
  type EpicsTimeStamp,
  type FieldValue,
  type ProcessVariable,
  type PvListener,
  type PvProvider,
  type WriteResult,
} from '../../database/pv';
import { ALARM_T, TIME_T, scalarArray, structure, type BitSet, type ScalarType, type StructureDesc } from '../protocol';
import type { NtMapping } from './nt-mapping';

export const NT_TABLE_ID = 'epics:nt/NTTable:1.0';

export interface TableColumn {
  /** The member of `value`. */
  readonly name: string;
  /** Its entry in `labels`, what a table widget heads the column with. */
  readonly label: string;
  readonly type: ScalarType;
}

/** Column name → its elements, every column as long as the others. */
export type TableRows = Readonly<Record<string, readonly unknown[]>>;

const NO_ALARM: AlarmState = Object.freeze({ severity: 0, status: 0, acknowledgeTransient: false, acknowledgeSeverity: 0 });

/** A read-only NTTable PV whose rows a program replaces as a whole. */
export class TablePv implements ProcessVariable {
  readonly name: string;
  readonly columns: readonly TableColumn[];
  readonly structure: StructureDesc;
  // What a CA view of it would be; it is never served over CA.
  readonly type = FieldType.STRING;
  readonly maxElements = 1;
  readonly className = 'NTTable';
  readonly runsNoUserCode = true;
  private current: TableRows;
  private stamp: EpicsTimeStamp = timeStampFromMillis(Date.now());
  private readonly listeners = new Set<PvListener>();

  constructor(name: string, columns: readonly TableColumn[]) {
    this.name = name;
    this.columns = columns;
    const value: Record<string, ReturnType<typeof scalarArray>> = {};
    for (const column of columns) value[column.name] = scalarArray(column.type);
    this.structure = structure(NT_TABLE_ID, { labels: scalarArray('string'), value: structure('', value), alarm: ALARM_T, timeStamp: TIME_T });
    this.current = Object.fromEntries(columns.map((column) => [column.name, []]));
  }

  /** Replaces the rows and tells monitors. */
  update(rows: TableRows, timeStamp: Date): void {
    this.current = rows;
    this.stamp = timeStampFromMillis(timeStamp.getTime());
    for (const listener of this.listeners) listener(EventMask.VALUE | EventMask.LOG);
  }

  rows(): TableRows {
    return this.current;
  }

  value(): FieldValue {
    return [this.name];
  }

  alarm(): AlarmState {
    return NO_ALARM;
  }

  timeStamp(): EpicsTimeStamp {
    return this.stamp;
  }

  metadata(): DisplayMetadata {
    return EMPTY_METADATA;
  }

  accessRights(): AccessRights {
    return { read: true, write: false };
  }

  write(): WriteResult {
    return { ok: false, error: 'readOnly', message: readOnlyMessage(this) };
  }

  acknowledgeAlarm(): WriteResult {
    return this.write();
  }

  subscribe(listener: PvListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

function readOnlyMessage(pv: TablePv): string {
  return `${pv.name} is a table the IOC fills; it cannot be written`;
}

export function tableMapping(pv: TablePv): NtMapping {
  const labels = pv.columns.map((column) => column.label);
  return {
    type: pv.structure,
    fill(into, changed?: BitSet) {
      const time = pv.timeStamp();
      into.assign(
        {
          labels,
          value: pv.rows(),
          alarm: { severity: 0, status: 0, message: '' },
          timeStamp: { secondsPastEpoch: BigInt(time.secondsPastEpoch + POSIX_TIME_AT_EPICS_EPOCH), nanoseconds: time.nanoseconds, userTag: 0 },
        },
        changed,
      );
    },
    putValue: () => ({ ok: false, message: readOnlyMessage(pv) }),
  };
}

/** The records' PVs, and the tables beside them that only pvAccess serves. */
export class TableProvider implements PvProvider {
  private readonly records: PvProvider;
  private readonly tables = new Map<string, TablePv>();

  constructor(records: PvProvider) {
    this.records = records;
  }

  /** Serves `table` under its name; a name a record already has is refused. */
  add(table: TablePv): void {
    if (this.serves(table.name)) throw new Error(`${table.name} is served already: a table needs a name of its own`);
    this.tables.set(table.name, table);
  }

  find(name: string): ProcessVariable | undefined {
    return this.tables.get(name) ?? this.records.find(name);
  }

  serves(name: string): boolean {
    return this.tables.has(name) || providerServes(this.records, name);
  }

  subscribeAccessChanges(listener: () => void): () => void {
    return this.records.subscribeAccessChanges?.(listener) ?? (() => undefined);
  }
}
