// mmap2, munmap and mprotect (SPEC §4.2; docs/kernel.md "Mappings"), on the regions of vm.ts.
//
// mmap2 makes a region: anonymous (zero-filled) or a private mapping of a file (its pages read
// from the file on first touch, copied when written — the file never changes). With MAP_FIXED it
// goes exactly at addr, replacing what was there; otherwise at addr when that range is free, or
// at the highest free range below the stack's 8 MiB. munmap and mprotect work on page ranges and
// split the regions they cut.

import { PGSIZE, PTE_P, PTE_W, PTE_U, USERTOP, USTACK_MAX } from './memlayout';
import { TrapFrame } from './trap';
import { myproc, regions, Proc } from './proc';
import { Region, NREGION, findregion, newregion, unmaprange, walk, flushpage, PROT_READ, PROT_WRITE, PROT_EXEC, REGION_MMAP, REGION_FREE, PTE_COW } from './vm';
import { fdinode } from './file';
import { krefs } from './kalloc';
import { isize, itype, T_FILE } from './fs';

const MAP_SHARED: u32 = 0x01;
const MAP_PRIVATE: u32 = 0x02;
const MAP_FIXED: u32 = 0x10;
const MAP_ANONYMOUS: u32 = 0x20;
const EINVAL: i32 = -22;
const ENOMEM: i32 = -12;
const EBADF: i32 = -9;
const EACCES: i32 = -13;
const EOVERFLOW: i32 = -75;
/** Mappings go below the stack's region and above this. */
const MMAP_BASE: usize = 0x40000000;

function rt(p: Proc): usize { return regions(p); }

function region(p: Proc, i: u32): Region {
  return changetype<Region>(rt(p) + i * sizeof<Region>());
}

/** Whether [start, end) meets no region. */
function isfree(p: Proc, start: usize, end: usize): bool {
  for (let i: u32 = 0; i < NREGION; i++) {
    const r = region(p, i);
    if (r.kind != REGION_FREE && start < r.end && r.start < end) return false;
  }
  return true;
}

/** How many free slots the region table has. */
function freeslots(p: Proc): u32 {
  let n: u32 = 0;
  for (let i: u32 = 0; i < NREGION; i++) if (region(p, i).kind == REGION_FREE) n++;
  return n;
}

/** Splits r at `at` (inside it): r keeps [start, at), a new region takes [at, end). */
function split(p: Proc, r: Region, at: usize): bool {
  const n = newregion(rt(p), at, r.end, r.prot, r.kind);
  if (changetype<usize>(n) == 0) return false;
  const cut = at - r.start;
  n.ino = r.ino;
  n.off = r.off + cut;
  n.filesz = r.filesz > cut ? r.filesz - cut : 0;
  r.end = at;
  if (r.filesz > cut) r.filesz = cut;
  return true;
}

/**
 * Removes [start, end) (page-aligned) from every region it meets, splitting one that it cuts in
 * two, and frees its pages. False (nothing changed) when a split needs a slot there is not.
 */
function unmap(p: Proc, start: usize, end: usize): bool {
  // The splits first, so that nothing changes when a slot is missing.
  let need: u32 = 0;
  for (let i: u32 = 0; i < NREGION; i++) {
    const r = region(p, i);
    if (r.kind != REGION_FREE && r.start < start && end < r.end) need++;
  }
  if (need > freeslots(p)) return false;
  for (let i: u32 = 0; i < NREGION; i++) {
    const r = region(p, i);
    if (r.kind == REGION_FREE || end <= r.start || r.end <= start) continue;
    if (r.start < start && end < r.end) {
      split(p, r, end);        // [end, r.end) lives on
      r.end = start;           // and [r.start, start)
      if (r.filesz > start - r.start) r.filesz = start - r.start;
    } else if (r.start < start) {
      r.end = start;
      if (r.filesz > start - r.start) r.filesz = start - r.start;
    } else if (end < r.end) {
      const cut = end - r.start;
      r.off = r.off + cut;
      r.filesz = r.filesz > cut ? r.filesz - cut : 0;
      r.start = end;
    } else {
      r.kind = REGION_FREE;
    }
  }
  unmaprange(p.pgdir, start, end);
  return true;
}

