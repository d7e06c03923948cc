// The links of a database. Links are connected after every load, as iocInit connects them all at
// once: a record may link to records of any file, loaded before or after it. A name that no load
// has defined is what EPICS calls a CA link to an absent PV: it stays unconnected (LINK/INVALID on
// use) until a later load defines it, and the log names it once.

import type { Logger } from 'pino';
import { DbFileError, type SourceLocation } from '../db-file/location';
import type { DbRecord } from '../record';
import type { FieldSpec } from '../records/field-spec';
import { parseLinkText, type LinkAddress } from './link-address';
import { RecordLink } from './record-link';

export interface LinkSetting {
  readonly record: DbRecord;
  readonly field: string;
  readonly address: LinkAddress;
  readonly location?: SourceLocation;
}

export interface LinkTableOptions {
  /** The record a name (or alias) serves. */
  recordOf(name: string): DbRecord | undefined;
  scanOnce(record: DbRecord): void;
  logger: Logger;
}

export class LinkTable {
  private readonly allLinks = new Set<RecordLink>();
  private readonly unconnected = new Set<RecordLink>();
  private started = false;

  constructor(private readonly options: LinkTableOptions) {}

  /**
   * Refuses a load whose links name a field that their (already known) target lacks.
   * `recordOf` also knows the records of the load being checked.
   */
  static check(settings: readonly LinkSetting[], recordOf: (name: string) => DbRecord | undefined): void {
    for (const { record, field, address, location } of settings) {
      if (address.kind !== 'pv') continue;
      const target = recordOf(address.record);
      if (!target || targetField(target, address.field)) continue;
      const message = `${record.name}.${field}: record "${target.name}" (${target.type.name}) has no field ${address.field}`;
      if (location) throw new DbFileError(location, message);
      throw new Error(message);
    }
  }

  /** The links of a load, connected to what the database serves now; earlier loads' unconnected links retried. */
  add(settings: readonly LinkSetting[]): void {
    for (const { record, field, address, location } of settings) this.attach(new RecordLink(record, field, address, location));
    for (const link of [...this.unconnected]) this.connect(link);
    if (this.started) this.reportUnconnected();
  }

  /** iocInit's end: CP links process their records once, as their first monitor does; absent targets are logged. */
  start(): void {
    this.started = true;
    this.reportUnconnected();
    for (const link of this.allLinks) if (link.processesOnChange && link.isConnected) this.options.scanOnce(link.owner);
  }

  /** A link field's new text (a client's or code's put); the reason when it is not a link. */
  relink(record: DbRecord, field: string, text: string): string | undefined {
    const parsed = parseLinkText(text);
    if (!parsed.ok) return parsed.reason;
    const previous = record.links.get(field);
    if (previous) {
      previous.disconnect();
      this.unconnected.delete(previous);
      this.allLinks.delete(previous);
      record.deleteLink(field);
      record.type.linksChanged?.(record);
    }
    if (parsed.address.kind === 'empty') return undefined;
    const link = new RecordLink(record, field, parsed.address);
    this.attach(link);
    this.connect(link);
    if (this.started) this.reportUnconnected();
    return undefined;
  }

  private attach(link: RecordLink): void {
    link.owner.setLink(link.field, link);
    this.allLinks.add(link);
    if (link.pv) this.unconnected.add(link);
    link.owner.type.linksChanged?.(link.owner);
  }

  private connect(link: RecordLink): void {
    const pv = link.pv;
    const target = pv && this.options.recordOf(pv.record);
    const spec = target && targetField(target, pv.field);
    if (!target || !spec) return;
    this.unconnected.delete(link);
    link.connect({ record: target, spec }, (owner) => this.options.scanOnce(owner));
    link.owner.type.linksChanged?.(link.owner);
    if (this.started && link.processesOnChange) this.options.scanOnce(link.owner);
  }

  private reportUnconnected(): void {
    for (const link of this.unconnected) {
      if (link.reported) continue;
      link.reported = true;
      const pv = link.pv!;
      const target = this.options.recordOf(pv.record);
      const why = target ? `record "${target.name}" has no field ${pv.field}` : `"${pv.record}" is not served by this IOC`;
      this.options.logger.warn(
        { record: link.owner.name, field: link.field, target: `${pv.record}.${pv.field}` },
        `${link.owner.name}.${link.field}: ${why}; the link is unconnected (LINK/INVALID when used)`,
      );
    }
  }
}

function targetField(record: DbRecord, name: string): FieldSpec | undefined {
  return record.type.fields.get(name);
}
