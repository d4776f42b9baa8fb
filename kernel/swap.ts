// Swapping (SPEC §4.3; docs/kernel.md "Eviction and swap"): when free frames run low, the
// replacement policy picks a victim among the frames of user pages; a clean page of a file is
// dropped (it comes back from the file), anything else is written to a slot of the disk's swap
// area and its page-table entry keeps the slot. A fault on such an entry reads it back.
//
// A not-present page-table entry holding a swapped page: bit 0 (P) clear, bit 10 set, the slot
// number + 1 in bits 12–31. The CPU ignores every other bit of an entry whose P is clear.
//
// Policies (the kernel command line `vm.policy=`): `clock` (the default: second chance on the A
// bit), `fifo` (the oldest page in memory, A bit ignored), `aging` (an 8-bit age per frame,
// shifted right with the A bit in at each sweep: the page least used lately goes) and `lru2`
// (two lists as Linux's: new pages enter the inactive list, a page found used at its tail — the
// access that faulted it in not counted — is promoted to the active list, the active list's
// unused tail ages into the inactive list whenever that is short; the victim is the inactive
// list's unused tail).

import { KERNBASE, PGSIZE, PTE_P, PTE_A, PTE_D } from './memlayout';
import { frame, nframes, freecount, kalloc, kunref, FRAME_USER, FRAME_KERNEL } from './kalloc';
import { panic } from './trap';
import { swapStart, swapSectors } from './fs';
import { diskrw } from './disk';
import { findproc, myproc, regions, sleep, wakeup, cansleep, proc, procslots, UNUSED, Proc } from './proc';
import { walk, flushpage, findregion } from './vm';

export const PTE_SWAP: u32 = 0x400;
/** A frame being written to swap: not a victim again, not freed under the writer. */
export const FRAME_PINNED: u32 = 8;

export const POLICY_CLOCK: u32 = 0;
export const POLICY_FIFO: u32 = 1;
export const POLICY_AGING: u32 = 2;
export const POLICY_LRU2: u32 = 3;
export let policy: u32 = POLICY_CLOCK;

/** Free frames below which eviction starts, and the level it restores. */
const LOWWATER: u32 = 8;
const HIGHWATER: u32 = 16;

/** Slot reference counts (a fork shares a swapped page's slot), 0: free; at most 64 Ki slots. */
const slotrefs = memory.data(65536, 4);
let nslots: u32 = 0;
let slotsfree: u32 = 0;
/** The slot being written (1 + slot; 0: none): a fault on it waits. */
let writing: u32 = 0;
const writechan = memory.data(4, 4);

/** The clock hand (a frame number), and whether an eviction is under way. */
let hand: u32 = 0;
let evicting = false;

export let pswpin: u32 = 0;
export let pswpout: u32 = 0;
export let evictions: u32 = 0;
/** Frames the policies looked at while choosing victims (/proc/vmstat pgscan_direct). */
export let pgscan: u32 = 0;

export function swapinit(): void {
  if (policy == POLICY_LRU2) lruinit();
  let n = swapSectors() / 8;
  if (n > 65536) n = 65536;
  nslots = n;
  slotsfree = n;
}

export function swaptotal(): u32 { return nslots; }
export function swapfree(): u32 { return slotsfree; }

export function setpolicy(p: u32): void { policy = p; }

export function policyname(): string {
  return policy == POLICY_FIFO ? "fifo" : policy == POLICY_AGING ? "aging" : policy == POLICY_LRU2 ? "lru2" : "clock";
}

function allocslot(): i32 {
  for (let s: u32 = 0; s < nslots; s++) {
    if (load<u8>(slotrefs, s) == 0) { store<u8>(slotrefs, 1, s); slotsfree--; return <i32>s; }
  }
  return -1;
}

/** One reference fewer to a slot (a swapped page unmapped, or read back). */
export function slotunref(slot: u32): void {
  const r = load<u8>(slotrefs, slot);
  if (r == 0) return;
  store<u8>(slotrefs, r - 1, slot);
  if (r == 1) slotsfree++;
}

export function slotref(slot: u32): void {
  store<u8>(slotrefs, load<u8>(slotrefs, slot) + 1, slot);
}

