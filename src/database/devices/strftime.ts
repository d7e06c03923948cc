// epicsTimeToStrftime: an EPICS time stamp as text, in local time, by a C strftime format (the C
// locale's names) plus EPICS's "%f"/"%0<n>f" fractional seconds (n digits, 9 when not given,
// rounded without carrying into the seconds). As in base's epicsTime.cpp, the format is
// formatted piece by piece up to each "%…f", a piece that does not fit in what is left of the
// buffer gives nothing (C strftime returns 0 then), and the EPICS epoch itself is "<undefined>".

import { POSIX_TIME_AT_EPICS_EPOCH, type EpicsTimeStamp } from '../pv';

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const FRACTION_DIGITS = 9;
const FRACTION = /%(\d*)f/;

/** The text of `time` by `format`, at most `capacity - 1` bytes (capacity counts the NUL, as stringin's VAL). */
export function formatTimeStamp(format: string, time: EpicsTimeStamp, capacity: number): string {
  if (time.secondsPastEpoch === 0 && time.nanoseconds === 0) return '<undefined>'.slice(0, capacity - 1);
  const date = new Date((time.secondsPastEpoch + POSIX_TIME_AT_EPICS_EPOCH) * 1000);
  let text = '';
  let rest = format;
  while (rest !== '' && capacity - Buffer.byteLength(text) > 1) {
    const { prefix, digits, after } = splitAtFraction(rest);
    if (prefix === '' && digits === undefined) break;
    const piece = prefix === '' ? '' : strftime(prefix, date);
    if (Buffer.byteLength(text + piece) < capacity) text += piece;
    if (digits !== undefined && digits < capacity - Buffer.byteLength(text)) text += fraction(time.nanoseconds, digits);
    rest = after;
  }
  return text;
}

/** fracFormatFind: the strftime part before the first "%f"/"%0<n>f" ("%%" skipped), its width, and what follows. */
function splitAtFraction(format: string): { prefix: string; digits: number | undefined; after: string } {
  for (let i = 0; i < format.length; i++) {
    if (format[i] !== '%') continue;
    if (format[i + 1] === '%') {
      i++;
      continue;
    }
    const match = FRACTION.exec(format.slice(i));
    if (match?.index === 0 && (match[1] === '' || Number(match[1]) > 0)) {
      const digits = match[1] === '' ? FRACTION_DIGITS : Math.min(Number(match[1]), FRACTION_DIGITS);
      return { prefix: format.slice(0, i), digits, after: format.slice(i + match[0].length) };
    }
  }
  return { prefix: format, digits: undefined, after: '' };
}

function fraction(nanoseconds: number, digits: number): string {
  if (nanoseconds >= 1e9) return 'OVF'.slice(0, digits);
  const divisor = 10 ** (FRACTION_DIGITS - digits);
  const rounded = Math.min(nanoseconds + Math.floor(divisor / 2), 1e9 - 1);
  return String(Math.floor(rounded / divisor)).padStart(digits, '0');
}

/** C strftime in the C locale, local time. An unknown conversion is copied as written, as glibc does. */
export function strftime(format: string, date: Date): string {
  return format.replace(/%([EO]?)(.)/g, (whole, _modifier: string, conversion: string) => conversionText(conversion, date) ?? whole);
}

function conversionText(conversion: string, date: Date): string | undefined {
  const hours = date.getHours();
  switch (conversion) {
    case 'a':
      return DAYS[date.getDay()]!.slice(0, 3);
    case 'A':
      return DAYS[date.getDay()]!;
    case 'b':
    case 'h':
      return MONTHS[date.getMonth()]!.slice(0, 3);
    case 'B':
      return MONTHS[date.getMonth()]!;
    case 'c':
      return strftime('%a %b %e %H:%M:%S %Y', date);
    case 'C':
      return pad(Math.floor(date.getFullYear() / 100), 2);
    case 'd':
      return pad(date.getDate(), 2);
    case 'D':
    case 'x':
      return strftime('%m/%d/%y', date);
    case 'e':
      return pad(date.getDate(), 2, ' ');
    case 'F':
      return strftime('%Y-%m-%d', date);
    case 'G':
      return String(isoWeek(date).year);
    case 'g':
      return pad(isoWeek(date).year % 100, 2);
    case 'H':
      return pad(hours, 2);
    case 'I':
      return pad(hours % 12 || 12, 2);
    case 'j':
      return pad(dayOfYear(date) + 1, 3);
    case 'k':
      return pad(hours, 2, ' ');
    case 'l':
      return pad(hours % 12 || 12, 2, ' ');
    case 'm':
      return pad(date.getMonth() + 1, 2);
    case 'M':
      return pad(date.getMinutes(), 2);
    case 'n':
      return '\n';
    case 'p':
      return hours < 12 ? 'AM' : 'PM';
    case 'P':
      return hours < 12 ? 'am' : 'pm';
    case 'r':
      return strftime('%I:%M:%S %p', date);
    case 'R':
      return strftime('%H:%M', date);
    case 's':
      return String(Math.floor(date.getTime() / 1000));
    case 'S':
      return pad(date.getSeconds(), 2);
    case 't':
      return '\t';
    case 'T':
    case 'X':
      return strftime('%H:%M:%S', date);
    case 'u':
      return String(date.getDay() || 7);
    case 'U':
      return pad(Math.floor((dayOfYear(date) + 7 - date.getDay()) / 7), 2);
    case 'V':
      return pad(isoWeek(date).week, 2);
    case 'w':
      return String(date.getDay());
    case 'W':
      return pad(Math.floor((dayOfYear(date) + 7 - ((date.getDay() + 6) % 7)) / 7), 2);
    case 'y':
      return pad(date.getFullYear() % 100, 2);
    case 'Y':
      return String(date.getFullYear());
    case 'z':
      return utcOffset(date);
    case 'Z':
      return zoneName(date);
    case '%':
      return '%';
    default:
      return undefined;
  }
}

function pad(n: number, width: number, fill = '0'): string {
  return String(n).padStart(width, fill);
}

/** tm_yday: days since 1 January, local time. */
function dayOfYear(date: Date): number {
  return Math.round((Date.UTC(date.getFullYear(), date.getMonth(), date.getDate()) - Date.UTC(date.getFullYear(), 0, 1)) / 86_400_000);
}

/** ISO 8601 week number and week-based year (%V, %G). */
function isoWeek(date: Date): { week: number; year: number } {
  const day = Date.UTC(date.getFullYear(), date.getMonth(), date.getDate());
  const weekday = (date.getDay() + 6) % 7;
  const thursday = new Date(day + (3 - weekday) * 86_400_000);
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * 86_400_000));
  return { week, year };
}

function utcOffset(date: Date): string {
  const minutes = -date.getTimezoneOffset();
  const sign = minutes < 0 ? '-' : '+';
  const absolute = Math.abs(minutes);
  return `${sign}${pad(Math.floor(absolute / 60), 2)}${pad(absolute % 60, 2)}`;
}

/** The zone's abbreviation as the platform's Intl names it (e.g. "UTC"; glibc's names may differ where Intl gives "GMT+1"). */
function zoneName(date: Date): string {
  const part = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(date).find((p) => p.type === 'timeZoneName');
  return part?.value ?? '';
}
