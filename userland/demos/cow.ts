// cow: fork shares pages until one side writes. The parent fills 64 pages; the child reads all of
// them (no copies: no faults) and writes 8 (8 copy-on-write faults, one page copied each), and the
// parent still sees its own data.

import { printf } from '../lib/ulib';
import { fork, waitpid, exit, open, read, close } from '../lib/sys';

const pages = memory.data(64 * 4096, 4096);
const buf = memory.data(256, 4);
const status = memory.data(4, 4);

/** Minor faults so far (field 10 of /proc/self/stat). */
function minflt(): u32 {
  const fd = open("/proc/self/stat", 0, 0);
  const n = read(fd, buf, 255);
  close(fd);
  store<u8>(buf, 0, <u32>n);
  let field = 1;
  let i: u32 = 0;
  while (field < 10 && load<u8>(buf, i) != 0) { if (load<u8>(buf, i) == 32) field++; i++; }
  let v: u32 = 0;
  while (load<u8>(buf, i) >= 48 && load<u8>(buf, i) <= 57) { v = v * 10 + (load<u8>(buf, i) - 48); i++; }
  return v;
}

export function main(argc: i32, argv: usize): i32 {
  for (let i: u32 = 0; i < 64; i++) store<u32>(pages + i * 4096, i);
  const pid = fork();
  if (pid == 0) {
    store<u8>(buf, 0); // the buffer minflt() reads into: its copy-on-write fault comes first
    const a = minflt();
    let sum: u32 = 0;
    for (let i: u32 = 0; i < 64; i++) sum += load<u32>(pages + i * 4096);
    const b = minflt();
    for (let i: u32 = 0; i < 8; i++) store<u32>(pages + i * 4096, 1000 + i);
    const c = minflt();
    printf("cow: child read 64 shared pages (sum %u) with %u faults, wrote 8 with %u faults\n", sum, b - a, c - b);
    exit(0);
  }
  waitpid(pid, status, 0);
  let same = true;
  for (let i: u32 = 0; i < 64; i++) if (load<u32>(pages + i * 4096) != i) same = false;
  printf("cow: the parent's pages %s\n", same ? "are unchanged" : "CHANGED");
  return same ? 0 : 1;
}
