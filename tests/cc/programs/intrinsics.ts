// The intrinsics that are safe bare-metal: rdtsc (the instruction count) increases, readeflags
// (bit 1 reads as 1, IF follows cli/sti), inb/outb on COM1's scratch register 0x3FF and reads of an
// unclaimed port (all ones), rcr0 (PE set, paging off at boot), symbol(), and sizeof, offsetof,
// changetype, load and store with constant and variable offsets.
import { check, check_summary } from '../lib/check';

@unmanaged class Hdr { kind: u8; len: u16; addr: usize }

let gWord: u32 = 0x11223344;

function work(n: i32): i32 {
  let s = 0;
  for (let i = 0; i < n; i++) s += i;
  return s;
}

function clock(): void {
  const t0 = rdtsc();
  const t1 = rdtsc();
  check(t1 > t0);
  work(100);
  const t2 = rdtsc();
  check(t2 - t1 > 100);             // the loop retired more than 100 instructions
  check(t2 - t0 < 100000);
}

function flags(): void {
  const f = readeflags();
  check((f & 2) != 0);              // bit 1 always reads as 1
  check((f & 0x200) == 0);          // IF = 0 at boot
  sti();
  check((readeflags() & 0x200) != 0);
  cli();
  check((readeflags() & 0x200) == 0);
  check((rcr0() & 1) == 1);         // PE
  check((rcr0() & 0x80000000) == 0); // PG off
}

function ports(): void {
  outb(0x3ff, 0x5a);
  check(inb(0x3ff) == 0x5a);
  outb(0x3ff, 0xff);
  check(inb(0x3ff) == 255);         // u8: zero-extended
  check(inb(0x3ff) > 0);
  let port: u16 = 0x3ff;
  let v: u8 = 0x81;
  outb(port, v);
  check(inb(port) == 0x81);
  outb(port, 0x1a5);                // the value is a u8: 0xa5
  check(inb(0x3ff) == 0xa5);
  let value: i32 = 0x1234;
  outb(0x3ff, value);
  check(inb(port) == 0x34);
  // Unclaimed ports read as all ones, at every width.
  check(inb(0x2f8) == 0xff);
  check(inw(0x2f8) == 0xffff);
  check(inl(0x2f8) == 0xffffffff);
  let unclaimed: u16 = 0x2f8;
  check(inl(unclaimed) == 0xffffffff);
  // The line status register: the transmitter is empty (bits 5 and 6).
  check((inb(0x3fd) & 0x60) == 0x60);
}

function memoryAccess(): void {
  const p = memory.data(32, 4);
  store<u32>(p, 0x01020304);
  store<u8>(p, 0xaa, 5);
  store<u16>(p, 0xbbcc, 6);
  store<i32>(p, -2, 8);
  check(load<u8>(p) == 4);
  check(load<u8>(p, 1) == 3);
  check(load<u16>(p, 2) == 0x0102);
  check(load<u32>(p, 4) == 0xbbccaa00);
  check(load<i32>(p, 8) == -2);
  check(load<u16>(p, 10) == 0xffff);
  // Variable offsets and computed pointers.
  let off: u32 = 6;
  check(load<u16>(p, off) == 0xbbcc);
  off = 12;
  store<u32>(p, 0xfeedface, off);
  check(load<u32>(p + 12) == 0xfeedface);
  check(load<u8>(p + off, 3) == 0xfe);
  let i: u32 = 2;
  store<u16>(p + 16, 0x4321, i * 2);
  check(load<u16>(p, 20) == 0x4321);
  // A global through its address.
  const g = symbol("gWord");
  check(load<u32>(g) == 0x11223344);
  store<u8>(g, 0x99);
  check(gWord == 0x11223399);
  // Addresses of functions.
  check(symbol("work") == changetype<usize>(work));
  check(symbol("check") == changetype<usize>(check));
  check(changetype<usize>(work) != changetype<usize>(clock));
  // sizeof, offsetof, changetype.
  check(sizeof<Hdr>() == 8);
  check(offsetof<Hdr>("len") == 2 && offsetof<Hdr>("addr") == 4);
  const h = changetype<Hdr>(p);
  check(changetype<usize>(h) == p);
  h.len = 0x7777;
  check(load<u16>(p, offsetof<Hdr>("len")) == 0x7777);
  check(changetype<u32>(-1) == 0xffffffff);
  check(changetype<u32>(-1) > 0);   // now unsigned
  check(changetype<i32>(0xffffffff) < 0);
}

export function main(): i32 {
  clock();
  flags();
  ports();
  memoryAccess();
  return check_summary();
}