/** The frame allocator is low: evict until enough frames are free (or nothing more can go). */
export function reclaim(): void {
  if (!cansleep()) return;
  // Another process is evicting (and sleeping on the disk): wait for it, then see.
  while (evicting) sleep(evictchan);
  if (freecount > LOWWATER) return;
  evicting = true;
  // A page whose write to swap fails stays; another is tried (at most 32 attempts a time).
  for (let tries = 0; tries < 32 && freecount < HIGHWATER; tries++) {
    if (evictone() == 0) break;
  }
  evicting = false;
  wakeup(evictchan);
}

const evictchan = memory.data(4, 4);

export function lowwater(): u32 { return LOWWATER; }

/** The page-table entries that map the frame being looked at, and their owners (mappings()). */
const mapptes = memory.data(64 * 4, 4);
const mappids = memory.data(64 * 4, 4);
const mapold = memory.data(64 * 4, 4);
let nmaps: u32 = 0;

/**
 * Every mapping of frame n, into mapptes/mappids (nmaps of them); false when the frame cannot be
 * a victim (not a user page, pinned, not mapped). A frame shared by copy-on-write is mapped at the
 * same address in each process that shares it: they are found by looking there.
 */
function mappings(n: u32): bool {
  const f = frame(n << 12);
  nmaps = 0;
  lookva = f.va;
  if ((f.flags & FRAME_USER) == 0 || (f.flags & FRAME_PINNED) != 0 || f.pid <= 0) return false;
  if (f.next == 1) {
    const p = findproc(f.pid);
    if (changetype<usize>(p) != 0 && p.pgdir != 0) addmapping(p, n);
  }
  // Shared, or the frame table's owner no longer maps it (the other sharer copied the page away):
  // every process is looked at.
  if (nmaps == 0) {
    for (let i: u32 = 0; i < procslots() && nmaps < 64; i++) {
      const p = proc(i);
      if (p.state != UNUSED && p.pgdir != 0) addmapping(p, n);
    }
  }
  return nmaps > 0;
}

function addmapping(p: Proc, n: u32): void {
  const f = frame(n << 12);
  const pte = walk(p.pgdir, f.va, false, 0);
  if (pte == 0) return;
  const e = load<u32>(pte);
  if ((e & PTE_P) == 0 || (e & ~0xfff) != (n << 12)) return;
  store<usize>(mapptes, pte, nmaps * 4);
  store<i32>(mappids, p.pid, nmaps * 4);
  nmaps++;
}

/** The page-table entry of a frame's (first) mapping, or 0: whether it can be a victim. */
function mappingof(n: u32): usize {
  if (!mappings(n)) return 0;
  return load<usize>(mapptes);
}

/** The virtual address of the frame mappings() looked at (the same in every mapping). */
let lookva: usize = 0;

/** Whether any mapping found by mappings() has the bit; clears it in all when `clear`. */
function anybit(bit: u32, clear: bool): bool {
  let any = false;
  for (let k: u32 = 0; k < nmaps; k++) {
    const pte = load<usize>(mapptes, k * 4);
    const e = load<u32>(pte);
    if ((e & bit) != 0) {
      any = true;
      if (clear) { store<u32>(pte, e & ~bit); flushifmine(load<i32>(mappids, k * 4), lookva); }
    }
  }
  return any;
}

/** The next victim by the policy: a frame number, or -1. */
function victim(): i32 {
  const n = nframes;
  if (policy == POLICY_LRU2) return lru2victim();
  if (policy == POLICY_FIFO) {
    // The oldest: the smallest allocation stamp (flags bits 8–31).
    let best: i32 = -1;
    let oldest: u32 = 0xffffffff;
    for (let i: u32 = 0; i < n; i++) {
      const f = frame(i << 12);
      if ((f.flags & FRAME_USER) == 0) continue;
      pgscan++;
      if ((f.flags >>> 8) >= oldest || !mappings(i)) continue;
      oldest = f.flags >>> 8;
      best = <i32>i;
    }
    return best;
  }
  if (policy == POLICY_AGING) {
    // A sweep: each page's age shifts right with its A bit in at the top (and A is cleared):
    // the lowest age — the page used least in the last sweeps — goes.
    let best: i32 = -1;
    let lowest: u32 = 256;
    for (let i: u32 = 0; i < n; i++) {
      const f = frame(i << 12);
      if ((f.flags & FRAME_USER) == 0) continue;
      pgscan++;
      if (!mappings(i)) continue;
      let age = (f.flags >>> 8) & 0xff;
      age = (age >>> 1) | (anybit(PTE_A, true) ? 0x80 : 0);
      f.flags = (f.flags & 0xff) | (age << 8);
      if (age < lowest) { lowest = age; best = <i32>i; }
    }
    return best;
  }
  // CLOCK: sweep from the hand; a page with A set (in any mapping) gets a second chance.
  for (let k: u32 = 0; k < 2 * n; k++) {
    const i = hand;
    hand = (hand + 1) % n;
    const f = frame(i << 12);
    if ((f.flags & FRAME_USER) == 0) continue;
    pgscan++;
    if (!mappings(i)) continue;
    if (anybit(PTE_A, true)) continue;
    return <i32>i;
  }
  return -1;
}

