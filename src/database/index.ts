// The IOC database: records and fields from .db files, served to protocol servers through the
// PV interface and to code through record handles.

export { Autosave, saveFilesIn, type AutosaveOptions, type SaveFiles } from './autosave';
export { Database, type DatabaseOptions, type LoadOptions } from './database';
export type { ArrayInput, RecordAlarm, RecordHandle, RecordValues, SetOptions, WriteListener } from './binding';
export { DbFileError, formatLocation, type SourceLocation } from './db-file/location';
export { DeviceBindError, type DeviceBinding, type DeviceSupport } from './devices/device-support';
export { parseMacroDefinitions } from './db-file/macros';
export type { ValueKind } from './records/record-type';
export { RECORD_TYPES } from './records/registry';
export { IoScanSource } from './scan/io-scan';
export type { Subroutine, SubroutineRecord, SubroutineStatus } from './subroutines';
export * from './pv';
