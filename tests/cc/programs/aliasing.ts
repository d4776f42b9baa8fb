// Memory changed behind the compiler's back must be read again: a global written through its
// address, a field written through another pointer to the same structure, a global or memory
// changed by a call, narrow and wide views of the same bytes, a device register read twice, and a
// loop that re-reads memory another function updates. (docs/language.md: within a basic block a
// load of a value a register holds may be dropped; a store or a call must forget what it changes.)
import { check, check_summary } from '../lib/check';

@unmanaged class Pair { a: i32; b: i32 }

let g: i32 = 1;
let g8: u8 = 1;
const CELL = memory.data(8, 4);

function bumpG(): void { g = g + 10; }
function bumpCell(): void { store<i32>(CELL, load<i32>(CELL) + 1); }
function setPairA(p: Pair, v: i32): void { p.a = v; }
function nothing(): void {}

function globals(): void {
  g = 1;
  const before = g;
  store<i32>(symbol("g"), 5);
  check(g == 5);
  check(before == 1);
  let x = g;
  bumpG();
  check(g == x + 10);
  x = g + g;
  store<i32>(symbol("g"), 7);
  x = x + g;
  check(x == 15 + 15 + 7);
  g8 = 200;
  store<u8>(symbol("g8"), 3);
  check(g8 == 3);
  g8 = g8 + 1;
  check(load<u8>(symbol("g8")) == 4);
}

function fields(): void {
  const mem = memory.data(8, 4);
  const p = changetype<Pair>(mem);
  const q = changetype<Pair>(mem);
  p.a = 1;
  q.a = 2;
  check(p.a == 2);
  p.b = p.a + 1;
  q.b = 10;
  check(p.b == 10);
  check(p.a + p.b == 12);
  setPairA(q, 40);
  check(p.a == 40);
  store<i32>(mem, 41);
  check(p.a == 41 && q.a == 41);
  // Narrow and wide views of the same bytes.
  store<u32>(mem, 0x11223344);
  store<u8>(mem, 0xaa, 1);
  check(load<u32>(mem) == 0x1122aa44);
  check(p.a == 0x1122aa44);
  store<u16>(mem, 0xbbbb, 2);
  check(load<u8>(mem, 3) == 0xbb && p.a == 0xbbbbaa44);
}

function calls(): void {
  store<i32>(CELL, 0);
  let n = 0;
  while (load<i32>(CELL) < 5) { bumpCell(); n++; }
  check(n == 5);
  const v = load<i32>(CELL);
  bumpCell();
  check(load<i32>(CELL) == v + 1);
  nothing();
  check(load<i32>(CELL) == 6);
  // A value read before a call that changes it, compared after.
  g = 3;
  const a = g;
  bumpG();
  const b = g;
  check(a == 3 && b == 13);
}

function device(): void {
  outb(0x3ff, 1);
  const x = inb(0x3ff);
  outb(0x3ff, 2);
  const y = inb(0x3ff);
  check(x == 1 && y == 2);
  // rdtsc read twice is two readings.
  const t0 = rdtsc();
  const t1 = rdtsc();
  check(t0 != t1);
}

export function main(): i32 {
  globals();
  fields();
  calls();
  device();
  return check_summary();
}