/** mmap2(addr, length, prot, flags, fd, pgoffset): the mapping's address, or -errno. */
export function sys_mmap2(tf: TrapFrame): i32 {
  const p = myproc();
  const addr = tf.ebx, len = tf.ecx, prot = tf.edx & 7, flags = tf.esi, fd = <i32>tf.edi, pgoff = tf.ebp;
  if (len == 0 || len > USERTOP) return EINVAL;
  const size = (len + PGSIZE - 1) & ~(PGSIZE - 1);
  // The file offset in bytes must fit the regions' 32 bits (pgoffset × 4096 would wrap).
  if ((flags & MAP_ANONYMOUS) == 0 && pgoff >= 0x100000) return EOVERFLOW;
  if ((flags & MAP_SHARED) != 0 || (flags & MAP_PRIVATE) == 0) return EINVAL; // private only
  let ino: u32 = 0;
  let filesz: u32 = 0;
  if ((flags & MAP_ANONYMOUS) == 0) {
    const f = fdinode(fd);
    if (f < 0) return EBADF;
    ino = <u32>f;
    if (itype(ino) != T_FILE) return EACCES;
    const fsize = isize(ino);
    const off = pgoff * PGSIZE;
    filesz = off >= fsize ? 0 : fsize - off;
    if (filesz > size) filesz = size;
  }
  let start: usize = 0;
  if ((flags & MAP_FIXED) != 0) {
    if ((addr & (PGSIZE - 1)) != 0 || addr < PGSIZE || addr + size > USERTOP - USTACK_MAX || addr + size < addr) return EINVAL;
    if (!unmap(p, addr, addr + size)) return ENOMEM;
    start = addr;
  } else {
    const hint = addr & ~(PGSIZE - 1);
    if (hint >= PGSIZE && hint + size <= USERTOP - USTACK_MAX && hint + size > hint && isfree(p, hint, hint + size)) start = hint;
    else {
      // The highest free range below the stack: from the top down, jumping below each region
      // in the way.
      // (top - MMAP_BASE >= size, not top >= MMAP_BASE + size: that sum wraps for the
      // largest sizes, and the range found would start in the kernel's half.)
      let top = USERTOP - USTACK_MAX;
      while (top >= MMAP_BASE && top - MMAP_BASE >= size) {
        let block = top;
        for (let i: u32 = 0; i < NREGION; i++) {
          const r = region(p, i);
          if (r.kind != REGION_FREE && top - size < r.end && r.start < top && r.start < block) block = r.start;
        }
        if (block == top) { start = top - size; break; }
        top = block & ~(PGSIZE - 1);
      }
      if (start == 0) return ENOMEM;
    }
  }
  const r = newregion(rt(p), start, start + size, prot, REGION_MMAP);
  if (changetype<usize>(r) == 0) return ENOMEM;
  r.ino = ino;
  r.off = pgoff * PGSIZE;
  r.filesz = filesz;
  return <i32>start;
}

/** munmap(addr, length): 0, or -EINVAL for a bad range. Unmapped parts of the range are fine. */
export function sys_munmap(tf: TrapFrame): i32 {
  const p = myproc();
  const addr = tf.ebx, len = tf.ecx;
  if ((addr & (PGSIZE - 1)) != 0 || len == 0) return EINVAL;
  // A length within a page of 4 GiB rounds up to 0: that range wraps (EINVAL, as Linux).
  const size = (len + PGSIZE - 1) & ~(PGSIZE - 1);
  const end = addr + size;
  if (size == 0 || end < addr || end > USERTOP) return EINVAL;
  return unmap(p, addr, end) ? 0 : ENOMEM;
}

/**
 * mprotect(addr, length, prot): new rights for a range that must be wholly mapped (-ENOMEM if
 * not); regions are split at its ends, and present pages take the new rights at once.
 */
export function sys_mprotect(tf: TrapFrame): i32 {
  const p = myproc();
  const addr = tf.ebx, len = tf.ecx, prot = tf.edx & 7;
  if ((addr & (PGSIZE - 1)) != 0) return EINVAL;
  if (len == 0) return 0;
  // A length within a page of 4 GiB rounds up to 0: the range wraps, and is not mapped (ENOMEM,
  // as Linux). Without this check end == addr, and the region of end - 1 below may not exist.
  const size = (len + PGSIZE - 1) & ~(PGSIZE - 1);
  const end = addr + size;
  if (size == 0 || end < addr || end > USERTOP) return ENOMEM;
  // Wholly mapped?
  let a = addr;
  while (a < end) {
    const r = findregion(rt(p), a);
    if (changetype<usize>(r) == 0) return ENOMEM;
    a = r.end;
  }
  // Split at the ends, then change every region inside.
  const first = findregion(rt(p), addr);
  if (first.start < addr && !split(p, first, addr)) return ENOMEM;
  const last = findregion(rt(p), end - 1);
  if (end < last.end && !split(p, last, end)) return ENOMEM;
  for (let i: u32 = 0; i < NREGION; i++) {
    const r = region(p, i);
    if (r.kind != REGION_FREE && r.start >= addr && r.end <= end) r.prot = prot;
  }
  // Present pages: writable or not, and no access at all without PROT_READ (the user bit goes).
  // A page that is shared — copy-on-write, or read-only when fork shared it (its frame has more
  // than one reference) — stays read-only and is marked copy-on-write: its first write copies.
  for (let va = addr; va < end; va += PGSIZE) {
    const pte = walk(p.pgdir, va, false, 0);
    if (pte == 0) continue;
    const e = load<u32>(pte);
    if ((e & PTE_P) == 0) continue;
    let n = e;
    if ((prot & PROT_WRITE) == 0) n &= ~PTE_W;
    else if ((e & PTE_COW) != 0 || krefs(e & ~0xfff) > 1) n = (n & ~PTE_W) | PTE_COW;
    else n |= PTE_W;
    if ((prot & (PROT_READ | PROT_EXEC | PROT_WRITE)) == 0) n &= ~PTE_U; else n |= PTE_U;
    if (n != e) { store<u32>(pte, n); flushpage(va); }
  }
  return 0;
}
