// /proc (SPEC §4.2; docs/kernel.md "/proc"): files the kernel writes when they are opened, in
// Linux's formats where Linux has them. The text is made into a page of its own at open time and
// read from there, so a reader sees one consistent picture.
//
//   /proc/meminfo          MemTotal, MemFree, SwapTotal, SwapFree (kB); Active, Inactive with lru2
//   /proc/vmstat           pgfault, pgmajfault, pswpin, pswpout, pgevict, pgscan_direct,
//                          pgsteal_direct, tlbflush, cowfault
//   /proc/PID/maps         the process's regions, as Linux's maps
//   /proc/PID/stat         Linux's stat line (pid, comm, state, ppid, ..., minflt, majflt, ..., vsize, rss)
//   /proc/PID/status       Name, State, Pid, PPid, VmSize, VmRSS, and the fault counts
//   /proc/self             the process that opens it
//   /proc, /proc/PID       directories: 32-byte entries, as the disk's (docs/disk.md)

import { KERNBASE, PGSIZE, PTE_P } from './memlayout';
import { kalloc, kfree, FRAME_KERNEL, nframes, freecount } from './kalloc';
import { format, type Arg } from '../userland/lib/fmt';
import { NPROC, Proc, proc, myproc, findproc, regions, procname, sleep, wakeup, UNUSED, SLEEPING, ZOMBIE } from './proc';
import { ipath } from './fs';
import { NREGION, Region, PROT_READ, PROT_WRITE, PROT_EXEC, REGION_HEAP, REGION_STACK, REGION_MMAP, minflt_total, majflt_total, tlbflushes, cowfaults } from './vm';
import { swaptotal, swapfree, pswpin, pswpout, evictions, pgscan, policy, POLICY_LRU2, lrucount, LRU_ACTIVE, LRU_INACTIVE } from './swap';

/** The page being written, and how much of it is used. */
let out: usize = 0;
let len: u32 = 0;

function put(c: u8): void {
  if (len < PGSIZE) { store<u8>(out + len, c); len++; }
}

function pf(fmt: string, a0: Arg = 0, a1: Arg = 0, a2: Arg = 0, a3: Arg = 0, a4: Arg = 0, a5: Arg = 0): void {
  format(put, fmt, a0, a1, a2, a3, a4, a5);
}

/** A directory entry: inode number (anything non-zero) and the name. */
function dirent(ino: u32, name: usize): void {
  if (len + 32 > PGSIZE) return;
  store<u32>(out + len, ino);
  let i: u32 = 0;
  while (i < 27 && load<u8>(name, i) != 0) { store<u8>(out + len + 4 + i, load<u8>(name, i)); i++; }
  for (; i < 28; i++) store<u8>(out + len + 4 + i, 0);
  len += 32;
}

const numbuf = memory.data(16, 4);

function direntNum(n: i32): void {
  // The number's digits as the name.
  let v = n;
  let k: u32 = 0;
  const tmp = memory.data(16, 4);
  do { store<u8>(tmp, <u8>(48 + v % 10), k); k++; v = v / 10; } while (v > 0);
  for (let i: u32 = 0; i < k; i++) store<u8>(numbuf, load<u8>(tmp, k - 1 - i), i);
  store<u8>(numbuf, 0, k);
  dirent(<u32>n + 1000, numbuf);
}

function statechar(p: Proc): u32 {
  if (p.state == ZOMBIE) return 90;   // Z
  if (p.state == SLEEPING) return 83; // S
  return 82;                          // R
}

/** The regions of the process being listed, copied first: looking up a path may sleep. */
const snap = memory.data(16 * 32, 4);
/** A file's path (ipath). */
const pathbuf = memory.data(256, 4);

