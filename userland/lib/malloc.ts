// malloc, free, calloc and realloc on brk (SPEC §4.5): the first-fit free list of K&R's C book,
// in 8-byte units. A block is a header of two words — while the block is free, the next free
// block; always, the block's size in units, header included — then the caller's bytes, 8-aligned.
// The free list is circular and in address order, so free() merges a block with free neighbours.
// The heap grows with brk by at least 4 KiB at a time and never shrinks. Not for programs that
// also move the break themselves (as memhog does).

import { brk } from './sys';

const UNIT: u32 = 8;
/** The list's anchor: a block of size 0 that is always free. */
const anchor = memory.data(8, 8);
/** Where the last search ended (the next one starts there), or 0 before the first call. */
let freep: usize = 0;

function next(b: usize): usize { return load<usize>(b); }
function units(b: usize): u32 { return load<u32>(b, 4); }

/** Gives the list at least n more units from brk; 0 when the break cannot move. */
function morecore(n: u32): usize {
  if (n < 512) n = 512;
  const cur = brk(0);
  const start = (cur + UNIT - 1) & ~(UNIT - 1);
  const end = start + n * UNIT;
  if (end < start || brk(end) != end) return 0;
  store<u32>(start, n, 4);
  free(start + UNIT);
  return freep;
}

/** n bytes, 8-aligned, or 0 when memory runs out. malloc(0) is a valid, unique pointer. */
export function malloc(n: u32): usize {
  if (n > 0x7ffffff0) return 0;
  const nunits = (n + UNIT - 1) / UNIT + 1;
  if (freep == 0) {
    store<usize>(anchor, anchor);
    store<u32>(anchor, 0, 4);
    freep = anchor;
  }
  let prev = freep;
  let p = next(prev);
  while (true) {
    const size = units(p);
    if (size >= nunits) {
      if (size == nunits) store<usize>(prev, next(p));
      else {
        // The tail of the block goes to the caller; the head stays on the list.
        store<u32>(p, size - nunits, 4);
        p += (size - nunits) * UNIT;
        store<u32>(p, nunits, 4);
      }
      freep = prev;
      return p + UNIT;
    }
    if (p == freep) {
      p = morecore(nunits);
      if (p == 0) return 0;
    }
    prev = p;
    p = next(p);
  }
}

/** Returns a block from malloc, calloc or realloc to the list (0: nothing). */
export function free(ptr: usize): void {
  if (ptr == 0) return;
  const b = ptr - UNIT;
  let p = freep;
  // The free block after which b belongs, in address order (or at either end of the arena).
  while (!(b > p && b < next(p))) {
    if (p >= next(p) && (b > p || b < next(p))) break;
    p = next(p);
  }
  const after = next(p);
  if (b + units(b) * UNIT == after) {
    store<u32>(b, units(b) + units(after), 4);
    store<usize>(b, next(after));
  } else store<usize>(b, after);
  if (p + units(p) * UNIT == b) {
    store<u32>(p, units(p) + units(b), 4);
    store<usize>(p, next(b));
  } else store<usize>(p, b);
  freep = p;
}

/** count × size bytes, zeroed; 0 when the product overflows or memory runs out. */
export function calloc(count: u32, size: u32): usize {
  if (size != 0 && count > 0xffffffff / size) return 0;
  const n = count * size;
  const p = malloc(n);
  if (p == 0) return 0;
  for (let i: u32 = 0; i < n; i++) store<u8>(p, 0, i);
  return p;
}

/** The block resized to n bytes, its contents kept up to the smaller size; 0 (and ptr kept) on failure. */
export function realloc(ptr: usize, n: u32): usize {
  if (ptr == 0) return malloc(n);
  if (n == 0) { free(ptr); return 0; }
  const have = (units(ptr - UNIT) - 1) * UNIT;
  if (have >= n) return ptr;
  const q = malloc(n);
  if (q == 0) return 0;
  for (let i: u32 = 0; i < have; i++) store<u8>(q, load<u8>(ptr, i), i);
  free(ptr);
  return q;
}
