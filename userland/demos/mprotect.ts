// mprotect: mappings and their rights. Four anonymous pages by mmap2; the first made read-only
// with mprotect — a child that writes there dies with SIGSEGV while reading still works; the third
// unmapped with munmap — a child that touches it dies too; and /etc/motd mapped privately, read
// through memory; then its /proc/self/maps shows the regions the calls split.

import { printf } from '../lib/ulib';
import { mmap2, munmap, mprotect, fork, waitpid, exit, open, read, write, close } from '../lib/sys';

const PROT_READ = 1, PROT_WRITE = 2, MAP_PRIVATE = 2, MAP_ANONYMOUS = 0x20;
const status = memory.data(4, 4);
const buf = memory.data(256, 4);

/** Runs f's kind of access in a child; returns the signal it died of (0: none). */
function child(addr: usize, write: bool): i32 {
  const pid = fork();
  if (pid == 0) {
    if (write) store<u32>(addr, 1); else load<u32>(addr);
    exit(0);
  }
  waitpid(pid, status, 0);
  return load<i32>(status) & 0x7f;
}

export function main(argc: i32, argv: usize): i32 {
  const base = mmap2(0, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  for (let i: u32 = 0; i < 4; i++) store<u32>(base + i * 4096, 100 + i);
  printf("mprotect: 4 pages mapped at 0x%08x\n", base);
  mprotect(base, 4096, PROT_READ);
  printf("mprotect: page 0 read-only: a write kills with signal %d, a read gives %u\n", child(base, true), load<u32>(base));
  munmap(base + 2 * 4096, 4096);
  printf("mprotect: page 2 unmapped: a read kills with signal %d; page 3 still holds %u\n", child(base + 2 * 4096, false), load<u32>(base + 3 * 4096));
  const fd = open("/etc/motd", 0, 0);
  const motd = mmap2(0, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
  let n: u32 = 0;
  while (load<u8>(motd, n) != 10 && n < 200) n++;
  printf("mprotect: /etc/motd mapped at 0x%08x, its first line %u bytes, begins with '%c'\n", motd, n, load<u8>(motd));
  printf("mprotect: writing to that read-only mapping kills with signal %d\n", child(motd, true));
  // The regions now: the four pages became three regions (read-only, read-write, read-write,
  // with the hole between), and /etc/motd's mapping names its file.
  printf("mprotect: /proc/self/maps:\n");
  const mfd = open("/proc/self/maps", 0, 0);
  while (true) {
    const n = read(mfd, buf, 256);
    if (n <= 0) break;
    write(1, buf, <u32>n);
  }
  close(mfd);
  return 0;
}
