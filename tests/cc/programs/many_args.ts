// Many arguments: every position reaches its parameter (cdecl, pushed right to left), with mixed
// types (narrow ones wrapped per position), computed arguments, forwarding to another call,
// recursion, a function value, and arguments that are themselves calls with many arguments.
import { check, check_summary } from '../lib/check';

@unmanaged class P { x: i32 }

type Ten = (a: i32, b: i32, c: i32, d: i32, e: i32, f: i32, g: i32, h: i32, i: i32, j: i32) => i32;

function ten(a: i32, b: i32, c: i32, d: i32, e: i32, f: i32, g: i32, h: i32, i: i32, j: i32): i32 {
  return a * 1 + b * 2 + c * 4 + d * 8 + e * 16 + f * 32 + g * 64 + h * 128 + i * 256 + j * 512;
}

function mixed(a: i8, b: u8, c: i16, d: u16, e: i32, f: u32, g: bool, h: usize, p: P, q: (x: i32) => i32, k: i8, l: u8): bool {
  return a == -1 && b == 255 && c == -1 && d == 65535 && e == -1 && f == 0xffffffff && g && h == 0x12345678 &&
    p.x == 77 && q(1) == 2 && k == -128 && l == 128;
}

function sixteen(a: i32, b: i32, c: i32, d: i32, e: i32, f: i32, g: i32, h: i32,
                 i: i32, j: i32, k: i32, l: i32, m: i32, n: i32, o: i32, p: i32): i32 {
  // Each parameter in its place: a polynomial in 3.
  let r = 0;
  r = r * 3 + a; r = r * 3 + b; r = r * 3 + c; r = r * 3 + d;
  r = r * 3 + e; r = r * 3 + f; r = r * 3 + g; r = r * 3 + h;
  r = r * 3 + i; r = r * 3 + j; r = r * 3 + k; r = r * 3 + l;
  r = r * 3 + m; r = r * 3 + n; r = r * 3 + o; r = r * 3 + p;
  return r;
}

function sixteenRef(): i32 {
  let r = 0;
  for (let v = 1; v <= 16; v++) r = r * 3 + v;
  return r;
}

function forward(a: i32, b: i32, c: i32, d: i32, e: i32, f: i32, g: i32, h: i32, i: i32, j: i32): i32 {
  return ten(j, i, h, g, f, e, d, c, b, a);
}

function countdown(n: i32, a: i32, b: i32, c: i32, d: i32, e: i32, f: i32, g: i32): i32 {
  if (n == 0) return a + b + c + d + e + f + g;
  return countdown(n - 1, b, c, d, e, f, g, a + 1);
}

function double(x: i32): i32 { return x * 2; }

/** Optional parameters with constant defaults (a missing one without a default is 0). */
function defaults(a: i32, b: i32 = 5, c: u8 = 300, d?: i32): i32 {
  return a * 1000000 + b * 10000 + c * 10 + d!;
}

export function main(): i32 {
  check(ten(1, 0, 0, 0, 0, 0, 0, 0, 0, 0) == 1);
  check(ten(0, 0, 0, 0, 0, 0, 0, 0, 0, 1) == 512);
  check(ten(1, 1, 1, 1, 1, 1, 1, 1, 1, 1) == 1023);
  check(ten(1, 0, 1, 0, 1, 0, 1, 0, 1, 0) == 341);
  let x = 3;
  check(ten(x, x + 1, x * 2, x - 3, -x, x << 2, x >> 1, x ^ 1, x | 8, x & 1) ==
    3 + 4 * 2 + 6 * 4 + 0 * 8 + -3 * 16 + 12 * 32 + 1 * 64 + 2 * 128 + 11 * 256 + 1 * 512);
  const p = changetype<P>(memory.data(4, 4));
  p.x = 77;
  check(mixed(-1, 255, -1, 65535, -1, 0xffffffff, true, 0x12345678, p, double, -128, 128));
  // Narrow parameters wrap, whatever the position.
  check(mixed(255, -1, 65535, -1, -1, -1, true, 0x12345678, p, double, 128, -128));
  check(!mixed(-1, 255, -1, 65535, -1, 0xffffffff, false, 0x12345678, p, double, -128, 128));
  check(sixteen(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16) == sixteenRef());
  check(forward(1, 2, 3, 4, 5, 6, 7, 8, 9, 10) == ten(10, 9, 8, 7, 6, 5, 4, 3, 2, 1));
  check(countdown(7, 1, 2, 3, 4, 5, 6, 7) == 28 + 7);
  check(countdown(0, 1, 2, 3, 4, 5, 6, 7) == 28);
  // Arguments that are calls with many arguments.
  check(ten(ten(1, 0, 0, 0, 0, 0, 0, 0, 0, 0), ten(0, 1, 0, 0, 0, 0, 0, 0, 0, 0), 0, 0, 0, 0, 0, 0, 0, 0) == 1 + 2 * 2);
  // Optional parameters.
  check(defaults(1) == 1000000 + 50000 + 440);      // b = 5, c = 300 wrapped to 44, d = 0
  check(defaults(1, 2) == 1020440);
  check(defaults(1, 2, 3) == 1020030);
  check(defaults(1, 2, 3, 4) == 1020034);
  // Through a function value.
  const f: Ten = ten;
  check(f(0, 0, 0, 0, 0, 0, 0, 0, 1, 0) == 256);
  return check_summary();
}
