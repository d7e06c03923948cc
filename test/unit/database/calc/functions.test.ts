// The CALC functions, as calcPerform.c computes them (base 7.0), over the ground of base's
// libcom/test/epicsCalcTest.cpp. libm results are compared to 1e-12, as V8's maths may differ
// from glibc's in the last bits.
import { calc, expectClose, expectResults } from './helpers';

test('ABS, SQRT/SQR, EXP, LOG (base 10), LN and LOGE (base e)', () => {
  expectResults([
    ['ABS(-2.5)', 2.5],
    ['ABS(2.5)', 2.5],
    ['ABS(-Inf)', Infinity],
    ['SQRT(81)', 9],
    ['SQR(2.25)', 1.5],
    ['SQRT(-1)', NaN],
    ['LOG(1000)', 3],
    ['LOG(0)', -Infinity],
    ['LN(1)', 0],
    ['LN(-1)', NaN],
    ['LOGE(1)', 0],
  ]);
  expectClose([
    ['EXP(2)', Math.exp(2)],
    ['LN(10)', Math.log(10)],
    ['LOGE(3)', Math.log(3)],
    ['LOG(2)', Math.log10(2)],
  ]);
});

test('the trigonometric set, with ATAN2(a, b) = atan2(b, a) as in calcPerform', () => {
  expectClose([
    ['SIN(PI/6)', 0.5],
    ['COS(PI/3)', 0.5],
    ['TAN(PI/4)', 1],
    ['ASIN(1)', Math.PI / 2],
    ['ACOS(0)', Math.PI / 2],
    ['ATAN(1)', Math.PI / 4],
    ['SINH(1)', Math.sinh(1)],
    ['COSH(1)', Math.cosh(1)],
    ['TANH(0.25)', Math.tanh(0.25)],
    ['ATAN2(1, 0)', 0],
    ['ATAN2(0, 1)', Math.PI / 2],
    ['ATAN2(2, 3)', Math.atan2(3, 2)],
    ['SIN(90*D2R)', 1],
    ['ATAN(1)*R2D', 45],
  ]);
  expectResults([['ACOS(2)', NaN]]);
});

test('CEIL, FLOOR and NINT (half away from zero, then the epicsInt32 cast)', () => {
  expectResults([
    ['CEIL(1.2)', 2],
    ['CEIL(-1.2)', -1],
    ['FLOOR(1.8)', 1],
    ['FLOOR(-1.2)', -2],
    ['NINT(2.5)', 3],
    ['NINT(2.49)', 2],
    ['NINT(-2.5)', -3],
    ['NINT(-2.49)', -2],
    ['NINT(-0.3)', 0],
    // beyond epicsInt32, and NaN, the cast gives INT_MIN on x86-64
    ['NINT(3e9)', -2147483648],
    ['NINT(NaN)', -2147483648],
  ]);
});

test('FMOD is C fmod: the sign of the dividend, NaN for a zero divisor', () => {
  expectResults([
    ['FMOD(7.5, 2)', 1.5],
    ['FMOD(-7.5, 2)', -1.5],
    ['FMOD(7.5, -2)', 1.5],
    ['FMOD(-7.5, -2)', -1.5],
    ['FMOD(3, 0)', NaN],
    ['FMOD(3, Inf)', 3],
    ['FMOD(Inf, 3)', NaN],
  ]);
});

test('MAX and MIN take one or more arguments, and a NaN among them wins', () => {
  expectResults([
    ['MAX(-4)', -4],
    ['MIN(4)', 4],
    ['MAX(2,9)', 9],
    ['MAX(9,2)', 9],
    ['MIN(2,9)', 2],
    ['MIN(9,2)', 2],
    ['MAX(3,8,5)', 8],
    ['MIN(5,3,8)', 3],
    ['MAX(-Inf,-1)', -1],
    ['MIN(Inf,1)', 1],
    ['MAX(1,Inf,2)', Infinity],
    ['MIN(1,-Inf,2)', -Infinity],
    ['MAX(NaN,1,2)', NaN],
    ['MAX(1,NaN,2)', NaN],
    ['MAX(1,2,NaN)', NaN],
    ['MIN(NaN,1,2)', NaN],
    ['MIN(1,NaN,2)', NaN],
    ['MIN(1,2,NaN)', NaN],
    ['MAX(A,B,C,D,E,F,G,H,I,J,K,L)', 12],
    ['MIN(L,K,J,I,H,G,F,E,D,C,B,A)', 1],
    ['MAX(7,1,3,12,-2,5,0,9,4,11,8,6)', 12],
    ['MIN(7,1,3,12,-2,5,0,9,4,11,8,6)', -2],
    ['MIN(MAX(1,5),MAX(2),MIN(9,3,4))', 2],
    ['MAX(1,2)+MIN(3,4)*2', 8],
    ['MAX(1?5:6, 2)', 5],
  ]);
});

test("FINITE and ISNAN are variadic, ISINF is unary (and -1 for -Inf, glibc's isinf in C)", () => {
  expectResults([
    ['FINITE(1)', 1],
    ['FINITE(Inf)', 0],
    ['FINITE(-Inf)', 0],
    ['FINITE(NaN)', 0],
    ['FINITE(1,2,3)', 1],
    ['FINITE(NaN,2,3)', 0],
    ['FINITE(1,-Inf,3)', 0],
    ['FINITE(1,2,Inf)', 0],
    ['ISNAN(1)', 0],
    ['ISNAN(NaN)', 1],
    ['ISNAN(Inf)', 0],
    ['ISNAN(1,2,3)', 0],
    ['ISNAN(NaN,2,3)', 1],
    ['ISNAN(1,NaN,3)', 1],
    ['ISNAN(1,2,NaN)', 1],
    ['ISNAN(Inf,-Inf,1)', 0],
    ['ISINF(1)', 0],
    ['ISINF(NaN)', 0],
    ['ISINF(Inf)', 1],
    ['ISINF(-Inf)', -1],
  ]);
});

test('functions and keywords in any case', () => {
  expectResults([
    ['abs(-1)', 1],
    ['Max(1,2)', 2],
    ['3 and 1', 1],
    ['isnan(nan)', 1],
  ]);
  expect(calc('pi')).toBe(Math.PI);
});