function maps(p: Proc): void {
  if (p.pgdir == 0) return; // a zombie: its memory is gone (Linux's maps is empty too)
  const rt = regions(p);
  for (let k: u32 = 0; k < NREGION * sizeof<Region>(); k += 4) store<u32>(snap, load<u32>(rt, k), k);
  // In order of address, as Linux lists them (regions never overlap).
  let after: usize = 0;
  let first = true;
  while (true) {
    let r = changetype<Region>(0);
    for (let i: u32 = 0; i < NREGION; i++) {
      const c = changetype<Region>(snap + i * sizeof<Region>());
      if (c.kind == 0 || c.start == c.end || (!first && c.start <= after)) continue;
      if (changetype<usize>(r) == 0 || c.start < r.start) r = c;
    }
    if (changetype<usize>(r) == 0) break;
    after = r.start;
    first = false;
    pf("%08x-%08x %c%c%cp ", r.start, r.end,
      (r.prot & PROT_READ) != 0 ? 114 : 45, (r.prot & PROT_WRITE) != 0 ? 119 : 45, (r.prot & PROT_EXEC) != 0 ? 120 : 45);
    pf("%08x 00:00 %u", r.ino != 0 ? r.off : 0, r.ino);
    if (r.kind == REGION_HEAP) pf("          [heap]\n");
    else if (r.kind == REGION_STACK) pf("          [stack]\n");
    else if (r.ino == 0) pf("\n");
    // The file mapped: the program's, or the one mmap2 was given.
    else if (ipath(r.ino, pathbuf) != 0) pf("          %s\n", pathbuf);
    else pf("\n");
  }
}

/** Whether the last procgen failed for want of a frame (ENOMEM), not for want of the file. */
export let procnomem = false;

/** One procgen at a time: it writes through `out` and `len`, and may sleep (a disk read, a frame). */
let genbusy = false;
const genchan = memory.data(4, 4);

/** The text of a /proc path (kernel memory) into a new page; the page, or 0 when there is no such file. */
export function procgen(path: usize, isdir: usize): usize {
  while (genbusy) sleep(genchan);
  genbusy = true;
  const pa = procgen_locked(path, isdir);
  genbusy = false;
  wakeup(genchan);
  return pa;
}

