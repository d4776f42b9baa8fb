// file-backed: reads one word of each of the 64 pages of its initialised data (data.s): each page
// is read from the disk on first touch — a major fault — as /proc/self/stat shows.

import { printf } from '../../lib/ulib';
import { selfstat } from '../../lib/procstat';

export function main(argc: i32, argv: usize): i32 {
  const data = symbol("pages");
  const before = selfstat(12);
  let sum: u32 = 0;
  for (let i: u32 = 0; i < 64; i++) sum += load<u32>(data + i * 4096);
  const after = selfstat(12);
  printf("file-backed: 64 pages read from the disk (sum %u), %u major faults\n", sum, after - before);
  return 0;
}