/** A TLB entry of the current address space must go with its page-table entry's change. */
function flushifmine(pid: i32, va: usize): void {
  const me = myproc();
  if (changetype<usize>(me) != 0 && me.pid == pid) flushpage(va);
}

/** Evicts one page: 1; 0 when none can go (nothing evictable, no free slot); -1 after a failed write. */
function evictone(): i32 {
  const v = victim();
  if (v < 0) return 0;
  const n = <u32>v;
  const pa = n << 12;
  mappings(n);
  const f = frame(pa);
  const va = f.va;
  const dirty = anybit(PTE_D, false);
  const owner = findproc(load<i32>(mappids));
  const r = findregion(regions(owner), va);
  // A clean page of the program's file: dropped from every mapping, read again from the file.
  if (!dirty && changetype<usize>(r) != 0 && r.ino != 0 && va - r.start < r.filesz) {
    for (let k: u32 = 0; k < nmaps; k++) {
      store<u32>(load<usize>(mapptes, k * 4), 0);
      flushifmine(load<i32>(mappids, k * 4), va);
      kunref(pa);
    }
    evictions++;
    return 1;
  }
  const s = allocslot();
  if (s < 0) return 0;
  const slot = <u32>s;
  // Unmapped first, from every mapping (a fault on it now waits for the write); the slot has
  // as many references as the page had mappings; the frame is pinned while the disk reads it.
  const count = nmaps;
  for (let k: u32 = 0; k < count; k++) {
    const pte = load<usize>(mapptes, k * 4);
    store<u32>(mapold, load<u32>(pte), k * 4);
    store<u32>(pte, ((slot + 1) << 12) | PTE_SWAP);
    flushifmine(load<i32>(mappids, k * 4), va);
    if (k > 0) slotref(slot);
  }
  f.flags |= FRAME_PINNED;
  writing = slot + 1;
  const err = diskrw(swapStart() + slot * 8, 8, KERNBASE + pa, true);
  writing = 0;
  wakeup(writechan);
  f.flags &= ~FRAME_PINNED;
  if (err != 0) {
    // The page stays resident, mapped again as it was (its A bits clear: a later victim).
    for (let k: u32 = 0; k < count; k++) {
      store<u32>(load<usize>(mapptes, k * 4), load<u32>(mapold, k * 4) & ~PTE_A);
      slotunref(slot);
    }
    // lru2: to the inactive list's head, so that the next victim is another page.
    if (lrulinks != 0) lrumove(n, LRU_INACTIVE);
    return -1;
  }
  for (let k: u32 = 0; k < count; k++) kunref(pa);
  pswpout++;
  evictions++;
  return 1;
}

/**
 * A fault on a swapped page: read back into a new frame and mapped with the region's rights.
 * Returns 1 (major fault), 0 when the page is in memory again without a read (its write to swap
 * failed while the fault waited), -1 when there is no frame, or -2 after a disk error.
 */
