// file-backed: reads one word of each of the 64 pages of its initialised data (data.s): each page
// is read from the disk on first touch — a major fault — as /proc/self/stat shows.

import { printf } from '../../lib/ulib';
import { open, read, close } from '../../lib/sys';

const buf = memory.data(256, 4);

/** Field n (1-based) of /proc/self/stat. */
function statfield(n: i32): u32 {
  const fd = open("/proc/self/stat", 0, 0);
  const len = read(fd, buf, 255);
  close(fd);
  store<u8>(buf, 0, <u32>len);
  let field = 1;
  let i: u32 = 0;
  while (field < n && load<u8>(buf, i) != 0) { if (load<u8>(buf, i) == 32) field++; i++; }
  let v: u32 = 0;
  while (load<u8>(buf, i) >= 48 && load<u8>(buf, i) <= 57) { v = v * 10 + (load<u8>(buf, i) - 48); i++; }
  return v;
}

export function main(argc: i32, argv: usize): i32 {
  const data = symbol("pages");
  const before = statfield(12);
  let sum: u32 = 0;
  for (let i: u32 = 0; i < 64; i++) sum += load<u32>(data + i * 4096);
  const after = statfield(12);
  printf("file-backed: 64 pages read from the disk (sum %u), %u major faults\n", sum, after - before);
  return 0;
}
