// /proc (SPEC §4.2; docs/kernel.md "/proc"): files the kernel writes when they are opened, in
// Linux's formats where Linux has them. The text is made into a page of its own at open time and
// read from there, so a reader sees one consistent picture.
//
//   /proc/meminfo          MemTotal, MemFree, SwapTotal, SwapFree (kB)
//   /proc/vmstat           pgfault, pgmajfault, pswpin, pswpout, pgevict, tlbflush
//   /proc/PID/maps         the process's regions, as Linux's maps
//   /proc/PID/stat         Linux's stat line (pid, comm, state, ppid, ..., minflt, majflt)
//   /proc/PID/status       Name, State, Pid, PPid, and the fault counts
//   /proc/self             the process that opens it
//   /proc, /proc/PID       directories: 32-byte entries, as the disk's (docs/disk.md)

import { KERNBASE, PGSIZE } from './memlayout';
import { kalloc, kfree, FRAME_KERNEL, nframes, freecount } from './kalloc';
import { format, type Arg } from '../userland/lib/fmt';
import { NPROC, Proc, proc, myproc, findproc, regions, procname, UNUSED, SLEEPING, ZOMBIE } from './proc';
import { NREGION, Region, PROT_READ, PROT_WRITE, PROT_EXEC, REGION_HEAP, REGION_STACK, REGION_MMAP, minflt_total, majflt_total, tlbflushes, cowfaults } from './vm';
import { swaptotal, swapfree, pswpin, pswpout, evictions } from './swap';

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

function maps(p: Proc): void {
  const rt = regions(p);
  for (let i: u32 = 0; i < NREGION; i++) {
    const r = changetype<Region>(rt + i * sizeof<Region>());
    if (r.kind == 0 || r.start == r.end) continue;
    pf("%08x-%08x %c%c%cp ", r.start, r.end,
      (r.prot & PROT_READ) != 0 ? 114 : 45, (r.prot & PROT_WRITE) != 0 ? 119 : 45, (r.prot & PROT_EXEC) != 0 ? 120 : 45);
    pf("%08x 00:00 %u", r.ino != 0 ? r.off : 0, r.ino);
    if (r.kind == REGION_HEAP) pf("          [heap]\n");
    else if (r.kind == REGION_STACK) pf("          [stack]\n");
    else if (r.kind == REGION_MMAP && r.ino == 0) pf("\n");
    else pf("          /bin/%s\n", procname(p));
  }
}

/** The text of a /proc path (kernel memory) into a new page; the page, or 0 when there is no such file. */
export function procgen(path: usize, isdir: usize): usize {
  // path starts with "/proc".
  let i: u32 = 5;
  while (load<u8>(path, i) == 47) i++;
  const pa = kalloc(FRAME_KERNEL, 0, 0);
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
    return finish(pa);
  }
  if (word(path, i, "vmstat")) {
    pf("pgfault %u\npgmajfault %u\npswpin %u\npswpout %u\n", minflt_total + majflt_total, majflt_total, pswpin, pswpout);
    pf("pgevict %u\ntlbflush %u\ncowfault %u\n", evictions, tlbflushes, cowfaults);
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
    pf("%d (%s) %c %d 0 0 0 -1 0 ", p.pid, procname(p), statechar(p), p.parent);
    pf("%u 0 %u 0 0 0 0 0 20 0 1 0 0 0 0\n", p.minflt, p.majflt);
    return finish(pa);
  }
  if (word(path, i, "status")) {
    pf("Name:\t%s\nState:\t%c\nPid:\t%d\nPPid:\t%d\n", procname(p), statechar(p), p.pid, p.parent);
    pf("MinFlt:\t%u\nMajFlt:\t%u\n", p.minflt, p.majflt);
    return finish(pa);
  }
  return none(pa);
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
