// Address spaces (SPEC §4.1, §4.3): page directories, page tables, regions, and the page-fault
// handler that pages in on demand.
//
// Every process has its own page directory; entries 768–895 (the direct map of 512 MiB at
// KERNBASE, 4 MiB global supervisor pages) are copied from the kernel's and shared. User pages
// are 4 KiB, in page tables allocated as needed. A process's regions (like Linux's VMAs) say
// what may be mapped where and what backs it: a file at an offset, or zeroes.

import { KERNBASE, PGSIZE, PTE_P, PTE_W, PTE_U, USERTOP } from './memlayout';
import { kalloc, kallocraw, kfree, kref, kunref, krefs, frame, FRAME_KERNEL, FRAME_USER } from './kalloc';

declare function memcopy(dst: usize, src: usize, n: u32): void;
import { readi } from './fs';
import { swapin, slotunref, stamp, PTE_SWAP } from './swap';
import type { Proc } from './proc';

/** A region of a process's address space. */
@unmanaged export class Region {
  start: usize;
  end: usize;
  /** PROT_* bits. */
  prot: u32;
  kind: u32;
  /** For file-backed regions: the inode, the file offset of `start`, and how many bytes come from the file. */
  ino: u32;
  off: u32;
  filesz: u32;
  _pad: u32;
}

export const PROT_READ: u32 = 1;
export const PROT_WRITE: u32 = 2;
export const PROT_EXEC: u32 = 4;

export const REGION_FREE: u32 = 0;
export const REGION_TEXT: u32 = 1;    // from the executable: text
export const REGION_DATA: u32 = 2;    // from the executable: data and bss
export const REGION_HEAP: u32 = 3;
export const REGION_STACK: u32 = 4;
export const REGION_MMAP: u32 = 5;   // mmap2: anonymous, or a private mapping of a file

export const NREGION: u32 = 16;

/** A page-table bit the CPU leaves to the kernel (bit 9): the page is shared copy-on-write. */
export const PTE_COW: u32 = 0x200;

/** Page faults served: minor (zero-filled) and major (read from a file). */
export let minflt_total: u32 = 0;
export let majflt_total: u32 = 0;

/** TLB flushes the kernel issued: CR3 loads and INVLPGs (/proc/vmstat). */
export let tlbflushes: u32 = 0;

/** Loads CR3 with a page directory (kernel virtual): a flush of every non-global TLB entry. */
export function switchpgdir(pd: usize): void {
  tlbflushes++;
  lcr3(pd - KERNBASE);
}

/** Drops one page's translation from the TLB. */
export function flushpage(va: usize): void {
  tlbflushes++;
  invlpg(va);
}

/** The kernel's own page directory (the boot one, without its low entry). */
export function kpgdir(): usize {
  return symbol("boot_pgdir");
}

/** A new page directory: empty user half, the kernel's entries shared. */
export function setupkvm(pid: i32): usize {
  const pa = kalloc(FRAME_KERNEL, pid, 0);
  if (pa == 0) return 0;
  const pd = KERNBASE + pa;
  const k = kpgdir();
  for (let i: u32 = 768; i < 1024; i++) store<u32>(pd, load<u32>(k, i * 4), i * 4);
  return pd;
}

/** The address of va's page-table entry (kernel virtual), making the table if `alloc`; 0 if none. */
export function walk(pd: usize, va: usize, alloc: bool, pid: i32): usize {
  const pde = pd + (va >>> 22) * 4;
  let e = load<u32>(pde);
  if ((e & PTE_P) == 0) {
    if (!alloc) return 0;
    const pa = kalloc(FRAME_KERNEL, pid, va & 0xffc00000);
    if (pa == 0) return 0;
    // A page table's directory entry allows everything; the page's own entry decides.
    e = pa | PTE_P | PTE_W | PTE_U;
    store<u32>(pde, e);
  }
  return KERNBASE + (e & ~0xfff) + ((va >>> 12) & 0x3ff) * 4;
}

/** Maps one page. */
export function mappage(pd: usize, va: usize, pa: usize, perm: u32, pid: i32): bool {
  const pte = walk(pd, va, true, pid);
  if (pte == 0) return false;
  store<u32>(pte, pa | perm | PTE_P);
  return true;
}

/** Frees every user page and page table of a directory, then the directory. */
export function freevm(pd: usize): void {
  for (let i: u32 = 0; i < 768; i++) {
    const e = load<u32>(pd, i * 4);
    if ((e & PTE_P) == 0) continue;
    const pt = KERNBASE + (e & ~0xfff);
    for (let j: u32 = 0; j < 1024; j++) {
      const p = load<u32>(pt, j * 4);
      if ((p & PTE_P) != 0) kunref(p & ~0xfff);
      else if ((p & PTE_SWAP) != 0) slotunref((p >>> 12) - 1);
    }
    kfree(e & ~0xfff);
  }
  kfree(pd - KERNBASE);
}

/** Unmaps and frees the pages of [start, end) (page-aligned), e.g. when brk shrinks. */
export function unmaprange(pd: usize, start: usize, end: usize): void {
  for (let va = start; va < end; va += PGSIZE) {
    const pte = walk(pd, va, false, 0);
    if (pte == 0) continue;
    const e = load<u32>(pte);
    if ((e & PTE_P) != 0) { kunref(e & ~0xfff); store<u32>(pte, 0); flushpage(va); }
    else if ((e & PTE_SWAP) != 0) { slotunref((e >>> 12) - 1); store<u32>(pte, 0); }
  }
}

