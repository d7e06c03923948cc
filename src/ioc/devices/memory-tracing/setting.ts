import { valueData } from '../../../database/binding';
import type { DbRecord } from '../../../database/record';

export type SettingValue = number | string;

export interface SettingRule<T extends SettingValue> {
  /** Why the driver will not take a value: client writes are refused with it before they are stored. */
  refusal?(value: T): string | undefined;
  /** The value is in (`previous` is what it was): act on it. */
  apply(value: T, previous: T): void;
}

/**
 * One setting or command of the driver, the state its output records stand for. Each record bound
 * to it (one per loaded view) reads it back at init, as an output device support reads back the
 * hardware, and follows it when another view, the driver (a command done) or code changes it.
 */
export class DriverSetting<T extends SettingValue> {
  private readonly views = new Set<DbRecord>();
  /** Set while the views are brought up to date, whose processing writes the value back. */
  private following = false;

  constructor(
    private value: T,
    private readonly rule: SettingRule<T>,
  ) {}

  get(): T {
    return this.value;
  }

  refusal(value: T): string | undefined {
    return this.rule.refusal?.(value);
  }

  /** init_record of a view: it shows the value in force. Returns the function that detaches it. */
  attach(record: DbRecord): () => void {
    record.assign('VAL', valueData(record, this.value));
    record.assign('UDF', 0);
    this.views.add(record);
    return () => this.views.delete(record);
  }

  /** write_xx of a view: the reason when refused (a write through a link, which no client check saw). */
  write(value: T): string | undefined {
    if (this.following) return undefined;
    const refused = this.refusal(value);
    if (refused !== undefined) return refused;
    const previous = this.value;
    this.show(value);
    this.rule.apply(value, previous);
    return undefined;
  }

  /** The driver's own change: every view shows it, processing as a put would (monitors, FLNK). */
  show(value: T): void {
    this.value = value;
    this.following = true;
    try {
      // A view processing now is the writer, which holds the value already.
      for (const record of this.views) if (!record.isActive && record.get('VAL') !== value) record.update(valueData(record, value));
    } finally {
      this.following = false;
    }
  }
}
