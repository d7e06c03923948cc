// C's conversions and maths as calcPerform meets them on Linux x86-64 (gcc, glibc), where they
// differ from JavaScript's.

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const TWO_TO_63 = 9223372036854775808;

/**
 * `(epicsInt32) x`: truncation; out of range and NaN give INT32_MIN (cvttsd2si's "integer
 * indefinite"). Never -0.
 */
export function castInt32(x: number): number {
  const truncated = Math.trunc(x);
  return truncated >= INT32_MIN && truncated <= INT32_MAX ? truncated | 0 : INT32_MIN;
}

/**
 * calcPerform's d2i(): negative values cast to epicsInt32, the others to epicsUInt32 first, which
 * gcc does through a 64-bit conversion keeping the low 32 bits (so 2^63 and above, +Inf and NaN
 * give 0).
 */
export function d2i(x: number): number {
  if (x < 0) return castInt32(x);
  return x < TWO_TO_63 ? x | 0 : 0;
}

/** C's pow where it differs from Math.pow: pow(1, y) and pow(-1, ±Inf) are 1 (C99 F.9.4.4). */
export function cPow(x: number, y: number): number {
  if (x === 1 || (x === -1 && !Number.isFinite(y) && !Number.isNaN(y))) return 1;
  return Math.pow(x, y);
}

/** glibc's isinf() in C is __builtin_isinf_sign: -1 for -Inf. */
export function isinfSign(x: number): number {
  if (x === Infinity) return 1;
  return x === -Infinity ? -1 : 0;
}

/** `(epicsInt32) a % (epicsInt32) b`, or NaN when the divisor is 0 (calcPerform's MODULO). */
export function cModulo(a: number, b: number): number {
  const divisor = castInt32(b);
  if (divisor === 0) return NaN;
  // INT32_MIN % -1 traps on x86 (the IOC dies); the remainder is 0.
  return (castInt32(a) % divisor) | 0;
}

/** calcPerform's NINT: half away from zero, then the epicsInt32 cast. */
export function nint(x: number): number {
  return castInt32(x >= 0 ? x + 0.5 : x - 0.5);
}

// calcPerform's RNDM: one 16-bit generator for the whole IOC, as base's static seed.
const RANDOM_MULTIPLIER = 191 * 8 + 5;
const RANDOM_INCREMENT = 0x3141;
let randomSeed = 0xa3bf;

export function calcRandom(): number {
  randomSeed = (randomSeed * RANDOM_MULTIPLIER + RANDOM_INCREMENT) & 0xffff;
  return randomSeed / 65535;
}