/** The region of a process (its region table) holding va, or 0. */
export function findregion(regions: usize, va: usize): Region {
  for (let i: u32 = 0; i < NREGION; i++) {
    const r = changetype<Region>(regions + i * sizeof<Region>());
    if (r.kind != REGION_FREE && va >= r.start && va < r.end) return r;
  }
  return changetype<Region>(0);
}

/** A free slot in a region table. */
export function newregion(regions: usize, start: usize, end: usize, prot: u32, kind: u32): Region {
  for (let i: u32 = 0; i < NREGION; i++) {
    const r = changetype<Region>(regions + i * sizeof<Region>());
    if (r.kind == REGION_FREE) {
      r.start = start; r.end = end; r.prot = prot; r.kind = kind; r.ino = 0; r.off = 0; r.filesz = 0;
      return r;
    }
  }
  return changetype<Region>(0);
}

/** Whether [va, va + n) lies wholly in regions with the rights wanted (no wrap-around). */
export function uvalid(regions: usize, va: usize, n: u32, write: bool): bool {
  if (n == 0) return true;
  const last = va + n - 1;
  if (last < va || last >= USERTOP) return false;
  let a = va;
  while (true) {
    const r = findregion(regions, a);
    if (changetype<usize>(r) == 0) return false;
    if (write && (r.prot & PROT_WRITE) == 0) return false;
    if (!write && (r.prot & PROT_READ) == 0) return false;
    if (last < r.end) return true;
    a = r.end;
  }
}

/**
 * A not-present fault at va in a region: a zeroed frame, filled from the file where the region
 * is file-backed, mapped with the region's rights. Returns 0, or -1 when out of memory.
 */
export function pagein(pd: usize, r: Region, va: usize, pid: i32): i32 {
  const page = va & ~0xfff;
  const perm = PTE_U | ((r.prot & PROT_WRITE) != 0 ? PTE_W : 0);
  const pte = walk(pd, page, true, pid);
  if (pte == 0) return -1;
  if ((load<u32>(pte) & PTE_SWAP) != 0) {
    // Swapped out: read back (swap.ts).
    const spa = kallocraw(FRAME_USER, pid, page);
    if (spa == 0) return -1;
    stamp(spa);
    const got = swapin(changetype<Proc>(0), pte, page, perm, spa);
    if (got <= 0) kfree(spa);
    if (got < 0) return got;
    if (got == 0) { minflt_total++; return 0; } // in memory again: nothing was read
    majflt_total++;
    return 1;
  }
  const fromfile = r.ino != 0 && page - r.start < r.filesz;
  // A page wholly from the file needs no zeroing first.
  const full = fromfile && r.filesz - (page - r.start) >= PGSIZE;
  const pa = full ? kallocraw(FRAME_USER, pid, page) : kalloc(FRAME_USER, pid, page);
  if (pa == 0) return -1;
  stamp(pa);
  let major = false;
  if (fromfile) {
    // The file's bytes of this page (the rest of it stays zero).
    const inFile = page - r.start;
    let n = r.filesz - inFile;
    if (n > PGSIZE) n = PGSIZE;
    if (readi(r.ino, KERNBASE + pa, r.off + inFile, n) < 0) { kfree(pa); return -2; } // lost to a disk error
    major = true;
  }
  if (major) majflt_total++; else minflt_total++;
  store<u32>(pte, pa | perm | PTE_P);
  return major ? 1 : 0;
}

/**
 * A write to a present copy-on-write page: the last sharer takes the frame over; anyone else
 * gets a copy. Returns false when va's page is not copy-on-write (a true protection fault), or
 * -1's worth of trouble: no memory (the caller kills).
 */
export function cowfault(pd: usize, va: usize, pid: i32): i32 {
  const pte = walk(pd, va, false, 0);
  if (pte == 0) return 0;
  const e = load<u32>(pte);
  if ((e & PTE_P) == 0 || (e & PTE_COW) == 0) return 0;
  const pa = e & ~0xfff;
  const keep = (e & 0xfff & ~PTE_COW) | PTE_W;
  if (krefs(pa) == 1) {
    // The last sharer takes the frame over (and the frame table now names it).
    store<u32>(pte, pa | keep);
    const f = frame(pa);
    f.pid = pid;
    f.va = va & ~0xfff;
  } else {
    // Held while a frame is found: finding one may evict (and sleep), even this very page.
    kref(pa);
    const npa = kallocraw(FRAME_USER, pid, va & ~0xfff);
    const now = load<u32>(pte);
    if (npa == 0) { kunref(pa); return -1; }
    if ((now & PTE_P) == 0 || (now & ~0xfff) != pa) {
      // Evicted meanwhile: the access is retried, and faults on the page where it is now.
      kunref(pa);
      kfree(npa);
      return 1;
    }
    stamp(npa);
    memcopy(KERNBASE + npa, KERNBASE + pa, PGSIZE);
    store<u32>(pte, npa | keep);
    kunref(pa); // this mapping's reference
    kunref(pa); // the hold
  }
  flushpage(va & ~0xfff);
  cowfaults++;
  return 1;
}

/** Copy-on-write faults served (/proc/vmstat). */
export let cowfaults: u32 = 0;

/** The page's frame, for a present user page (0 if not present). */
export function uframe(pd: usize, va: usize): usize {
  const pte = walk(pd, va, false, 0);
  if (pte == 0) return 0;
  const e = load<u32>(pte);
  return (e & PTE_P) != 0 ? e & ~0xfff : 0;
}