export function swapin(p: Proc, pte: usize, va: usize, perm: u32, pa: usize): i32 {
  let e = load<u32>(pte);
  let slot = (e >>> 12) - 1;
  // Its write to the slot is under way: wait. Meanwhile the write may fail (the page is mapped
  // again as it was) or the page go to another slot: look again.
  while (writing == slot + 1) {
    sleep(writechan);
    e = load<u32>(pte);
    if ((e & PTE_SWAP) == 0) return 0; // back in memory: the access is retried
    slot = (e >>> 12) - 1;
  }
  if (diskrw(swapStart() + slot * 8, 8, KERNBASE + pa, false) != 0) return -2;
  // Dirty: its contents are not the file's (were they, the page would have been dropped, not
  // swapped) — a later eviction must write it again, not drop it.
  store<u32>(pte, pa | perm | PTE_P | PTE_D);
  slotunref(slot);
  pswpin++;
  return 1;
}

/** A stamp per allocation (FIFO's age), kept in the frame's flags bits 8–31. */
let stamps: u32 = 0;
export function stamp(pa: usize): void {
  if (policy == POLICY_CLOCK) return; // CLOCK needs no stamp
  if (policy == POLICY_LRU2) { lrupush(pa >>> 12, LRU_INACTIVE); lrunew(pa >>> 12); return; }
  const f = frame(pa);
  stamps++;
  f.flags = (f.flags & 0xff) | ((policy == POLICY_AGING ? 0x80 : stamps & 0xffffff) << 8);
}

// ---- lru2: a two-list LRU as Linux's (docs/kernel.md "Eviction and swap") -------------------
//
// Every frame of a user page is on one of two lists, each ordered from its head (the most
// recently added) to its tail:
//   inactive  pages not known to be in use: a new page enters here (at the head); the victim is
//             taken from the tail — unless its A bit (in any mapping) shows it was used on its
//             way down, in which case it is promoted to the active list. The access that faulted
//             a page in does not count: its A bit is cleared once a few more pages have come in
//             (lrunew), so a page used only once never gets further;
//   active    pages used on the inactive list. Whenever the inactive list holds less than an
//             eighth of the pages, the active list's tail is looked at: used since it was last
//             looked at (its A bit), it goes round the active list again; if not, it ages into
//             the inactive list's head (Linux's shrink_active_list), where one use on its way down
//             brings it back and none lets it go. A bits are cleared as they are read.
// A frame that cannot be a victim now (pinned, or not mapped) moves to the head of its list; so
// does one whose write to swap failed. A freed frame leaves its list (kfree calls lruforget).
//
// Which list a frame is on: bits 8–9 of its flags (0: none). The links: 8 bytes a frame (the
// previous and the next frame on the list, each + 1; 0: none), taken at boot from the first free
// frames (nframes / 512 of them, rounded up) only when vm.policy=lru2.

export const LRU_INACTIVE: u32 = 1;
export const LRU_ACTIVE: u32 = 2;
/** The links (a kernel virtual address; 0 unless the policy is lru2). */
let lrulinks: usize = 0;
/** Per list (indexed by LRU_INACTIVE, LRU_ACTIVE): head + 1, tail + 1, length. */
const lruhead = memory.data(12, 4);
const lrutail = memory.data(12, 4);
const lrulen = memory.data(12, 4);

/** The lists' links, in consecutive frames from the free list (in order at boot). */
function lruinit(): void {
  const pages = (nframes * 8 + PGSIZE - 1) / PGSIZE;
  let first: usize = 0;
  for (let i: u32 = 0; i < pages; i++) {
    const pa = kalloc(FRAME_KERNEL, 0, 0);
    if (i == 0) first = pa;
    if (pa == 0 || pa != first + i * PGSIZE) panic("lru2: no room for the lists", 0);
  }
  lrulinks = KERNBASE + first;
}

/** How many frames are on a list. */
export function lrucount(l: u32): u32 { return load<u32>(lrulen, l * 4); }

/** Frame n onto the head of list l (it must be on none). */
function lrupush(n: u32, l: u32): void {
  const h = load<u32>(lruhead, l * 4);
  store<u32>(lrulinks + n * 8, 0);
  store<u32>(lrulinks + n * 8 + 4, h);
  if (h != 0) store<u32>(lrulinks + (h - 1) * 8, n + 1);
  else store<u32>(lrutail, n + 1, l * 4);
  store<u32>(lruhead, n + 1, l * 4);
  store<u32>(lrulen, load<u32>(lrulen, l * 4) + 1, l * 4);
  const f = frame(n << 12);
  f.flags = (f.flags & ~0x300) | (l << 8);
}

