// Shifts: << >> >>> with constant and variable counts, on signed and unsigned values of every
// width. `>>` is arithmetic on a signed value and logical on a 32-bit unsigned one; `>>>` is
// always logical; counts are taken modulo 32 (as the machine does).
import { check, check_summary } from '../lib/check';

let gs: i32 = -256;
let gu: u32 = 0xffffff00;
let gcount: i32 = 4;

function constantCounts(): void {
  let s: i32 = -256;
  let u: u32 = 0xffffff00;
  check(s << 4 == -4096);
  check(s >> 4 == -16);
  check(s >>> 4 == 0x0ffffff0);
  check(u << 4 == 0xfffff000);
  check(u >> 4 == 0x0ffffff0);     // u32: logical
  check(u >>> 4 == 0x0ffffff0);
  check(s >> 31 == -1);
  check(s >>> 31 == 1);
  check(u >> 31 == 1);
  let one: i32 = 1;
  check(one << 31 == -2147483647 - 1);
  check(one << 31 < 0);            // i32 << keeps i32
  check(s >> 0 == -256);
  check(s >>> 0 == 0xffffff00);
  check(s >>> 0 > 0);              // >>> is u32: this compare is unsigned
  check(one << 32 == 1);           // the count is taken modulo 32
  check(s >> 36 == -16);
}

function variableCounts(): void {
  let s: i32 = -256;
  let u: u32 = 0xffffff00;
  let c: i32 = 4;
  check(s << c == -4096);
  check(s >> c == -16);
  check(s >>> c == 0x0ffffff0);
  check(u << c == 0xfffff000);
  check(u >> c == 0x0ffffff0);
  check(u >>> c == 0x0ffffff0);
  let c31: i32 = 31;
  check(s >> c31 == -1);
  check(s >>> c31 == 1);
  let c32: i32 = 32;
  check(s << c32 == -256);
  check(s >> c32 == -256);
  let c33: i32 = 33;
  check(s >> c33 == -128);
  check(u >>> c33 == 0x7fffff80);
  let cneg: i32 = -1;               // taken modulo 32: 31
  check(s >>> cneg == 1);
  let c0: i32 = 0;
  check(s >> c0 == -256);
  check(u >> c0 == 0xffffff00);
  // Globals as operands and as the count.
  check(gs >> gcount == -16);
  check(gu >> gcount == 0x0ffffff0);
  check(gs << gcount == -4096);
  check(gs >>> gcount == 0x0ffffff0);
  // An unsigned narrow count changes nothing for a signed value.
  let c8: u8 = 4;
  check(s >> c8 == -16);
  let ns: i32 = 1;
  check(((ns << c) >> c) == 1);
}

function narrow(): void {
  let a: i8 = -128;
  check(a >> 1 == -64);
  check(a >>> 1 == 0x7fffffc0);    // the i8 is sign-extended to 32 bits first
  check(a >>> 28 == 15);
  let b: u8 = 200;
  check(b >> 1 == 100);
  check(b << 4 == 3200);           // i32: no wrap before a store
  let r: u8 = b << 4;
  check(r == 128);
  let c: i16 = -2;
  check(c >> 16 == -1);
  check(c << 15 == -65536);
  let d: u16 = 0x8000;
  check(d >> 15 == 1);
  check(d << 16 == -2147483647 - 1);
  let n: i32 = 3;
  check(a >> n == -16);
  check(b >> n == 25);
  let k: i8 = 100;
  k = k << 1;
  check(k == -56);
}

function compound(): void {
  let s: i32 = -256;
  s >>= 4;
  check(s == -16);
  s <<= 2;
  check(s == -64);
  s >>>= 28;
  check(s == 15);
  let u: u32 = 0x80000000;
  u >>= 31;
  check(u == 1);
  let c: i32 = 3;
  let v: i32 = -64;
  v >>= c;
  check(v == -8);
  v >>>= c;
  check(v == 0x1fffffff);
  v <<= c;
  check(v == -8);
  let w: u32 = 0xf0000000;
  w >>= c;
  check(w == 0x1e000000);
  let b: i8 = -128;
  b >>= 1;
  check(b == -64);
  b <<= 2;
  check(b == 0);                   // -256 wraps to 0
  let h: u16 = 0xffff;
  h <<= 4;
  check(h == 0xfff0);
  h >>= c;
  check(h == 0x1ffe);
  gs >>= gcount;
  check(gs == -16);
  gu >>= gcount;
  check(gu == 0x0ffffff0);
}

function folded(): void {
  check(-256 >> 4 == -16);
  check(-256 >>> 4 == 0x0ffffff0);
  check(0xffffff00 >> 4 == 0x0ffffff0);
  check(1 << 31 < 0);
  check(-1 >>> 0 > 0);
  check(1 << 33 == 2);
  const a: i8 = -128;
  check(a >>> 1 == 0x7fffffc0);
}

export function main(): i32 {
  constantCounts();
  variableCounts();
  narrow();
  compound();
  folded();
  return check_summary();
}
