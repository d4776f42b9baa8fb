// @unmanaged structures: fields in order at their natural alignment, the size rounded up to the
// largest alignment; fields of every type; embedded structures; offsetof/sizeof; structures
// reached through pointers (changetype between usize and a class, both ways), pointer arithmetic
// over an array of structures; structures as parameters, results and locals (struct_globals.ts:
// as globals).
import { check, check_summary } from '../lib/check';

type Fn = (x: i32) => i32;

@unmanaged class Mixed {
  a: u8;      // 0
  b: i32;     // 4
  c: i8;      // 8
  d: u16;     // 10
  e: i16;     // 12
  f: bool;    // 14
  g: u32;     // 16
  h: usize;   // 20
  i: u8;      // 24
  j: Fn;      // 28
}             // 32

@unmanaged class Small { x: u8; y: u8 }            // 2, aligned to 1
@unmanaged class Word { lo: u16; hi: u16 }         // 4, aligned to 2
@unmanaged class Pad { a: i32; b: u8 }             // 8
@unmanaged class Pad2 { a: u16; b: u8 }            // 4
@unmanaged class One { a: u8 }                     // 1

@unmanaged class Outer {
  tag: u8;      // 0
  small: Small; // 1
  w: Word;      // 4
  m: Mixed;     // 8
  last: u8;     // 40
}               // 44

@unmanaged class Node { value: i32; next: usize }

function succ(x: i32): i32 { return x + 1; }


function sum(m: Mixed): i32 { return m.a + m.b + m.c + m.d + m.e + m.g + m.i; }
function at(base: usize, i: u32): Word { return changetype<Word>(base + i * sizeof<Word>()); }

function layout(): void {
  check(offsetof<Mixed>("a") == 0);
  check(offsetof<Mixed>("b") == 4);
  check(offsetof<Mixed>("c") == 8);
  check(offsetof<Mixed>("d") == 10);
  check(offsetof<Mixed>("e") == 12);
  check(offsetof<Mixed>("f") == 14);
  check(offsetof<Mixed>("g") == 16);
  check(offsetof<Mixed>("h") == 20);
  check(offsetof<Mixed>("i") == 24);
  check(offsetof<Mixed>("j") == 28);
  check(sizeof<Mixed>() == 32);
  check(sizeof<Small>() == 2);
  check(offsetof<Small>("y") == 1);
  check(sizeof<Word>() == 4);
  check(offsetof<Word>("hi") == 2);
  check(sizeof<Pad>() == 8);
  check(sizeof<Pad2>() == 4);
  check(sizeof<One>() == 1);
  check(offsetof<Outer>("small") == 1);
  check(offsetof<Outer>("w") == 4);
  check(offsetof<Outer>("m") == 8);
  check(offsetof<Outer>("last") == 40);
  check(sizeof<Outer>() == 44);
  check(sizeof<u8>() == 1 && sizeof<i8>() == 1 && sizeof<bool>() == 1);
  check(sizeof<u16>() == 2 && sizeof<i16>() == 2);
  check(sizeof<u32>() == 4 && sizeof<i32>() == 4 && sizeof<usize>() == 4);
}

