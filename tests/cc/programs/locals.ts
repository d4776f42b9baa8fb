// Register pressure: more locals live at once than there are registers (three are kept in EBX ESI
// EDI, the rest in frame slots), every operator and ++/-- on locals in frame slots, narrow locals
// in frame slots, parameters assigned to, expressions deep enough to need the stack, and live
// ranges (registers shared by variables that are never live at once; values carried by loops).
import { check, check_summary } from '../lib/check';

function id(x: i32): i32 { return x; }

function manyLive(seed: i32): i32 {
  let a = seed + 1, b = seed + 2, c = seed + 3, d = seed + 4, e = seed + 5, f = seed + 6;
  let g = seed + 7, h = seed + 8, i = seed + 9, j = seed + 10, k = seed + 11, l = seed + 12;
  for (let n = 0; n < 3; n++) {
    a += l; b += a; c += b; d += c; e += d; f += e;
    g += f; h += g; i += h; j += i; k += j; l += k;
  }
  return a ^ b ^ c ^ d ^ e ^ f ^ g ^ h ^ i ^ j ^ k ^ l;
}

function manyLiveRef(seed: i32): i32 {
  // The same computation with the values in static memory: the reference result.
  const v = memory.data(48, 4);
  for (let x: u32 = 0; x < 12; x++) store<i32>(v + x * 4, seed + 1 + x);
  for (let n = 0; n < 3; n++) {
    store<i32>(v, load<i32>(v) + load<i32>(v, 44));
    for (let x: u32 = 1; x < 12; x++) store<i32>(v + x * 4, load<i32>(v + x * 4) + load<i32>(v + (x - 1) * 4));
  }
  let r = 0;
  for (let x: u32 = 0; x < 12; x++) r ^= load<i32>(v + x * 4);
  return r;
}

function frameSlots(): void {
  // Four hot loop variables take the registers; these stay in the frame.
  let p: i32 = 100, q: i32 = -7, s: u32 = 0xfffffff0, n8: i8 = 127, u8v: u8 = 250, w16: i16 = 32767;
  let h1 = 0, h2 = 0, h3 = 0, h4 = 0;
  for (let x = 0; x < 10; x++) for (let y = 0; y < 10; y++) { h1++; h2 += 2; h3 += 3; h4 += 4; }
  check(h1 + h2 + h3 + h4 == 1000);
  p += 5; check(p == 105);
  p -= q; check(p == 112);
  p *= q; check(p == -784);
  p /= q; check(p == 112);
  p %= 10; check(p == 2);
  p <<= 4; check(p == 32);
  p >>= 1; check(p == 16);
  p |= 3; check(p == 19);
  p &= 0x11; check(p == 17);
  p ^= 0xff; check(p == 238);
  q >>= 1; check(q == -4);
  q >>>= 28; check(q == 15);
  s /= 16; check(s == 0x0fffffff);
  s >>= 4; check(s == 0x00ffffff);
  check(p++ == 238 && p == 239);
  check(--p == 238);
  n8++; check(n8 == -128);
  n8 -= 1; check(n8 == 127);
  u8v += 10; check(u8v == 4);
  check(u8v-- == 4 && u8v == 3);
  w16 += 1; check(w16 == -32768);
  w16 = w16 * 2; check(w16 == 0);
  // Frame slots as operands of every kind of expression.
  let r = p * q + s / 0x10000 - (u8v << 2);
  check(r == 238 * 15 + 255 - 12);
  check(p > q && s > p && n8 > u8v);
  check(id(p) + id(q) == 253);
}

function params(a: i32, b: u8, c: i16, d: u32): i32 {
  a += 1;
  b += 10;                           // a narrow parameter wraps when assigned
  c = c * 2;
  d >>= 1;
  a = a * 2 + b;
  return a + b + c + d;
}

function deep(a: i32, b: i32, c: i32): i32 {
  // The right operands are calls: the left ones wait on the stack.
  return a * b + (b * c - (c * a + (a - id(b) * (c + id(a * (b - id(c)))))));
}

function deepRef(a: i32, b: i32, c: i32): i32 {
  const x = a * (b - c);
  const y = a - b * (c + x);
  const z = c * a + y;
  return a * b + (b * c - z);
}

/** Variables whose ranges end and begin: registers are reused, never while a value is live. */
function reuse(n: i32): i32 {
  let total = 0;
  for (let i = 0; i < n; i++) {
    let a = i * 3;
    let b = a + 1;
    let c = b * 2;
    total += c - a;
  }
  let d = total * 2;
  let e = d + n;
  let acc = 0;
  let k = 0;
  while (k < 5) {
    let f = k + e;
    let g = f ^ k;
    acc += g;
    k++;
    if (k == 3) continue;
    acc += 1;
  }
  let h = 0;
  do { h += acc; } while (h < 1000);
  return acc + d + e + h;
}
function reuseRef(n: i32): i32 {
  let total = 0;
  for (let i = 0; i < n; i++) total += (i * 3 + 1) * 2 - i * 3;
  const d = total * 2, e = d + n;
  let acc = 0;
  for (let k = 0; k < 5; k++) { acc += (k + e) ^ k; if (k + 1 != 3) acc += 1; }
  let h = 0;
  while (true) { h += acc; if (h >= 1000) break; }
  return acc + d + e + h;
}
/** A value set before a loop nest, changed in the inner loop and used in the outer. */
function nest(): i32 {
  let carry = 1;
  let out = 0;
  for (let i = 0; i < 4; i++) {
    let row = i * 10;
    for (let j = 0; j < 3; j++) {
      let cell = row + j;
      carry = carry * 3 + cell;
      carry &= 0xffff;
    }
    out += carry;
    let tmp1 = out + 1, tmp2 = out + 2, tmp3 = out + 3, tmp4 = out + 4;
    out ^= tmp1 ^ tmp2 ^ tmp3 ^ tmp4;
  }
  return out;
}
function nestRef(): i32 {
  let carry = 1, out = 0;
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 3; j++) carry = (carry * 3 + i * 10 + j) & 0xffff;
    out += carry;
    out ^= (out + 1) ^ (out + 2) ^ (out + 3) ^ (out + 4);
  }
  return out;
}
/** A variable read in a loop before it is written there: the loop's next iteration needs it. */
function lagged(): i32 {
  let prev = 5;
  let s = 0;
  for (let i = 0; i < 6; i++) {
    s += prev * (i + 1);
    let x = id(i) * 7;
    let y = x + 2;
    prev = y;
  }
  return s;
}
function swap(): i32 {
  let a = 1, b = 2;
  for (let i = 0; i < 5; i++) { let t = a; a = b; b = t + b; }
  return a * 100 + b;
}
export function main(): i32 {
  check(manyLive(0) == manyLiveRef(0));
  check(manyLive(12345) == manyLiveRef(12345));
  check(manyLive(-99) == manyLiveRef(-99));
  frameSlots();
  check(params(1, 250, 20000, 0x80000000) == 8 + 4 - 25536 + 0x40000000);
  check(deep(3, 5, 7) == deepRef(3, 5, 7));
  check(deep(-11, 13, 17) == deepRef(-11, 13, 17));
  // Live ranges: registers reused by variables whose ranges do not overlap, values carried
  // around loops.
  check(reuse(10) == reuseRef(10));
  check(reuse(0) == reuseRef(0));
  check(nest() == nestRef());
  check(lagged() == 5 + 2 * 2 + 9 * 3 + 16 * 4 + 23 * 5 + 30 * 6);
  check(swap() == 1321);
  return check_summary();
}
