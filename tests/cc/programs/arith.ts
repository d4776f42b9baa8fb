// Arithmetic per type and signedness: + - * / % and the bitwise operators on i8 u8 i16 u16 i32
// u32 usize, 32-bit wrapping, C's promotion (an operation is u32 when either operand is 32-bit
// unsigned, else i32), and narrow types wrapping when stored into a local, a global, a field, a
// parameter, a return value or memory. Operands are locals (never folded) unless said otherwise.
import { check, check_summary } from '../lib/check';

@unmanaged class Narrow { a: i8; b: u8; c: i16; d: u16; e: i32 }

let gi8: i8 = 0;
let gu8: u8 = 0;
let gi16: i16 = 0;
let gu16: u16 = 0;

function takeI8(x: i8): i32 { return x; }
function takeU8(x: u8): i32 { return x; }
function takeI16(x: i16): i32 { return x; }
function takeU16(x: u16): i32 { return x; }
function retU8(x: i32): u8 { return x; }
function retI8(x: i32): i8 { return x; }
function retI16(x: i32): i16 { return x; }
function retU16(x: i32): u16 { return x; }

function int8(): void {
  let a: i8 = 100;
  let b: i8 = 100;
  let r: i8 = a + b;
  check(r == -56);                 // 200 wraps on the store
  check(a + b == 200);             // the operation itself is i32
  r = a * 3;
  check(r == 44);                  // 300 & 0xff
  let m: i8 = -128;
  r = m - 1;
  check(r == 127);
  check(m - 1 == -129);
  r = -m;
  check(r == -128);
  check(-m == 128);
  let n: i8 = -7;
  let d: i8 = 2;
  check(n / d == -3);              // truncates toward zero
  check(n % d == -1);              // the sign of the dividend
  let one: i8 = -1;
  check(m / one == 128);
  r = m / one;
  check(r == -128);
  check((n & 0xff) == 249);
  check((n | 0x100) == -7);
  check((n ^ -1) == 6);
  check(~n == 6);
  let big: i8 = 127;
  big++;
  check(big == -128);
}

function uint8(): void {
  let a: u8 = 200;
  let b: u8 = 100;
  let r: u8 = a + b;
  check(r == 44);
  check(a + b == 300);
  r = b - a;
  check(r == 156);
  check(b - a == -100);            // u8 - u8 is i32
  r = a * b;
  check(r == 32);                  // 20000 & 0xff
  check(a * b == 20000);
  check(a / 3 == 66);
  check(a % 7 == 4);
  let z: u8 = 0;
  z = z - 1;
  check(z == 255);
  let neg: u8 = -1;
  check(neg == 255);
  check(~a == -201);
  r = ~a;
  check(r == 55);
  check((a ^ 0xff) == 55);
}

function int16(): void {
  let a: i16 = 30000;
  let r: i16 = a + a;
  check(r == -5536);
  check(a + a == 60000);
  let m: i16 = -32768;
  r = m - 1;
  check(r == 32767);
  let x: i16 = 300;
  r = x * x;
  check(r == 24464);               // 90000 - 65536
  let mm: i16 = -1;
  r = m / mm;
  check(r == -32768);
  check(m / mm == 32768);
  let n: i16 = -1000;
  let d: i16 = 7;
  check(n / d == -142);
  check(n % d == -6);
  check(d % n == 7);
}

function uint16(): void {
  let a: u16 = 65535;
  let r: u16 = a + 1;
  check(r == 0);
  check(a + 1 == 65536);
  let z: u16 = 0;
  r = z - 1;
  check(r == 65535);
  let b: u16 = 40000;
  r = b * 2;
  check(r == 14464);
  check(b * 2 == 80000);
  let c: u16 = 60000;
  check(c / 7 == 8571);
  check(c % 7 == 3);
  check(c * c == -694967296);       // 3600000000 as i32: u16 * u16 is i32 and wraps
}

function int32(): void {
  let max: i32 = 0x7fffffff;
  let min: i32 = -2147483647 - 1;
  check(max + 1 == min);
  check(min - 1 == max);
  check(-min == min);
  let big: i32 = 65536;
  check(big * big == 0);
  let x: i32 = 0x12345678;
  let y: i32 = 0x10;
  check(x * y == 0x23456780);
  check(x * -3 == -916259688);
  let a: i32 = -7;
  let b: i32 = 2;
  check(a / b == -3);
  check(a % b == -1);
  let c: i32 = 7;
  let nb: i32 = -2;
  check(c % nb == 1);
  check(a / nb == 3);
  check(a % nb == -1);
  check(min / b == -1073741824);
  check(min % 3 == -2);
  check((x & 0xff00ff) == 0x340078);
  check((x | -0x10000000) == -0x0dcba988);
  check((x ^ x) == 0);
  check(~x == -0x12345679);
}

function uint32(): void {
  let max: u32 = 0xffffffff;
  check(max + 1 == 0);
  let z: u32 = 0;
  check(z - 1 == max);
  check(max / 2 == 0x7fffffff);    // unsigned division
  check(max % 10 == 5);
  let h: u32 = 0x80000000;
  check(h / 3 == 715827882);
  check(h % 3 == 2);
  let u: u32 = 10;
  let s: i32 = -1;
  check(u / s == 0);               // i32 -1 is 0xffffffff as an unsigned divisor
  check(s / u == 429496729);       // and 4294967295 as an unsigned dividend
  check(s % u == 5);
  let m: u32 = 100000;
  check(m * m == 1410065408);      // 10^10 mod 2^32
  check(max * max == 1);
  let n8: i8 = -2;
  check(h / n8 == 0);              // the i8 becomes 0xfffffffe
  check(max / n8 == 1);
}