/** Frame n off its list (if on one). */
function lruunlink(n: u32): void {
  const f = frame(n << 12);
  const l = (f.flags >>> 8) & 3;
  if (l == 0) return;
  const prev = load<u32>(lrulinks + n * 8);
  const next = load<u32>(lrulinks + n * 8 + 4);
  if (prev != 0) store<u32>(lrulinks + (prev - 1) * 8 + 4, next);
  else store<u32>(lruhead, next, l * 4);
  if (next != 0) store<u32>(lrulinks + (next - 1) * 8, prev);
  else store<u32>(lrutail, prev, l * 4);
  store<u32>(lrulen, load<u32>(lrulen, l * 4) - 1, l * 4);
  f.flags &= ~0x300;
}

/** Frame n to the head of list l. */
function lrumove(n: u32, l: u32): void {
  lruunlink(n);
  lrupush(n, l);
}

/** kfree: a frame going back to the free list leaves its list. */
export function lruforget(pa: usize): void {
  if (lrulinks != 0) lruunlink(pa >>> 12);
}

/**
 * The inactive list is short when it holds less than 1/INACTIVE_SHARE of the frames on the lists
 * (Linux keeps it at 1/(1 + sqrt(10 × GiB)) of the anonymous pages, and half below 1 GiB; 1/8
 * measured best here: tools/bench, docs/kernel.md).
 */
const INACTIVE_SHARE: u32 = 8;

/**
 * The pages that came in last (frame number + 1, and the page's process and address, so that a
 * frame freed and reused meanwhile is not mistaken for it), a ring of NEWRING. The access that
 * faulted a page in sets its A bit; by the time NEWRING more pages have come in that access has
 * long been made, and lrunew clears the bit: an A bit seen at the inactive list's tail is then a
 * use after the fault. (A page still being read in when its turn comes is not mapped yet and is
 * passed over: its faulting access will count as a use.)
 */
const NEWRING: u32 = 4;
const newframe = memory.data(4 * 4, 4);
const newpid = memory.data(4 * 4, 4);
const newva = memory.data(4 * 4, 4);
let newat: u32 = 0;

function lrunew(n: u32): void {
  const old = load<u32>(newframe, newat * 4);
  if (old != 0) {
    const f = frame((old - 1) << 12);
    if ((f.flags & FRAME_USER) != 0 && f.pid == load<i32>(newpid, newat * 4) && f.va == load<usize>(newva, newat * 4) && mappings(old - 1)) anybit(PTE_A, true);
  }
  const f = frame(n << 12);
  store<u32>(newframe, n + 1, newat * 4);
  store<i32>(newpid, f.pid, newat * 4);
  store<usize>(newva, f.va, newat * 4);
  newat = (newat + 1) % NEWRING;
}

/** lru2's victim: a frame number, or -1 when no page can go. */
function lru2victim(): i32 {
  // Each step moves one frame; every frame can be looked at a few times before giving up.
  for (let k: u32 = 0; k < 4 * nframes; k++) {
    pgscan++;
    const atail = load<u32>(lrutail, LRU_ACTIVE * 4);
    const ni = lrucount(LRU_INACTIVE);
    if (atail != 0 && ni * INACTIVE_SHARE < ni + lrucount(LRU_ACTIVE)) {
      // The inactive list is short: the active list's tail ages into it, its A bits cleared —
      // unless it was used on its way down the active list: then it goes round again. A page
      // aged is one more use on the inactive list from coming back.
      const a = atail - 1;
      if (mappings(a) && anybit(PTE_A, true)) { lrumove(a, LRU_ACTIVE); continue; }
      lrumove(a, LRU_INACTIVE);
      continue;
    }
    const itail = load<u32>(lrutail, LRU_INACTIVE * 4);
    if (itail == 0) return -1;
    const n = itail - 1;
    // Pinned, or not mapped: not now.
    if (!mappings(n)) { lrumove(n, LRU_INACTIVE); continue; }
    if (anybit(PTE_A, true)) {
      // Used on its way down the list (not counting the access that faulted it in: lrunew).
      lrumove(n, LRU_ACTIVE);
      continue;
    }
    return <i32>n;
  }
  return -1;
}
