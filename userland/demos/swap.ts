// swap [read|write]: pages going out to swap and coming back. Maps three times the machine's RAM
// (MemTotal, from /proc/meminfo) of anonymous memory, writes every page — the first ones go out
// to the swap area to make room for the last — then touches page 0 again: it comes back from its
// swap slot on one major fault. Then every page is read back and checked, and /proc/vmstat's
// pswpout and pswpin show the traffic.
//
// `swap read`: page 0, out in swap, is the buffer of a read() from /etc/motd: the kernel's own
// write into it (a copy to user) brings it back from swap first. `swap write`: page 0 holds a
// line of text and is write()'s buffer: the kernel's read of it brings it back.
//
// A page that cannot be read back (a disk error in the swap area) is lost: the process dies of
// SIGBUS, whether the program or the kernel touched it.

import { printf, arg, streq } from '../lib/ulib';
import { selfstat } from '../lib/procstat';
import { mmap2, open, read, write, close } from '../lib/sys';

const PROT_READ = 1, PROT_WRITE = 2, MAP_PRIVATE = 2, MAP_ANONYMOUS = 0x20;
const PGSIZE: u32 = 4096;
const buf = memory.data(512, 4);
const motd = memory.data(64, 4);
const LINE = "swap: this line was written from a page that had been in swap\n";

/** The number after `key` in a /proc file (0 if absent). */
function procnum(path: string, key: string): u32 {
  const fd = open(path, 0, 0);
  if (fd < 0) return 0;
  const n = read(fd, buf, 511);
  close(fd);
  store<u8>(buf, 0, n > 0 ? <u32>n : 0);
  const k = changetype<usize>(key);
  for (let i: u32 = 0; load<u8>(buf, i) != 0; i++) {
    let j: u32 = 0;
    while (load<u8>(k, j) != 0 && load<u8>(buf, i + j) == load<u8>(k, j)) j++;
    if (load<u8>(k, j) != 0) continue;
    i += j;
    while (load<u8>(buf, i) == 32 || load<u8>(buf, i) == 58) i++;
    let v: u32 = 0;
    while (load<u8>(buf, i) >= 48 && load<u8>(buf, i) <= 57) { v = v * 10 + (load<u8>(buf, i) - 48); i++; }
    return v;
  }
  return 0;
}

/** The word that page p holds at word w. */
function word(p: u32, w: u32): u32 { return (p << 10) ^ w ^ 0x5a5a0000; }

export function main(argc: i32, argv: usize): i32 {
  const mode = argc > 1 ? arg(argv, 1) : 0;
  const viaread = mode != 0 && streq(mode, changetype<usize>("read"));
  const viawrite = mode != 0 && streq(mode, changetype<usize>("write"));
  if (mode != 0 && !viaread && !viawrite) { printf("usage: swap [read|write]\n"); return 2; }
  // The first bytes of /etc/motd, read now (into memory that stays), to compare with later.
  const mfd = open("/etc/motd", 0, 0);
  const mlen = read(mfd, motd, 64);
  close(mfd);
  const total = procnum("/proc/meminfo", "MemTotal");
  if (total == 0 || mlen <= 0) { printf("swap: no /proc/meminfo or /etc/motd\n"); return 1; }
  const pages = total * 3 / 4;
  const base = mmap2(0, pages * PGSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base > 0xfffff000) { printf("swap: mmap2 of %u KiB: error %d\n", pages * 4, <i32>base); return 1; }
  const out0 = procnum("/proc/vmstat", "pswpout"), in0 = procnum("/proc/vmstat", "pswpin");
  // Every page written: 16 words each naming it (and for `write`, page 0 the line of text too).
  const line = changetype<usize>(LINE);
  let llen: u32 = 0;
  while (load<u8>(line, llen) != 0) llen++;
  for (let p: u32 = 0; p < pages; p++) {
    for (let w: u32 = 0; w < 1024; w += 64) store<u32>(base + p * PGSIZE + w * 4, word(p, w));
    if (p == 0 && viawrite) for (let i: u32 = 0; i < llen; i++) store<u8>(base + 2048 + i, load<u8>(line, i));
  }
  // Written three times RAM's worth since, page 0 is out in swap now.
  const out1 = procnum("/proc/vmstat", "pswpout");
  const maj0 = selfstat(12);
  printf("swap: %u KiB mapped at 0x%08x (3 x MemTotal) and written: %u pages went out to swap\n", pages * 4, base, out1 - out0);
  if (viaread) {
    const fd = open("/etc/motd", 0, 0);
    const n = read(fd, base + 1024, 64);
    close(fd);
    const maj = selfstat(12) - maj0;
    let same = n == mlen;
    for (let i: u32 = 0; same && i < <u32>n; i++) if (load<u8>(base + 1024 + i) != load<u8>(motd, i)) same = false;
    printf("swap: read() into page 0 brought it back from swap (major faults: %u): %d bytes, %s\n", maj, n, same ? "the file's" : "WRONG");
    if (!same) return 1;
  } else if (viawrite) {
    write(1, base + 2048, llen);
    printf("swap: write() from page 0 brought it back from swap (major faults: %u)\n", selfstat(12) - maj0);
  } else {
    const v = load<u32>(base);
    printf("swap: page 0 came back from swap (major faults: %u), holding 0x%08x (%s)\n", selfstat(12) - maj0, v, v == word(0, 0) ? "right" : "WRONG");
  }
  // Every page read back and checked (the words read() or write() did not touch).
  for (let p: u32 = 0; p < pages; p++) {
    for (let w: u32 = 0; w < 1024; w += 64) {
      const at = p * PGSIZE + w * 4;
      if (p == 0 && ((viaread && at >= 1024 && at < 1088) || (viawrite && at >= 2048 && at < 2048 + llen))) continue;
      if (load<u32>(base + at) != word(p, w)) { printf("swap: page %u word %u is 0x%08x, not 0x%08x\n", p, w, load<u32>(base + at), word(p, w)); return 1; }
    }
  }
  printf("swap: all %u pages read back intact; pswpout %u, pswpin %u while this ran\n", pages,
    procnum("/proc/vmstat", "pswpout") - out0, procnum("/proc/vmstat", "pswpin") - in0);
  return 0;
}
