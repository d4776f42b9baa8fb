// Comparisons: signed unless either operand is 32-bit unsigned (u32, usize); narrow values compare
// as the i32 they promote to; == and != compare the 32-bit values. Each comparison is used both as
// a value (check's argument) and as a branch condition.
import { check, check_summary } from '../lib/check';

let gneg: i32 = -1;
let gbig: u32 = 0x80000000;
let gb8: u8 = 255;
let gs8: i8 = -1;

function branch(c: bool): i32 {
  return c ? 1 : 0;
}

function signed32(): void {
  let a: i32 = -1;
  let b: i32 = 1;
  check(a < b);
  check(a <= b);
  check(!(a > b));
  check(!(a >= b));
  check(a != b);
  check(!(a == b));
  let min: i32 = -2147483647 - 1;
  let max: i32 = 0x7fffffff;
  check(min < max);
  check(min < 0);
  check(max > 0);
  check(min <= min);
  check(max >= max);
  let r = 0;
  if (a < b) r = r + 1;
  if (a > b) r = r + 10;
  if (min < max) r = r + 100;
  if (a >= 0) r = r + 1000;
  check(r == 101);
}

function unsigned32(): void {
  let a: u32 = 0xffffffff;
  let b: u32 = 1;
  check(a > b);
  check(!(a < b));
  check(a >= b);
  check(b <= a);
  let h: u32 = 0x80000000;
  check(h > 0x7fffffff);
  check(h > 0);
  check(!(h < 1));
  let r = 0;
  if (a > b) r = r + 1;
  if (h >= 0x7fffffff) r = r + 10;
  if (a < b) r = r + 100;
  check(r == 11);
}

function mixedSignedness(): void {
  // An i32 compared with a u32 is compared as unsigned: -1 is the largest.
  let s: i32 = -1;
  let u: u32 = 1;
  check(s > u);
  check(u < s);
  check(!(s < u));
  check(s == 0xffffffff);
  let p: usize = 0x1000;
  check(s > p);
  check(gneg > gbig);
  check(gbig > 5);
  // Narrow values promote to i32: signed compare even for u8 against i8.
  let a: u8 = 200;
  let b: i8 = -1;
  check(a > b);
  check(b < a);
  check(a != b);
  let c: u16 = 65535;
  let d: i16 = -1;
  check(c > d);
  check(c != d);
  check(gb8 > gs8);
  check(gb8 != gs8);
  check(gs8 == -1);
  check(gs8 < 0);
  check(!(gb8 < 0));
  // An i8 against a u32: the i8 is sign-extended, then the compare is unsigned.
  let big: u32 = 0xffffff00;
  check(b > big);
  check(b == 0xffffffff);
  // Narrow against i32.
  let m: i32 = -129;
  let n: i8 = -128;
  check(m < n);
  check(n > m);
}

function asValues(): void {
  let a: i32 = 5;
  let b: i32 = 7;
  let t: bool = a < b;
  let f: bool = a > b;
  check(t);
  check(!f);
  check(t != f);
  check(branch(a < b) == 1);
  check(branch(a >= b) == 0);
  let n: i32 = (a < b ? 1 : 0) + (a <= b ? 1 : 0) + (a == b ? 1 : 0) + (a != b ? 1 : 0);
  check(n == 3);
  let u: u32 = 0xfffffffe;
  let x: bool = u > a;
  check(x);
  // Comparing a comparison's result.
  check((a < b) == (b > a));
  check((a < b) != (a > b));
}

function folded(): void {
  check(-1 < 1);
  check(0xffffffff > 1);
  check(!(0xffffffff < 1));
  const s: i32 = -1;
  const u: u32 = 1;
  check(s > u);
  const a: u8 = 200;
  const b: i8 = -1;
  check(a > b);
}

export function main(): i32 {
  signed32();
  unsigned32();
  mixedSignedness();
  asValues();
  folded();
  return check_summary();
}
