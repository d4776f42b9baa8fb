// ut-libc: checks the user library's malloc (lib/malloc.ts) and string functions (lib/string.ts)
// in a process of its own, as tests/kernel/libc.test.ts runs it: every byte of every block is
// checked, blocks never overlap, freed memory is used again, and the heap grows by brk only as
// much as it must. Prints each failure and exits with the number of failures (0: all good).

import { printf } from '../lib/ulib';
import { brk } from '../lib/sys';
import { malloc, free, calloc, realloc } from '../lib/malloc';
import { memset, memcpy, memmove, memcmp, strcpy, strncpy, strcat, strcmp, strncmp, strchr, strrchr, strdup, strlen } from '../lib/string';

const N: u32 = 200;
const ptrs = memory.data(200 * 4, 4);
const sizes = memory.data(200 * 4, 4);
const buf = memory.data(64, 4);
let failures = 0;
let checks = 0;
let seed: u32 = 12345;

function rand(): u32 { seed = seed * 1103515245 + 12345; return (seed >> 8) & 0xffffff; }

function check(ok: bool, what: string, v: u32 = 0): void {
  checks++;
  if (!ok) { failures++; printf("ut-libc: FAIL %s (%u)\n", what, v); }
}

/** The byte block i holds at offset j. */
function pat(i: u32, j: u32): u8 { return <u8>(i * 31 + j * 7 + 1); }

function fill(i: u32): void {
  const p = load<usize>(ptrs, i * 4), n = load<u32>(sizes, i * 4);
  for (let j: u32 = 0; j < n; j++) store<u8>(p, pat(i, j), j);
}

function intact(i: u32): bool {
  const p = load<usize>(ptrs, i * 4), n = load<u32>(sizes, i * 4);
  if (p == 0) return true;
  for (let j: u32 = 0; j < n; j++) if (load<u8>(p, j) != pat(i, j)) return false;
  return true;
}

function allintact(what: string): void {
  for (let i: u32 = 0; i < N; i++) if (!intact(i)) { check(false, what, i); return; }
  check(true, what);
}

function testmalloc(start: usize): void {
  // Blocks of many sizes: 8-aligned, inside the heap, each holding its own bytes.
  for (let i: u32 = 0; i < N; i++) {
    const n = i % 10 == 0 ? rand() % 9000 : rand() % 300;
    const p = malloc(n);
    store<usize>(ptrs, p, i * 4);
    store<u32>(sizes, n, i * 4);
    check(p != 0 && (p & 7) == 0 && p >= start && p + n <= brk(0), "malloc: an aligned block in the heap", i);
    fill(i);
  }
  allintact("malloc: no block overlaps another");
  // Free every other block, then take blocks again: the freed memory comes back.
  const top = brk(0);
  for (let i: u32 = 0; i < N; i += 2) { free(load<usize>(ptrs, i * 4)); store<usize>(ptrs, 0, i * 4); }
  allintact("free: the other blocks are untouched");
  for (let i: u32 = 0; i < N; i += 2) {
    const n = rand() % 200;
    store<usize>(ptrs, malloc(n), i * 4);
    store<u32>(sizes, n, i * 4);
    fill(i);
  }
  allintact("malloc after free: no overlap");
  check(brk(0) == top, "malloc after free: freed memory is used again, the heap did not grow", brk(0) - top);
  // realloc keeps the contents as it grows a block.
  for (let i: u32 = 1; i < N; i += 3) {
    const n = load<u32>(sizes, i * 4) * 2 + 100;
    const q = realloc(load<usize>(ptrs, i * 4), n);
    for (let j = load<u32>(sizes, i * 4); j < n; j++) store<u8>(q, pat(i, j), j);
    store<usize>(ptrs, q, i * 4);
    store<u32>(sizes, n, i * 4);
  }
  allintact("realloc: the contents kept, no overlap");
  // Everything freed merges back: a block as big as all of it fits without growing the heap.
  for (let i: u32 = 0; i < N; i++) { free(load<usize>(ptrs, i * 4)); store<usize>(ptrs, 0, i * 4); }
  const all = brk(0);
  const big = malloc((all - start) / 2);
  check(big != 0 && brk(0) == all, "free: neighbours merge (half the heap in one block)", brk(0) - all);
  free(big);
  // Many short-lived blocks: the heap stays where it is.
  for (let k: u32 = 0; k < 2000; k++) free(malloc(1024 + k % 100));
  check(brk(0) == all, "malloc/free 2000 times: no growth", brk(0) - all);
  // calloc zeroes; edge cases.
  const z = malloc(4000);
  memset(z, 0xab, 4000);
  free(z);
  const c = calloc(1000, 4);
  let zero = true;
  for (let j: u32 = 0; j < 4000; j++) if (load<u8>(c, j) != 0) zero = false;
  check(c != 0 && zero, "calloc: zeroed");
  free(c);
  check(calloc(0x10000, 0x10000) == 0, "calloc: an overflowing product is 0");
  check(malloc(0xfffffff0) == 0, "malloc: more than user space is 0");
  const a = malloc(0), b = malloc(0);
  check(a != 0 && b != 0 && a != b, "malloc(0): distinct pointers");
  free(0);
  check(realloc(0, 16) != 0, "realloc(0, n) is malloc");
  // Out of memory: blocks of 1 MiB until malloc says no (the process is not killed).
  let got: u32 = 0;
  while (got < 4096 && malloc(1 << 20) != 0) got++;
  check(got > 0 && got < 4096, "malloc until the heap meets the stack: 0 at last", got);
}

