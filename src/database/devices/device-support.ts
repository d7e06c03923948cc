// Device support, as EPICS base's devSup: a DTYP names a small table of functions for the record
// types it serves, and the record's INP or OUT "@parameter" tells it which figure or command the
// record stands for. The .db file is the wiring: code registers supports with the database before
// any file is loaded (as a .dbd's device() lines come before dbLoadRecords), and the loader binds
// each record whose DTYP names one. Record support calls its binding where softIoc calls
// read_ai/write_ao/get_ioint_info. Base's link-reading soft supports (Soft Channel, Raw Soft
// Channel, Async Soft Channel) stay in record support; its INST_IO ones (Soft Timestamp, General
// Time, getenv, Db State) are supports like any other, which every database registers first.

import type { DbRecord } from '../record';
import type { ReadOutcome } from '../records/soft-channel';
import type { IoScanSource } from '../scan/io-scan';

/**
 * Why a record cannot be bound: the loader reports it at the file:line:col of the INP/OUT (or
 * DTYP) value, `offset` characters into it, and refuses the file.
 */
export class DeviceBindError extends Error {
  constructor(
    message: string,
    readonly field: 'INP' | 'OUT' | 'DTYP' = 'INP',
    readonly offset = 0,
  ) {
    super(message);
    this.name = 'DeviceBindError';
  }
}

/** What one record is to its device support: the figure or command its "@parameter" chose. */
export interface DeviceBinding {
  /**
   * read_xx of an input record: puts the value in VAL ('value'), in RVAL to convert ('raw'),
   * leaves it ('unchanged'), or failed (the binding raised the alarm it wants).
   */
  read?(record: DbRecord): ReadOutcome;
  /** write_xx of an output record: takes VAL (or OVAL/RVAL) to the driver; false when it failed. */
  write?(record: DbRecord): boolean;
  /** get_ioint_info: the source whose requests process the record while SCAN is "I/O Intr". */
  readonly ioScan?: IoScanSource;
  /**
   * The driver owns VAL (a measured figure, a result text): clients are given no write access to
   * it over CA or pvAccess, whatever the .acf says; code and the binding still set it.
   */
  readonly ownsValue: boolean;
  /** The database closes: timers and listeners of this binding stop. */
  release?(): void;
}

export interface DeviceSupport {
  /** The DTYP choice, e.g. "IOC stats". */
  readonly name: string;
  /** The record types that accept this DTYP, e.g. ["ai", "ao", "stringin", "waveform"]. */
  readonly recordTypes: readonly string[];
  /**
   * init_record: binds a record whose DTYP names this support, from the text of its INP (input
   * records) or OUT (output records) after "@". Throws DeviceBindError for an unknown parameter,
   * naming the choices for the record's type.
   */
  bind(record: DbRecord, parameter: string): DeviceBinding;
}
