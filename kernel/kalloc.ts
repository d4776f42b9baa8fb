// Physical frames (issue 5): a frame table with one record per frame of RAM — who maps it
// (a process id, or the kernel) and at which virtual address — and a free list threaded through
// it. The swapping code chooses victims and finds their mappings through this table.

import { KERNBASE, PGSIZE } from './memlayout';
import { printf } from './console';
import { panic } from './trap';

/** swap.ts. */
declare function reclaim(): void;
declare function lruforget(pa: usize): void;
const LOWWATER: u32 = 8;

/** x86.s: REP STOSD. */
declare function memzero(dst: usize, n: u32): void;

/** One frame's record (16 bytes). */
@unmanaged export class Frame {
  /** While free: the next free frame's number + 1 (0: none). While in use: how many page-table
   *  entries map it (copy-on-write fork shares frames; the last unmapping frees it). */
  next: u32;
  /** The process that maps it (0: the kernel; -1: free). */
  pid: i32;
  /** The virtual address it is mapped at (for a user page). */
  va: usize;
  flags: u32;
}

export const FRAME_RESERVED: u32 = 1;   // the kernel's image, the table itself, low memory
export const FRAME_KERNEL: u32 = 2;     // a kernel allocation (page tables, kernel stacks)
export const FRAME_USER: u32 = 4;       // a user page

let table: usize = 0;
export let nframes: u32 = 0;
let freelist: u32 = 0;
export let freecount: u32 = 0;

/**
 * Frames held by kernel allocations (page directories and tables, kernel stacks, /proc pages),
 * and the most there may be: half of the frames free at boot. Kernel frames cannot be evicted;
 * without a bound, processes (a fork bomb, descriptors on /proc files) could fill memory with
 * them until the few user frames left were too few for the processes to run at all — each
 * page-in evicting a page another process needs next, forever, with no process ever killed.
 * The other half is always there for user pages (and swap); a kernel allocation past the bound
 * fails as if memory were out: fork is EAGAIN, an open of /proc ENOMEM, a page table that
 * cannot be had kills its process.
 */
export let kernframes: u32 = 0;
let kernlimit: u32 = 0;

export function frame(pa: usize): Frame {
  return changetype<Frame>(table + (pa >>> 12) * sizeof<Frame>());
}

/** Builds the table after the kernel's image (`end`: a virtual address) for memBytes of RAM. */
export function kinit(end: usize, memBytes: u32): void {
  nframes = memBytes >>> 12;
  table = (end + PGSIZE - 1) & ~(PGSIZE - 1);
  const tableEnd = table + nframes * sizeof<Frame>();
  const firstFree = ((tableEnd - KERNBASE) + PGSIZE - 1) >>> 12;
  // Every frame from the top down onto the free list, so that low frames are handed out first.
  for (let i: u32 = nframes; i > 0; i--) {
    const n = i - 1;
    const f = frame(n << 12);
    f.va = 0;
    if (n < firstFree) {
      f.pid = 0; f.flags = FRAME_RESERVED; f.next = 0;
    } else {
      f.pid = -1; f.flags = 0; f.next = freelist; freelist = n + 1; freecount++;
    }
  }
  kernlimit = freecount / 2;
}

/** A zeroed free frame, as a physical address (0 when there is none); one reference. */
export function kalloc(flags: u32, pid: i32, va: usize): usize {
  const pa = kallocraw(flags, pid, va);
  if (pa != 0) memzero(KERNBASE + pa, PGSIZE);
  return pa;
}

/** A free frame whose contents the caller is about to overwrite (not zeroed). */
export function kallocraw(flags: u32, pid: i32, va: usize): usize {
  const kernel = (flags & FRAME_KERNEL) != 0;
  if (kernel && kernframes >= kernlimit) return 0; // the kernel's half is used up
  // Low on frames: the replacement policy evicts (swap.ts); it may sleep on the disk.
  if (freecount <= LOWWATER) reclaim();
  if (freelist == 0) return 0;
  const n = freelist - 1;
  const f = frame(n << 12);
  freelist = f.next;
  freecount--;
  f.next = 1; f.pid = pid; f.va = va; f.flags = flags;
  if (kernel) kernframes++;
  return n << 12;
}

/** One more mapping of a frame. */
export function kref(pa: usize): void {
  frame(pa).next++;
}

/** How many mappings a frame has. */
export function krefs(pa: usize): u32 {
  return frame(pa).next;
}

/** One mapping fewer: the last one frees the frame. */
export function kunref(pa: usize): void {
  const f = frame(pa);
  if (f.next > 1) { f.next--; return; }
  kfree(pa);
}

/** Returns a frame to the free list. */
export function kfree(pa: usize): void {
  const n = pa >>> 12;
  if ((pa & (PGSIZE - 1)) != 0 || n >= nframes) panic("kfree: not a frame", 0);
  const f = frame(pa);
  if (f.pid == -1 || (f.flags & FRAME_RESERVED) != 0) panic("kfree: frame is free or reserved", 0);
  // On a list of the lru2 policy (flags bits 8–9): off it.
  if ((f.flags & 0x300) != 0 && (f.flags & FRAME_USER) != 0) lruforget(pa);
  if ((f.flags & FRAME_KERNEL) != 0) kernframes--;
  f.pid = -1; f.flags = 0; f.va = 0;
  f.next = freelist;
  freelist = n + 1;
  freecount++;
}

export function kallocReport(): void {
  printf("memory: %u KiB in %u frames, %u free\n", nframes * 4, nframes, freecount);
}
