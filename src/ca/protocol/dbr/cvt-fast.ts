// What an IOC makes of a FLOAT or DOUBLE read as DBR_STRING: libCom's cvtFloatToString and
// cvtDoubleToString. Within +/-1e7 and for up to 8 decimals they build "fixed with PREC digits"
// by hand (truncating arithmetic with one round-half-up step, and, for FLOAT, in single
// precision); beyond that they hand over to printf("%.*f") or printf("%*.*e"), emulated here
// with exact decimal arithmetic so that ties round to even as glibc's do.

const FRACTION_MULTIPLIER = [1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000];
const FIXED_LIMIT = 1e7;
const MAX_FIXED_DECIMALS = 8;
const MAX_PRINTF_FIXED_DECIMALS = 3;

/** Where the FLOAT and DOUBLE routines differ. */
interface CvtFormat {
  /** Whether printf's %e rather than %f takes over for a value beyond the fixed range. */
  needsExponent(value: number): boolean;
  maxExponentDecimals: number;
  /** printf's field width for %e is PREC plus this. */
  exponentWidthOverPrecision: number;
  /** The fraction times 10 * 10^PREC, truncated, computed as C computes it. */
  tenfoldScaledFraction(fraction: number, scale: number): number;
}

const DOUBLE_FORMAT: CvtFormat = {
  needsExponent: (value) => value > 1e16 || value < -1e16,
  maxExponentDecimals: 17,
  exponentWidthOverPrecision: 7,
  tenfoldScaledFraction: (fraction, scale) => Math.trunc(fraction * scale * 10),
};

const FLOAT_FORMAT: CvtFormat = {
  needsExponent: (value) => value >= 1e8 || value <= -1e8,
  maxExponentDecimals: 12,
  exponentWidthOverPrecision: 6,
  // C evaluates float * int in float: every step rounds to single precision.
  tenfoldScaledFraction: (fraction, scale) => Math.trunc(Math.fround(Math.fround(Math.fround(fraction) * scale) * 10)),
};

export function cvtDoubleToString(value: number, precision: number): string {
  return cvtToString(value, precision, DOUBLE_FORMAT);
}

/** `value` must be a float (from a Float32Array or Math.fround). */
export function cvtFloatToString(value: number, precision: number): string {
  return cvtToString(value, precision, FLOAT_FORMAT);
}

function cvtToString(value: number, precision: number, format: CvtFormat): string {
  // The C routines take an epicsUInt16, so a negative PREC arrives as a large one.
  const digits = precision & 0xffff;
  if (Number.isNaN(value) || digits > MAX_FIXED_DECIMALS || value > FIXED_LIMIT || value < -FIXED_LIMIT) {
    if (digits > MAX_FIXED_DECIMALS || format.needsExponent(value)) {
      const decimals = Math.min(digits, format.maxExponentDecimals);
      return printfExponential(value, decimals).padStart(decimals + format.exponentWidthOverPrecision);
    }
    return printfFixed(value, Math.min(digits, MAX_PRINTF_FIXED_DECIMALS));
  }
  const negative = value < 0;
  const magnitude = negative ? -value : value;
  let whole = Math.trunc(magnitude);
  const scale = FRACTION_MULTIPLIER[digits]!;
  // Round half up on the one digit past PREC, carrying into the whole part.
  let fraction = Math.trunc((format.tenfoldScaledFraction(magnitude - whole, scale) + 5) / 10);
  if (fraction >= scale) {
    whole++;
    fraction -= scale;
  }
  const sign = negative ? '-' : '';
  return digits === 0 ? `${sign}${whole}` : `${sign}${whole}.${String(fraction).padStart(digits, '0')}`;
}

/** printf("%.*f", digits, value). */
function printfFixed(value: number, digits: number): string {
  if (!Number.isFinite(value)) return nonFiniteText(value);
  const { mantissa, exponent } = decompose(value);
  const scaled = roundedRatio(mantissa * 10n ** BigInt(digits), exponent);
  const text = scaled.toString().padStart(digits + 1, '0');
  const sign = isNegative(value) ? '-' : '';
  return digits === 0 ? sign + text : `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/** printf("%.*e", digits, value): one digit, the point, `digits` digits, and an exponent of at least two digits. */
function printfExponential(value: number, digits: number): string {
  if (!Number.isFinite(value)) return nonFiniteText(value);
  const sign = isNegative(value) ? '-' : '';
  if (value === 0) return `${sign}${formatMantissa('0'.repeat(digits + 1))}e+00`;
  const { mantissa, exponent } = decompose(value);
  let decimalExponent = Math.floor(Math.log10(Math.abs(value)));
  // log10 can be off by one near powers of ten; the exact comparison below settles it.
  if (compareWithPowerOfTen(mantissa, exponent, decimalExponent) < 0) decimalExponent--;
  else if (compareWithPowerOfTen(mantissa, exponent, decimalExponent + 1) >= 0) decimalExponent++;
  const shift = digits - decimalExponent;
  let significand = shift >= 0 ? roundedRatio(mantissa * 10n ** BigInt(shift), exponent) : roundedRatio(mantissa, exponent, 10n ** BigInt(-shift));
  if (significand >= 10n ** BigInt(digits + 1)) {
    significand /= 10n;
    decimalExponent++;
  }
  const exponentText = String(Math.abs(decimalExponent)).padStart(2, '0');
  return `${sign}${formatMantissa(significand.toString())}e${decimalExponent < 0 ? '-' : '+'}${exponentText}`;
}

function formatMantissa(digitText: string): string {
  return digitText.length === 1 ? digitText : `${digitText[0]!}.${digitText.slice(1)}`;
}

function nonFiniteText(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  return value > 0 ? 'inf' : '-inf';
}

function isNegative(value: number): boolean {
  return value < 0 || Object.is(value, -0);
}

// A double's magnitude is exactly mantissa * 2^exponent; reading its bits avoids any rounding.
const bitsScratch = new Float64Array(1);
const bitsView = new BigUint64Array(bitsScratch.buffer);

function decompose(value: number): { mantissa: bigint; exponent: number } {
  bitsScratch[0] = value;
  const bits = bitsView[0]!;
  const biasedExponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & 0xfffffffffffffn;
  return biasedExponent === 0 ? { mantissa: fraction, exponent: -1074 } : { mantissa: fraction | 0x10000000000000n, exponent: biasedExponent - 1075 };
}

/** round(numerator * 2^exponent / divisor), ties to even: what glibc's printf does with an exact value. */
function roundedRatio(numerator: bigint, exponent: number, divisor = 1n): bigint {
  if (exponent >= 0) return roundedQuotient(numerator << BigInt(exponent), divisor);
  return roundedQuotient(numerator, divisor << BigInt(-exponent));
}

function roundedQuotient(numerator: bigint, denominator: bigint): bigint {
  const quotient = numerator / denominator;
  const twiceRemainder = (numerator % denominator) * 2n;
  if (twiceRemainder > denominator || (twiceRemainder === denominator && quotient % 2n === 1n)) return quotient + 1n;
  return quotient;
}

/** Sign of (mantissa * 2^exponent - 10^power), exactly. */
function compareWithPowerOfTen(mantissa: bigint, exponent: number, power: number): number {
  let left = mantissa;
  let right = 1n;
  if (exponent >= 0) left <<= BigInt(exponent);
  else right <<= BigInt(-exponent);
  if (power >= 0) right *= 10n ** BigInt(power);
  else left *= 10n ** BigInt(-power);
  return left === right ? 0 : left > right ? 1 : -1;
}
