// hog KIB: takes KIB KiB of memory with brk and touches every page (each one a demand-zero
// fault), then reports and exits.

import { printf, arg, atoi } from '../lib/ulib';
import { brk } from '../lib/sys';

export function main(argc: i32, argv: usize): i32 {
  const kib = argc > 1 ? atoi(arg(argv, 1)) : 1024;
  const start = brk(0);
  const end = brk(start + <u32>kib * 1024);
  if (end != start + <u32>kib * 1024) { printf("hog: cannot grow the heap by %d KiB\n", kib); return 1; }
  for (let p = start; p < end; p += 4096) store<u32>(p, p);
  let sum: u32 = 0;
  for (let p = start; p < end; p += 4096) sum += load<u32>(p) == p ? 1 : 0;
  printf("hog: %d KiB in %u pages\n", kib, sum);
  return 0;
}
