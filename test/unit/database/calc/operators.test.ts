// Operators, precedence and conditionals of the CALC engine. Each expected value is what base
// 7.0's calcPerform gives (libcom/src/calc/calcPerform.c; priorities from postfix.c's element
// tables); the ground is that of base's libcom/test/epicsCalcTest.cpp.
import { calc, calcUInt32, expectResults } from './helpers';

describe('literals and operands (postfix.c operands table, epicsParseDouble/epicsParseUInt32)', () => {
  test('decimal literals, read by strtod', () => {
    expectResults([
      ['7', 7],
      ['.25', 0.25],
      ['3.', 3],
      ['2.5e2', 250],
      ['25E-1', 2.5],
      ['1e+2', 100],
      ['  42  ', 42],
    ]);
  });

  test('hex literals keep their 32 bits as a signed integer (LITERAL_INT is an epicsInt32)', () => {
    expectResults([
      ['0x1F', 31],
      ['0X0', 0],
      ['0x7FFFFFFF', 2147483647],
      ['0x80000001', -2147483647],
      ['0xFFFFFFFE', -2],
      ['-0x80000000', 2147483648],
    ]);
  });

  test('Inf and NaN in the spellings strtod accepts, in any case', () => {
    expectResults([
      ['inf', Infinity],
      ['INFINITY', Infinity],
      ['-Inf', -Infinity],
      ['nan', NaN],
      ['NaN(0)', NaN],
    ]);
  });

  test('A..L in either case, VAL from the caller, the constants', () => {
    expectResults([
      ['a', 1],
      ['F', 6],
      ['l', 12],
      ['A+B+C+D+E+F+G+H+I+J+K+L', 78],
      ['PI', Math.PI],
      ['D2R', Math.PI / 180],
      ['r2d', 180 / Math.PI],
    ]);
    expect(calc('VAL*2', undefined, 21)).toBe(42);
    // calcPerform's FETCH_VAL reads *presult; without one we give NaN.
    expect(calc('VAL')).toBeNaN();
  });

  test("RNDM is base's 16-bit generator: seed = seed*1533 + 0x3141, result seed/65535", () => {
    const first = calc('RNDM');
    const second = calc('RNDM');
    const seed = Math.round(first * 65535);
    expect(seed / 65535).toBe(first);
    expect(second).toBe(((seed * 1533 + 0x3141) & 0xffff) / 65535);
    for (let i = 0; i < 50; i++) expect(calc('RNDM')).toBeGreaterThanOrEqual(0);
  });
});

describe('arithmetic (calcPerform ADD..POWER)', () => {
  test('+ - * / with IEEE results for Inf and NaN', () => {
    expectResults([
      ['2+3', 5],
      ['9-4-2', 3],
      ['6*7', 42],
      ['1/4/2', 0.125],
      ['1/0', Infinity],
      ['-1/0', -Infinity],
      ['0/0', NaN],
      ['Inf-Inf', NaN],
      ['0*Inf', NaN],
      ['NaN+1', NaN],
      ['Inf+Inf', Infinity],
      ['Inf/-Inf', NaN],
    ]);
  });

  test('unary minus, which binds tighter than ** (in-stack priority 7 over 6)', () => {
    expectResults([
      ['-3', -3],
      ['- -3', 3],
      ['--3', 3],
      ['-3**2', 9],
      ['-3^2', 9],
      ['1-3', -2],
      ['2*-3', -6],
    ]);
  });

  test('% truncates both sides to epicsInt32 and gives NaN for a zero divisor', () => {
    expectResults([
      ['17%5', 2],
      ['-17%5', -2],
      ['17%-5', 2],
      ['7.9%2.5', 1],
      ['100%7%4', 2],
      ['5%0', NaN],
      ['5%0.5', NaN],
      ['-4%2', 0],
    ]);
  });

  test('% on values beyond epicsInt32: the cast gives INT_MIN on x86-64', () => {
    expectResults([
      ['NaN%3', -2],
      ['3e9%7', -2],
      ['5%NaN', 5],
      ['5%Inf', 5],
      // base traps here (x86 idiv overflow kills the IOC); the remainder is 0
      ['-2147483648%-1', 0],
    ]);
  });

  test('** and ^ are pow(), left-associative (equal priorities pop)', () => {
    expectResults([
      ['3**2', 9],
      ['3^2', 9],
      ['2**3**2', 64],
      ['2^3^2', 64],
      ['4**0.5', 2],
      ['2**-1', 0.5],
      ['(-8)**(1/3)', NaN],
      // C's pow(1, y) is 1 even for NaN and Inf; Math.pow would give NaN.
      ['1**NaN', 1],
      ['(-1)**Inf', 1],
      ['NaN**0', 1],
    ]);
  });
});