function fields(): void {
  const p = memory.data(sizeof<Mixed>(), 4);
  const m = changetype<Mixed>(p);
  m.a = 0x11;
  m.b = -2;
  m.c = -3;
  m.d = 0xfffe;
  m.e = -5;
  m.f = true;
  m.g = 0xfffffff0;
  m.h = p;
  m.i = 0xff;
  m.j = succ;
  check(m.a == 0x11);
  check(m.b == -2);
  check(m.c == -3);
  check(m.d == 0xfffe);
  check(m.e == -5);
  check(m.f);
  check(m.g == 0xfffffff0);
  check(m.g > 0);                  // u32: unsigned
  check(m.h == p);
  check(m.i == 255);
  check(m.j(41) == 42);
  // The bytes in memory, as laid out.
  check(load<u8>(p, 0) == 0x11);
  check(load<i32>(p, 4) == -2);
  check(load<u8>(p, 8) == 0xfd);
  check(load<u16>(p, 10) == 0xfffe);
  check(load<i16>(p, 12) == -5);
  check(load<u8>(p, 14) == 1);
  check(load<u32>(p, 16) == 0xfffffff0);
  check(load<usize>(p, 20) == p);
  check(load<u8>(p, 24) == 0xff);
  check(load<usize>(p, 28) == changetype<usize>(succ));
  // Padding bytes are untouched (static memory starts zeroed).
  check(load<u8>(p, 1) == 0 && load<u16>(p, 2) == 0 && load<u8>(p, 9) == 0 && load<u8>(p, 15) == 0);
  check(load<u8>(p, 25) == 0 && load<u16>(p, 26) == 0);
  m.f = false;
  check(!m.f);
  // Stores wrap to the field's type and stay inside it.
  m.a = 0x1234;
  check(m.a == 0x34);
  check(load<u8>(p, 1) == 0);
  m.e = 0x18000;
  check(m.e == -32768);
  check(load<u32>(p, 12) == 0x8000);
  // A structure as a parameter.
  check(sum(m) == 0x34 - 2 - 3 + 0xfffe - 32768 + 0xfffffff0 + 255);
}

function nested(): void {
  const o = changetype<Outer>(memory.data(sizeof<Outer>(), 4));
  o.tag = 7;
  o.small.x = 1;
  o.small.y = 2;
  o.w.lo = 0x1111;
  o.w.hi = 0x2222;
  o.m.a = 3;
  o.m.b = 0x12345678;
  o.m.h = 0xcafe;
  o.last = 9;
  const base = changetype<usize>(o);
  check(load<u8>(base) == 7);
  check(load<u16>(base, 1) == 0x0201);
  check(load<u32>(base, 4) == 0x22221111);
  check(load<u8>(base, 8) == 3);
  check(load<i32>(base, 12) == 0x12345678);
  check(load<usize>(base, 28) == 0xcafe);
  check(load<u8>(base, 40) == 9);
  // An embedded structure is its address inside the outer one.
  check(changetype<usize>(o.m) == base + 8);
  check(changetype<usize>(o.w) == base + offsetof<Outer>("w"));
  const inner = o.m;
  check(inner.b == 0x12345678);
  inner.b++;
  check(o.m.b == 0x12345679);
  check(sum(o.m) == 3 + 0x12345679);
  const w = o.w;
  w.hi = 0xffff;
  check(o.w.hi == 65535);
  check(load<u16>(base, 6) == 0xffff);
}

function pointers(): void {
  // An array of structures, reached by pointer arithmetic.
  const arr = memory.data(8 * sizeof<Word>(), 4);
  for (let i: u32 = 0; i < 8; i++) {
    const w = at(arr, i);
    w.lo = i;
    w.hi = i * 100;
  }
  check(at(arr, 5).hi == 500);
  check(load<u16>(arr, 5 * 4) == 5);
  let s: u32 = 0;
  let p: usize = arr;
  const end: usize = arr + 8 * sizeof<Word>();
  while (p < end) {
    s += changetype<Word>(p).hi;
    p += sizeof<Word>();
  }
  check(s == 2800);
  // A linked list in static memory.
  const nodes = memory.data(4 * sizeof<Node>(), 4);
  for (let i: u32 = 0; i < 4; i++) {
    const n = changetype<Node>(nodes + i * sizeof<Node>());
    n.value = (i + 1) * 10;
    n.next = i < 3 ? nodes + (i + 1) * sizeof<Node>() : 0;
  }
  let total = 0;
  let count = 0;
  for (let q = changetype<Node>(nodes); changetype<usize>(q) != 0; q = changetype<Node>(q.next)) {
    total += q.value;
    count++;
  }
  check(total == 100 && count == 4);
  // changetype both ways keeps the address.
  const n0 = changetype<Node>(nodes);
  check(changetype<usize>(n0) == nodes);
  check(changetype<usize>(changetype<Node>(n0.next)) == nodes + 8);
}

export function main(): i32 {
  layout();
  fields();
  nested();
  pointers();
  return check_summary();
}