function s(x: string): usize { return changetype<usize>(x); }

function teststrings(): void {
  check(strlen(s("hello")) == 5 && strlen(s("")) == 0, "strlen");
  strcpy(buf, s("abc"));
  check(strcmp(buf, s("abc")) == 0, "strcpy/strcmp equal");
  strcat(buf, s("def"));
  check(strcmp(buf, s("abcdef")) == 0 && strlen(buf) == 6, "strcat");
  check(strcmp(s("abc"), s("abd")) < 0 && strcmp(s("abd"), s("abc")) > 0, "strcmp order");
  check(strcmp(s("ab"), s("abc")) < 0 && strcmp(s("\xff"), s("a")) > 0, "strcmp prefix, unsigned bytes");
  check(strncmp(s("abcx"), s("abcy"), 3) == 0 && strncmp(s("abcx"), s("abcy"), 4) < 0, "strncmp");
  memset(buf, 0x7a, 16);
  strncpy(buf, s("hi"), 8);
  check(load<u8>(buf, 1) == 0x69 && load<u8>(buf, 2) == 0 && load<u8>(buf, 7) == 0 && load<u8>(buf, 8) == 0x7a, "strncpy pads to n");
  const h = s("hello, world");
  check(strchr(h, 111) == h + 4 && strrchr(h, 111) == h + 8 && strchr(h, 122) == 0 && strchr(h, 0) == h + 12, "strchr/strrchr");
  const d = strdup(h);
  check(d != 0 && d != h && strcmp(d, h) == 0, "strdup");
  free(d);
  for (let i: u32 = 0; i < 32; i++) store<u8>(buf, <u8>i, i);
  memmove(buf + 4, buf, 20);
  let ok = true;
  for (let i: u32 = 0; i < 20; i++) if (load<u8>(buf, i + 4) != <u8>i) ok = false;
  check(ok, "memmove forward over itself");
  for (let i: u32 = 0; i < 32; i++) store<u8>(buf, <u8>i, i);
  memmove(buf, buf + 4, 20);
  ok = true;
  for (let i: u32 = 0; i < 20; i++) if (load<u8>(buf, i) != <u8>(i + 4)) ok = false;
  check(ok, "memmove backward over itself");
  memcpy(buf + 32, buf, 13);
  check(memcmp(buf + 32, buf, 13) == 0 && memcmp(s("ab"), s("ac"), 2) < 0, "memcpy/memcmp");
}

export function main(argc: i32, argv: usize): i32 {
  const heap = brk(0); // where the heap starts: strdup is the first to take from it
  teststrings();
  testmalloc(heap);
  printf("ut-libc: %d checks, %d failed\n", checks, failures);
  return failures;
}