describe('relational and logical operators (C truth: NaN is true)', () => {
  test('comparisons give 1 or 0, false whenever NaN is involved except !=', () => {
    expectResults([
      ['2<3', 1],
      ['3<3', 0],
      ['3<=3', 1],
      ['4>3', 1],
      ['3>=4', 0],
      ['3=3', 1],
      ['3==4', 0],
      ['3!=4', 1],
      ['3#3', 0],
      ['NaN=NaN', 0],
      ['NaN!=NaN', 1],
      ['NaN#1', 1],
      ['NaN<1', 0],
      ['NaN>=NaN', 0],
      ['-Inf<Inf', 1],
      ['Inf<=Inf', 1],
      // Left to right at one priority: (5>4)>0 is 1, (1<0)<1 is 1.
      ['5>4>0', 1],
      ['1<0<1', 1],
      ['1=1=1', 1],
      ['2#2#0', 0],
    ]);
  });

  test('&& || ! treat NaN as true', () => {
    expectResults([
      ['1&&2', 1],
      ['1&&0', 0],
      ['0||0', 0],
      ['0||3', 1],
      ['NaN&&1', 1],
      ['0||NaN', 1],
      ['!0', 1],
      ['!5', 0],
      ['!!7', 1],
      ['!NaN', 0],
    ]);
  });

  test('?: treats NaN as true and nests both ways', () => {
    expectResults([
      ['1?10:20', 10],
      ['0?10:20', 20],
      ['NaN?10:20', 10],
      ['-Inf?10:20', 10],
      ['1?1?3:4:5', 3],
      ['1?0?3:4:5', 4],
      ['0?1?3:4:5', 5],
      ['0?3:1?4:5', 4],
      ['0?3:0?4:5', 5],
      ['1?3:0?4:5', 3],
      ['A>0?B>0?C:D:E', 3],
      // base also closes a conditional at a ')' that opened before it
      ['A?(B:C)', 2],
      ['(0?B):C', 3],
    ]);
  });

  test('the HEARTBEAT counter wraps as on softIoc', () => {
    const args = Float64Array.from({ length: 12 }, () => 0);
    const heartbeat = (a: number): number => {
      args[0] = a;
      return calc('(A<2147483647)?A+1:1', args);
    };
    expect(heartbeat(0)).toBe(1);
    expect(heartbeat(41)).toBe(42);
    expect(heartbeat(2147483647)).toBe(1);
  });
});

