import { execFileSync } from 'node:child_process';
import { formatTimeStamp, strftime } from '../../../src/database/devices/strftime';
import { POSIX_TIME_AT_EPICS_EPOCH } from '../../../src/database/pv';

// epicsTimeToStrftime (base's libcom/src/osi/epicsTime.cpp) over C strftime: the conversions are
// checked against GNU date, which formats with glibc's strftime in the C locale.

const FORMATS = [
  '%a %A %b %B %h',
  '%c',
  '%C %d %D %e %F',
  '%g %G %V',
  '%H %I %k %l %p %P',
  '%j %m %M %S %s',
  '%r %R %T %x %X',
  '%u %w %U %W',
  '%y %Y %z',
  '%% %n%t %Q',
];
/** Times around the edges of weeks and years, and an ordinary afternoon. */
const INSTANTS = [
  '2026-12-04T15:32:34Z',
  '2027-01-01T00:00:00Z',
  '2026-12-31T23:59:59Z',
  '2021-01-03T12:00:00Z',
  '2020-02-29T09:05:07Z',
  '2024-12-30T01:00:00Z',
];

/** GNU date in this process's time zone (Jest's process.env is a copy: the zone cannot be changed from a test). */
function gnuDate(instant: string, format: string): string {
  const env: Record<string, string> = { LC_ALL: 'C', PATH: process.env.PATH ?? '' };
  if (process.env.TZ !== undefined) env.TZ = process.env.TZ;
  return execFileSync('date', ['-d', instant, `+${format}`], { env })
    .toString()
    .replace(/\n$/, '');
}

describe('strftime in the C locale', () => {
  it('formats as glibc does, in local time', () => {
    for (const instant of INSTANTS) {
      for (const format of FORMATS) {
        expect({ instant, format, text: strftime(format, new Date(instant)) }).toEqual({ instant, format, text: gnuDate(instant, format) });
      }
    }
  });
});

describe('epicsTimeToStrftime', () => {
  const time = { secondsPastEpoch: Date.parse('2026-12-04T15:32:34Z') / 1000 - POSIX_TIME_AT_EPICS_EPOCH, nanoseconds: 637_909_000 };

  it('adds fractional seconds, rounded without carrying into the seconds', () => {
    // As softIoc 7.0.8.1 showed for a stringin with INP "@%Y-%m-%d %H:%M:%S.%03f" at .637909.
    expect(formatTimeStamp('%Y-%m-%d %H:%M:%S.%03f', time, 40)).toBe(`${gnuDate('2026-12-04T15:32:34Z', '%Y-%m-%d %H:%M:%S')}.638`);
    expect(formatTimeStamp('%S.%f', time, 40)).toBe('34.637909000');
    expect(formatTimeStamp('%S.%02f %S.%01f', { ...time, nanoseconds: 999_999_999 }, 40)).toBe('34.99 34.9');
    expect(formatTimeStamp('%%f %S', time, 40)).toBe('%f 34');
  });

  it('gives an empty format as nothing, the EPICS epoch as <undefined>, and a piece that does not fit as nothing', () => {
    expect(formatTimeStamp('', time, 40)).toBe('');
    expect(formatTimeStamp('%c', { secondsPastEpoch: 0, nanoseconds: 0 }, 40)).toBe('<undefined>');
    // strftime returns 0 when the text does not fit, so softIoc's stringin shows "" (measured).
    expect(formatTimeStamp('%c %c %c %c %c', time, 40)).toBe('');
    expect(formatTimeStamp('%S%03f%c %c', time, 12)).toBe('34638');
  });
});
