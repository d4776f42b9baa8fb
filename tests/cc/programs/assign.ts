// Compound assignment (+= -= *= /= %= &= |= ^= <<= >>= >>>=) and ++/-- (prefix and postfix, as
// statements and as values) on locals in registers and in the frame, globals, structure fields
// (reached through a register, a global pointer and a call) and memory; narrow types wrap.
import { check, check_summary } from '../lib/check';

@unmanaged class Box { b: u8; s: i16; w: i32; u: u32 }

let g: i32 = 10;
let g8: i8 = 127;
let gu8: u8 = 0;
let g16: u16 = 65535;
let gu: u32 = 0;
let boxAddr: usize = 0;
let calls: i32 = 0;

function theBox(): Box { calls++; return changetype<Box>(boxAddr); }

function locals(): void {
  let x: i32 = 10;
  x += 5; check(x == 15);
  x -= 20; check(x == -5);
  x *= -3; check(x == 15);
  x /= 4; check(x == 3);
  x %= 2; check(x == 1);
  x |= 6; check(x == 7);
  x &= 5; check(x == 5);
  x ^= 0xff; check(x == 250);
  x <<= 4; check(x == 4000);
  x >>= 2; check(x == 1000);
  x = -x;
  x >>>= 28; check(x == 15);
  // Compound with a non-constant right side, and the value of the assignment.
  let y: i32 = 3;
  x += y * 2; check(x == 21);
  let v = (x -= y);
  check(v == 18 && x == 18);
  v = (x *= y);
  check(v == 54);
  let d: i32 = -7;
  x /= d; check(x == -7);
  x %= y; check(x == -1);
  let u: u32 = 0xfffffff0;
  u /= y; check(u == 0x55555550);
  let s: i32 = -16;
  let k: u32 = 3;
  s /= k;                          // i32 / u32 is unsigned: 0xfffffff0 / 3
  check(s == 0x55555550);
  // Chained assignment.
  let a: i32 = 0;
  let b: i32 = 0;
  a = b = 42;
  check(a == 42 && b == 42);
}

function incDec(): void {
  let i: i32 = 5;
  check(i++ == 5); check(i == 6);
  check(++i == 7); check(i == 7);
  check(i-- == 7); check(i == 6);
  check(--i == 5); check(i == 5);
  i++; ++i; i--; --i; i++;
  check(i == 6);
  let m: i32 = 0x7fffffff;
  m++;
  check(m == -2147483647 - 1);
  let u: u32 = 0;
  u--;
  check(u == 0xffffffff);
  // Narrow locals wrap.
  let a: u8 = 255;
  check(a++ == 255);
  check(a == 0);
  check(--a == 255);
  let b: i8 = -128;
  check(b-- == -128);
  check(b == 127);
  check(++b == -128);
  let c: u16 = 0;
  c--;
  check(c == 65535);
  let e: i16 = 32767;
  e++;
  check(e == -32768);
  // In expressions.
  let j: i32 = 1;
  let r = j++ + j++ + ++j;          // 1 + 2 + 4
  check(r == 7 && j == 4);
}

function globals(): void {
  g += 5; check(g == 15);
  g *= 2; check(g == 30);
  g /= 7; check(g == 4);
  g <<= 3; check(g == 32);
  g -= 40; check(g == -8);
  g >>= 1; check(g == -4);
  g %= 3; check(g == -1);
  check(g++ == -1); check(g == 0);
  check(--g == -1);
  g8++;
  check(g8 == -128);
  g8 -= 1;
  check(g8 == 127);
  check(g8++ == 127);
  check(g8 == -128);
  gu8 -= 1;
  check(gu8 == 255);
  gu8 += 2;
  check(gu8 == 1);
  check(gu8-- == 1);
  check(gu8-- == 0);
  check(gu8 == 255);
  g16 += 1;
  check(g16 == 0);
  g16 -= 2;
  check(g16 == 65534);
  g16 *= 3;
  check(g16 == 65530);             // 196602 & 0xffff
  gu--;
  check(gu == 0xffffffff);
  gu >>= 4;
  check(gu == 0x0fffffff);
  let c: i32 = 2;
  gu >>>= c;
  check(gu == 0x03ffffff);
  gu /= c;
  check(gu == 0x01ffffff);
}

function fields(): void {
  boxAddr = memory.data(sizeof<Box>(), 4);
  const bx = changetype<Box>(boxAddr);     // reached through a register
  bx.b = 250;
  bx.s = 32767;
  bx.w = 100;
  bx.u = 0;
  bx.b += 10;
  check(bx.b == 4);
  bx.s += 1;
  check(bx.s == -32768);
  check(bx.s-- == -32768);
  check(bx.s == 32767);
  bx.w *= 3;
  check(bx.w == 300);
  check(++bx.w == 301);
  check(bx.w++ == 301);
  check(bx.w == 302);
  bx.u--;
  check(bx.u == 0xffffffff);
  bx.u >>= 28;
  check(bx.u == 15);
  // Through a call: the call happens once per access.
  calls = 0;
  theBox().w += 8;
  check(calls == 1);
  check(bx.w == 310);
  theBox().w /= 7;
  check(bx.w == 44);
  theBox().w %= 5;
  check(bx.w == 4);
  let n: i32 = 3;
  theBox().w <<= n;
  check(bx.w == 32);
  theBox().b -= 5;
  check(bx.b == 255);
  check(theBox().b++ == 255);
  check(bx.b == 0);
  check(theBox().s-- == 32767);
  check(bx.s == 32766);
  check(++theBox().w == 33);
  check(calls == 8);
  // Through a pointer kept in a global.
  changetype<Box>(boxAddr).w -= 40;
  check(bx.w == -7);
  changetype<Box>(boxAddr).w++;
  check(bx.w == -6);
  // Memory reached with load/store around an assignment.
  store<i32>(boxAddr, load<i32>(boxAddr, offsetof<Box>("w")) * 2, offsetof<Box>("w"));
  check(bx.w == -12);
}

let src: i32 = 5;
function next(): i32 { return src > 0 ? src-- : 0; }

@unmanaged class P { a: i32; b: u8; c: i16 }

/** Assignments are expressions: their value is what was stored (wrapped to the target's type). */
function asValues(): void {
  let c = 0, n = 0, s = 0;
  while ((c = next()) != 0) { n++; s += c; }
  check(n == 5 && s == 15 && c == 0);
  let x = 4;
  x = x++;
  check(x == 4);
  let y: u8 = 0;
  const p = changetype<P>(memory.data(8, 4));
  let z = (p.a = 7) + (gu8 = 300) + (y = 511);
  check(z == 7 + 44 + 255 && p.a == 7 && gu8 == 44 && y == 255);
  z = (p.b += 250) + (p.c -= 1);
  check(z == 250 - 1);
  z = (p.b += 10);
  check(z == 4 && p.b == 4);
  z = p.c++ + p.c;
  check(z == -1 + 0);
  check(p.a++ == 7 && p.a == 8);
  let q = 10;
  q = q > 5 ? q - 1 : q + 1;
  check(q == 9);
  let w: u16 = 65535;
  w = w > 0 ? w + 1 : 0;
  check(w == 0);
}

export function main(): i32 {
  locals();
  incDec();
  globals();
  fields();
  asValues();
  return check_summary();
}
