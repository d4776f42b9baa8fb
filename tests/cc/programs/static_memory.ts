// Static memory: memory.data(size, align) is zeroed and aligned (16 by default), each call site is
// one block with one address for the whole run; memory.data<T>([values], align) is initialised
// with values of T (wrapped to T), aligned to T's size by default, and writable.
import { check, check_summary } from '../lib/check';

const odd1 = memory.data(1, 1);
const a2 = memory.data(2, 2);
const odd2 = memory.data(3, 1);
const a8 = memory.data(8, 8);
const odd3 = memory.data(1, 1);
const a64 = memory.data(64, 64);
const odd4 = memory.data(5, 1);
const page = memory.data(4096, 4096);
const odd5 = memory.data(1, 1);
const dflt = memory.data(20);

const halves = memory.data<u16>([1, 2, 0xffff, 0x12345]);
const bytes = memory.data<i8>([-1, 127, -128, 200]);
const ubytes = memory.data<u8>([1, 255, 256, -1], 16);
const words = memory.data<u32>([0xdeadbeef, 1, -1]);
const signedHalves = memory.data<i16>([-2, 0x8000]);
const strings = memory.data<usize>([changetype<usize>("ab"), changetype<usize>("cd")]);

/** The same block on every call. */
function scratch(): usize { return memory.data(16, 4); }

function aligned(p: usize, a: u32): bool { return (p & (a - 1)) == 0; }

function alignment(): void {
  check(aligned(a2, 2));
  check(aligned(a8, 8));
  check(aligned(a64, 64));
  check(aligned(page, 4096));
  check(aligned(dflt, 16));
  check(aligned(halves, 2));
  check(aligned(words, 4));
  check(aligned(ubytes, 16));
  check(aligned(strings, 4));
  // Distinct blocks do not overlap.
  check(odd1 != odd3 && odd3 != odd5 && a2 != a8 && a64 != page);
  check(a64 + 64 <= page || page + 4096 <= a64);
  check(odd2 + 3 <= a8 || a8 + 8 <= odd2);
}

function zeroed(): void {
  let nonzero = 0;
  for (let i: u32 = 0; i < 4096; i += 4) if (load<u32>(page, i) != 0) nonzero++;
  check(nonzero == 0);
  for (let i: u32 = 0; i < 64; i++) if (load<u8>(a64 + i) != 0) nonzero++;
  check(nonzero == 0);
  check(load<u32>(dflt) == 0 && load<u32>(dflt, 16) == 0);
  check(load<u8>(odd1) == 0 && load<u8>(odd5) == 0);
}

function initialised(): void {
  check(load<u16>(halves) == 1);
  check(load<u16>(halves, 2) == 2);
  check(load<u16>(halves, 4) == 0xffff);
  check(load<u16>(halves, 6) == 0x2345);       // wrapped to u16
  check(load<u32>(halves) == 0x00020001);
  check(load<i8>(bytes) == -1);
  check(load<i8>(bytes, 1) == 127);
  check(load<i8>(bytes, 2) == -128);
  check(load<i8>(bytes, 3) == -56);            // 200 as i8
  check(load<u8>(ubytes, 1) == 255);
  check(load<u8>(ubytes, 2) == 0);
  check(load<u8>(ubytes, 3) == 255);
  check(load<u32>(ubytes) == 0xff00ff01);
  check(load<u32>(words) == 0xdeadbeef);
  check(load<u32>(words, 4) == 1);
  check(load<i32>(words, 8) == -1);
  check(load<i16>(signedHalves) == -2);
  check(load<i16>(signedHalves, 2) == -32768);
  check(load<u8>(load<usize>(strings)) == 97);
  check(load<u8>(load<usize>(strings, 4), 1) == 100);
  // Initialised memory is writable.
  store<u16>(halves, 0xabcd, 2);
  check(load<u16>(halves, 2) == 0xabcd);
  check(load<u16>(halves) == 1 && load<u16>(halves, 4) == 0xffff);
}

function persistent(): void {
  const p = scratch();
  const q = scratch();
  check(p == q);
  check(load<u32>(p) == 0);
  store<u32>(p, 0x1234);
  check(load<u32>(scratch()) == 0x1234);
  check(aligned(p, 4));
  check(p != dflt && p != a64);
}

export function main(): i32 {
  alignment();
  zeroed();
  initialised();
  persistent();
  return check_summary();
}