function procgen_locked(path: usize, isdir: usize): usize {
  // path starts with "/proc".
  let i: u32 = 5;
  while (load<u8>(path, i) == 47) i++;
  const pa = kalloc(FRAME_KERNEL, 0, 0);
  procnomem = pa == 0;
  if (pa == 0) return 0;
  out = KERNBASE + pa;
  len = 0;
  store<u32>(isdir, 0);
  if (load<u8>(path, i) == 0) {
    store<u32>(isdir, 1);
    dirent(1, changetype<usize>("meminfo"));
    dirent(2, changetype<usize>("vmstat"));
    dirent(3, changetype<usize>("self"));
    for (let k: u32 = 0; k < NPROC; k++) {
      const p = proc(k);
      if (p.state != UNUSED) direntNum(p.pid);
    }
    return finish(pa);
  }
  if (word(path, i, "meminfo")) {
    pf("MemTotal:   %8u kB\nMemFree:    %8u kB\n", nframes * 4, freecount * 4);
    pf("SwapTotal:  %8u kB\nSwapFree:   %8u kB\n", swaptotal() * 4, swapfree() * 4);
    // vm.policy=lru2 keeps Linux's two lists: their sizes, as Linux's meminfo gives them.
    if (policy == POLICY_LRU2) pf("Active:     %8u kB\nInactive:   %8u kB\n", lrucount(LRU_ACTIVE) * 4, lrucount(LRU_INACTIVE) * 4);
    return finish(pa);
  }
  if (word(path, i, "vmstat")) {
    // pgfault counts every fault served, copy-on-write ones too (as Linux's does); all reclaim
    // is direct (by the process that needs a frame: there is no kswapd).
    pf("pgfault %u\npgmajfault %u\npswpin %u\npswpout %u\n", minflt_total + majflt_total + cowfaults, majflt_total, pswpin, pswpout);
    pf("pgevict %u\npgscan_direct %u\npgsteal_direct %u\n", evictions, pgscan, evictions);
    pf("tlbflush %u\ncowfault %u\n", tlbflushes, cowfaults);
    return finish(pa);
  }
  // self or a pid, then an optional file.
  let p = changetype<Proc>(0);
  if (load<u8>(path, i) == 115 && load<u8>(path, i + 1) == 101 && load<u8>(path, i + 2) == 108 && load<u8>(path, i + 3) == 102) {
    p = myproc();
    i += 4;
  } else {
    let n = 0;
    const s = i;
    while (load<u8>(path, i) >= 48 && load<u8>(path, i) <= 57) { n = n * 10 + (load<u8>(path, i) - 48); i++; }
    if (i == s) return none(pa);
    p = findproc(n);
  }
  if (changetype<usize>(p) == 0 || (load<u8>(path, i) != 0 && load<u8>(path, i) != 47)) return none(pa);
  while (load<u8>(path, i) == 47) i++;
  if (load<u8>(path, i) == 0) {
    store<u32>(isdir, 1);
    dirent(1, changetype<usize>("maps"));
    dirent(2, changetype<usize>("stat"));
    dirent(3, changetype<usize>("status"));
    return finish(pa);
  }
  if (word(path, i, "maps")) { maps(p); return finish(pa); }
  if (word(path, i, "stat")) {
    // Linux's fields: pid comm state ppid pgrp session tty_nr tpgid flags minflt(10) cminflt
    // majflt(12) cmajflt utime stime cutime cstime priority nice num_threads itrealvalue
    // starttime vsize(23, bytes) rss(24, pages). No CPU times are kept: those are 0.
    pf("%d (%s) %c %d 0 0 0 -1 0 ", p.pid, procname(p), statechar(p), p.parent);
    pf("%u 0 %u 0 0 0 0 0 20 0 1 0 0 %u %u\n", p.minflt, p.majflt, vsize(p), rss(p));
    return finish(pa);
  }
  if (word(path, i, "status")) {
    pf("Name:\t%s\nState:\t%c\nPid:\t%d\nPPid:\t%d\n", procname(p), statechar(p), p.pid, p.parent);
    pf("VmSize:\t%8u kB\nVmRSS:\t%8u kB\n", vsize(p) / 1024, rss(p) * 4);
    pf("MinFlt:\t%u\nMajFlt:\t%u\n", p.minflt, p.majflt);
    return finish(pa);
  }
  return none(pa);
}

/** The bytes of a process's regions (its virtual size; the stack's region counts whole). */
function vsize(p: Proc): u32 {
  if (p.pgdir == 0) return 0; // a zombie: its memory is gone
  const rt = regions(p);
  let n: u32 = 0;
  for (let i: u32 = 0; i < NREGION; i++) {
    const r = changetype<Region>(rt + i * sizeof<Region>());
    if (r.kind != 0) n += r.end - r.start;
  }
  return n;
}

/** How many of a process's pages are in memory (present in its page tables). */
function rss(p: Proc): u32 {
  if (p.pgdir == 0) return 0;
  let n: u32 = 0;
  for (let i: u32 = 0; i < 768; i++) {
    const e = load<u32>(p.pgdir, i * 4);
    if ((e & PTE_P) == 0) continue;
    const pt = KERNBASE + (e & ~0xfff);
    for (let j: u32 = 0; j < 1024; j++) if ((load<u32>(pt, j * 4) & PTE_P) != 0) n++;
  }
  return n;
}

/** Whether path from i is exactly w (NUL-terminated, or followed by '/'). */
function word(path: usize, i: u32, w: string): bool {
  const s = changetype<usize>(w);
  let k: u32 = 0;
  while (load<u8>(s, k) != 0) { if (load<u8>(path, i + k) != load<u8>(s, k)) return false; k++; }
  return load<u8>(path, i + k) == 0;
}

function finish(pa: usize): usize {
  return pa;
}

/** No such file: the page goes back. */
function none(pa: usize): usize {
  kfree(pa);
  return 0;
}

/** How many bytes the last procgen wrote. */
export function procgen_len(): u32 {
  return len;
}
