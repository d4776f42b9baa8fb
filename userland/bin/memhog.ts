// memhog SIZE [PASSES]: takes SIZE of memory (bytes, or with K, M suffixes: `memhog 24M`) with
// brk, writes every page, then reads every page back PASSES times (default 2), checking each —
// on a small machine it runs through swap. Reports the faults it took from /proc/self/stat.

import { printf, arg, atoi } from '../lib/ulib';
import { brk, getpid } from '../lib/sys';
import { selfstat } from '../lib/procstat';

/** A size: digits, then an optional K or M. */
function size(s: usize): u32 {
  let v = <u32>atoi(s);
  let i: u32 = 0;
  while (load<u8>(s, i) >= 48 && load<u8>(s, i) <= 57) i++;
  const u = load<u8>(s, i);
  if (u == 75 || u == 107) v = v * 1024;
  else if (u == 77 || u == 109) v = v * 1024 * 1024;
  return v;
}

export function main(argc: i32, argv: usize): i32 {
  const bytes = argc > 1 ? size(arg(argv, 1)) : 4 * 1024 * 1024;
  const passes = argc > 2 ? <u32>atoi(arg(argv, 2)) : 2;
  const pages = (bytes + 4095) / 4096;
  const base = brk(0);
  if (brk(base + pages * 4096) != base + pages * 4096) { printf("memhog: cannot take %u KiB\n", pages * 4); return 1; }
  const me = <u32>getpid();
  for (let p: u32 = 0; p < pages; p++) store<u32>(base + p * 4096, p ^ me);
  for (let k: u32 = 0; k < passes; k++) {
    for (let p: u32 = 0; p < pages; p++) {
      if (load<u32>(base + p * 4096) != (p ^ me)) { printf("memhog: page %u is wrong\n", p); return 1; }
    }
  }
  printf("memhog %d: %u KiB checked %u times, %u minor and %u major faults\n", me, pages * 4, passes, selfstat(10), selfstat(12));
  return 0;
}