describe('bit operations: calcPerform d2i(), negatives cast to epicsInt32, others to epicsUInt32', () => {
  test('& | XOR AND OR ~ NOT', () => {
    expectResults([
      ['12&10', 8],
      ['12 AND 10', 8],
      ['12|3', 15],
      ['12 OR 3', 15],
      ['12 XOR 10', 6],
      ['~0', -1],
      ['~6', -7],
      ['NOT 6', -7],
      ['~~6', 6],
      ['-1 AND 255', 255],
      ['-256 AND 0xFFFF', 65280],
      ['7.9 AND 3.9', 3],
      ['-7.9 OR 0', -7],
    ]);
  });

  test('values with bit 31 set, given as doubles or hex, keep their bits', () => {
    expect(calcUInt32('3000000000 OR 0')).toBe(3000000000);
    expect(calcUInt32('-1294967296 OR 0')).toBe(3000000000);
    expect(calcUInt32('0xF0F0F0F0 AND 0xFF00FF00')).toBe(0xf000f000);
    expect(calcUInt32('0xF0F0F0F0 XOR 0x0FFFFFFF')).toBe(0xff0f0f0f);
    expect(calcUInt32('~0xF0F0F0F0')).toBe(0x0f0f0f0f);
    expect(calcUInt32('a:=0xF0F0F0F0; b:=0xFF00FF00; a OR b')).toBe(0xfff0fff0);
    expect(calcUInt32('4294967295.5 AND 0xFFFF')).toBe(0xffff);
  });

  test('out-of-range values as gcc on x86-64 converts them', () => {
    expectResults([
      // positive: the low 32 bits of a 64-bit conversion
      ['4294967296 OR 0', 0],
      ['4294967297 OR 0', 1],
      // 2^63 and above, Inf and NaN: the 64-bit conversion is 0x8000000000000000, low bits 0
      ['1e19 OR 0', 0],
      ['Inf OR 0', 0],
      ['NaN OR 5', 5],
      // negative beyond epicsInt32: INT_MIN
      ['-3e9 OR 0', -2147483648],
      ['-Inf OR 0', -2147483648],
    ]);
  });

  test('<< >> >>> take the shift count modulo 32', () => {
    expectResults([
      ['1<<4', 16],
      ['1<<31', -2147483648],
      ['1<<32', 1],
      ['3<<33', 6],
      ['256>>4', 16],
      ['-256>>4', -16],
      ['-256>>>4', 268435440],
      ['-1>>>0', 4294967295],
      ['-1>>>31', 1],
      ['1024>>>1>>>2', 128],
      ['1<<2<<3', 32],
      ['5.9<<1.9', 10],
    ]);
    expect(calcUInt32('0xF0000000 >> 4')).toBe(0xff000000);
    expect(calcUInt32('0xF0000000 >>> 4')).toBe(0x0f000000);
    expect(calcUInt32('0x0F000000 << 4')).toBe(0xf0000000);
  });
});

describe('precedence across levels (postfix.c priorities: ?: 0, | || OR XOR 1, & && AND << >> >>> 2, relations 3, + - 4, * / % 5, ** ^ 6, unary 7)', () => {
  test('each pair of levels', () => {
    expectResults([
      ['1?2:3|4', 2],
      ['0?2:3|4', 7],
      ['0?1:6&3', 2],
      ['1 XOR 6 | 1', 7],
      ['(1 XOR 6) | 1', 7],
      ['6 | 1 XOR 1', 6],
      ['4|3&1', 5],
      ['1|2>1', 1],
      ['1 OR 5>4', 1],
      ['8|3-1', 10],
      ['8|6/2', 11],
      ['1|2**2', 5],
      ['5&4==4', 1],
      ['2<<1+1', 8],
      ['1<<3==8', 1],
      ['64>>2!=0', 32],
      ['64>>>2!=0', 32],
      ['3>1?5:6', 5],
      ['2+3*4', 14],
      ['2*3+4', 10],
      ['10-6/2', 7],
      ['7+8%3', 9],
      ['2*3**2', 18],
      ['!0+1', 2],
      ['~1+1', -1],
      ['1 AND -2', 0],
      ['3 AND -2', 2],
      ['2+(1?(2>1):(2<1))*3', 5],
      ['(2|1)**2', 9],
      ['1+(2|1)**2', 10],
    ]);
  });

  test('a function name without parentheses takes the operand after it', () => {
    expectResults([
      ['ABS -3', 3],
      ['SQRT 16 + 1', 5],
      ['-ABS -2', -2],
    ]);
  });
});

describe('assignments and ; (STORE_OPERATOR, EXPR_TERMINATOR)', () => {
  test('each of A..L can be assigned, and the assignment writes into the arguments', () => {
    for (const [index, name] of 'ABCDEFGHIJKL'.split('').entries()) {
      const args = Float64Array.from({ length: 12 }, (_, i) => i + 1);
      expect(calc(`${name.toLowerCase()} := 40+2; ${name}`, args)).toBe(42);
      expect(args[index]).toBe(42);
      expect(args.filter((value) => value === 42)).toHaveLength(1);
    }
  });

  test("the first expression's value is the result when later ones only assign", () => {
    const args = Float64Array.from({ length: 12 }, (_, i) => i + 1);
    expect(calc('C*2; C:=0; D:=C+1', args)).toBe(6);
    expect(args[2]).toBe(0);
    expect(args[3]).toBe(1);
  });

  test('an assignment is evaluated whole before storing', () => {
    const args = Float64Array.from({ length: 12 }, (_, i) => i + 1);
    expect(calc('A:=B*10+C; A', args)).toBe(23);
    expect(calc('(E):=5; E', args)).toBe(5);
  });
});