function usizeOps(): void {
  let p: usize = 0x1000;
  let d: i32 = -4;
  check(p + d == 0xffc);
  check(p - 0x2000 == 0xfffff000);
  let big: usize = 0xfffffff0;
  check(big / 16 == 0x0fffffff);
  check(big % 7 == 0xfffffff0 % 7);
  let e: i32 = -16;
  check(big / e == 1);              // unsigned: both are 0xfffffff0
  check((big & 0xff) == 0xf0);
}

function mixed(): void {
  let a: i8 = -2;
  let b: u8 = 200;
  check(a * b == -400);            // i8 * u8 is i32
  let c: u16 = 60000;
  check(c / a == -30000);          // u16 / i8 is signed: neither is 32-bit unsigned
  check(c % a == 0);
  let d: i16 = -3;
  check(b + d == 197);
  check(d - c == -60003);
  let e: u32 = 5;
  check(a + e == 3);
  check(a * e == 0xfffffff6);
  check(a / e == 858993458);       // 0xfffffffe / 5, unsigned
}

function stores(): void {
  // Globals.
  let v: i32 = 0x1ff;
  gi8 = v;
  gu8 = v;
  gi16 = 0x18000;
  gu16 = -1;
  check(gi8 == -1);
  check(gu8 == 255);
  check(gi16 == -32768);
  check(gu16 == 65535);
  gi8 = gu8;
  check(gi8 == -1);
  gu16 = gi8;
  check(gu16 == 65535);
  // Fields.
  const n = changetype<Narrow>(memory.data(sizeof<Narrow>(), 4));
  n.e = 0x12345678;
  n.a = v;
  n.b = v;
  n.c = 0x18000;
  n.d = 0x18000;
  check(n.a == -1);
  check(n.b == 255);
  check(n.c == -32768);
  check(n.d == 32768);
  check(n.e == 0x12345678);        // the narrow stores did not spill over
  // Memory through store<T>.
  const p = memory.data(8, 4);
  store<u32>(p, 0xaabbccdd);
  store<u8>(p, 0x1ee);
  check(load<u32>(p) == 0xaabbccee);
  store<u16>(p, 0x12345);
  check(load<u32>(p) == 0xaabb2345);
  check(load<i8>(p, 1) == 0x23);
  check(load<i8>(p, 3) == -86);    // 0xaa sign-extended
  check(load<u8>(p, 3) == 0xaa);
  check(load<i16>(p, 2) == -21829); // 0xaabb
  check(load<u16>(p, 2) == 0xaabb);
  // Parameters and results.
  check(takeI8(v) == -1);
  check(takeU8(v) == 255);
  check(takeI8(200) == -56);
  check(takeU8(-56) == 200);
  check(takeI16(0x18000) == -32768);
  check(takeU16(-1) == 65535);
  check(retU8(300) == 44);
  check(retI8(200) == -56);
  check(retI16(40000) == -25536);
  check(retU16(-2) == 65534);
  // A local whose type is inferred from an operation is i32.
  let w = gu8 + gu8;
  w = w + 1;
  check(w == 511);
}

/** Conversions: `<T>x`, `x as T` and changetype<T> wrap to a narrow type, keep the bits otherwise. */
function conversions(): void {
  let v: i32 = 200;
  check(<i8>v == -56);
  check((v as i8) == -56);
  check(<i8>200 == -56);
  check((0x1ff as u8) == 255);
  let w: i32 = 0x18765;
  check(<i16>w == -30875);
  check((w as u16) == 0x8765);
  let m: i32 = -1;
  check((m as u32) == 0xffffffff);
  check((m as u32) > 0);           // the same bits, now unsigned
  let big: u32 = 0xffffffff;
  check((big as i32) < 0);
  check(changetype<u8>(w) == 0x65);
  check(changetype<i8>(0x80) == -128);
  let s: i8 = -1;
  check((s as u8) == 255);
  check((s as u16) == 65535);
  check((s as u32) == 0xffffffff);
  let b: u8 = 255;
  check((b as i8) == -1);
  check((b as i32) == 255);
}

/** The same operations with constant operands: the compiler folds them with the same rules. */
function folded(): void {
  const a: i8 = 100;
  let r: i8 = a + a;
  check(r == -56);
  check(a + a == 200);
  const u: u32 = 0xffffffff;
  check(u / 2 == 0x7fffffff);
  check(u % 10 == 5);
  const s: i32 = -1;
  check(s / 2 == 0);
  check(-7 % 2 == -1);
  check(-7 / 2 == -3);
  check(u + 1 == 0);
  check(0x7fffffff + 1 == -2147483647 - 1);
  check(65536 * 65536 == 0);
  const c: u16 = 60000;
  check(c * c == -694967296);
  const m: i8 = -2;
  check(0x80000000 / m == 0);
  let q: u8 = 300;
  check(q == 44);
}

export function main(): i32 {
  int8();
  uint8();
  int16();
  uint16();
  int32();
  uint32();
  usizeOps();
  mixed();
  stores();
  conversions();
  folded();
  return check_summary();
}
