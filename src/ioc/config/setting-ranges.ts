// The one declared range and default of each tracing, status and autosave setting. The configuration's
// schema, the records' DRVH/DRVL/HOPR/LOPR (set by the groups at start) and the check on a
// client's write (CA and pvAccess alike, both reach the record's write) all come from here, so a
// value accepted one way is accepted every way.

export interface SettingRange {
  /** How messages name it: the PV's name without the prefix. */
  readonly name: string;
  readonly default: number;
  /** The range that protects the host; a configuration's `limits` may lower `min` on purpose. */
  readonly min: number;
  readonly max: number;
  /** How far `limits` may lower `min`: below it a setting makes no sense at all. */
  readonly floor: number;
  readonly integer: boolean;
  readonly units: string;
  /** A value outside the range that is accepted all the same: 0, "off", for the external sampler. */
  readonly off?: number;
}

/**
 * Periods below 1 s cost the host much of its event loop (a snapshot forces a full GC); sampling
 * intervals below 1 KiB make V8 sample nearly every allocation. 2^30 is the most V8's sampler takes.
 */
export const SETTING_RANGES = {
  tracePeriod: { name: 'TracePeriod', default: 120, min: 1, max: 86400, floor: 0.1, integer: false, units: 's' },
  traceSamplingInterval: { name: 'TraceSamplingInterval', default: 131072, min: 1024, max: 2 ** 30, floor: 1, integer: true, units: 'bytes' },
  traceExternalSamplingInterval: {
    name: 'TraceExternalSamplingInterval',
    default: 524288,
    min: 1024,
    max: 2 ** 30,
    floor: 1,
    integer: true,
    units: 'bytes',
    off: 0,
  },
  traceCount: { name: 'TraceCount', default: 10, min: 1, max: 1000, floor: 1, integer: true, units: '' },
  statusPeriod: { name: 'status period', default: 1, min: 1, max: 3600, floor: 0.1, integer: false, units: 's' },
  // synApps autosave's monitor sets are commonly 5 s (positions) to 30 s (settings); each save is an fsync.
  autosavePeriod: { name: 'autosave period', default: 5, min: 1, max: 3600, floor: 1, integer: false, units: 's' },
} as const satisfies { [key: string]: SettingRange };

/** The range with `min` lowered (or raised) to what the configuration asks. */
export function withMin(range: SettingRange, min: number): SettingRange {
  return min === range.min ? range : { ...range, min };
}

/** The tracing settings' ranges in force, with the configuration's `tracing.limits`. */
export function tracingRanges(limits: { minPeriod: number; minSamplingInterval: number }): {
  period: SettingRange;
  samplingInterval: SettingRange;
  externalSamplingInterval: SettingRange;
  count: SettingRange;
} {
  return {
    period: withMin(SETTING_RANGES.tracePeriod, limits.minPeriod),
    samplingInterval: withMin(SETTING_RANGES.traceSamplingInterval, limits.minSamplingInterval),
    externalSamplingInterval: withMin(SETTING_RANGES.traceExternalSamplingInterval, limits.minSamplingInterval),
    count: SETTING_RANGES.traceCount,
  };
}

/** Why `value` is refused for this setting, or undefined when it is in range. */
export function rangeRefusal(range: SettingRange, value: number): string | undefined {
  if (value === range.off) return undefined;
  if (!Number.isFinite(value) || value < range.min || value > range.max || (range.integer && !Number.isInteger(value))) {
    const units = range.units ? ` ${range.units}` : '';
    // ASCII only: epics-tca misreads the length of a pvAccess status message with multi-byte characters.
    const off = range.off === undefined ? '' : `${range.off} (off) or `;
    return `${range.name} must be ${off}${range.integer ? 'an integer ' : ''}from ${range.min} to ${range.max}${units}`;
  }
  return undefined;
}
