// pagetest PATTERN KIB PASSES: a paging workload that checks every byte it reads. It takes KIB
// KiB with brk, fills each page with words that name the page, then makes PASSES × (pages)
// accesses in a pattern — `loop` (every page in turn), `hot` (80% of the accesses to 20% of the
// pages), `random` — each one checking a word of its page. Ends with `pagetest: ok` and exit 0,
// or the first wrong word and exit 1.

import { printf, arg, atoi, streq } from '../lib/ulib';
import { brk } from '../lib/sys';

let seed: u32 = 12345;
function rnd(): u32 {
  seed = seed * 1103515245 + 12345;
  return seed >>> 8;
}

export function main(argc: i32, argv: usize): i32 {
  if (argc < 4) { printf("usage: pagetest loop|hot|random KIB PASSES\n"); return 2; }
  const pattern = arg(argv, 1);
  const pages = <u32>atoi(arg(argv, 2)) / 4;
  const passes = <u32>atoi(arg(argv, 3));
  const mode = streq(pattern, changetype<usize>("loop")) ? 0 : streq(pattern, changetype<usize>("hot")) ? 1 : 2;
  const base = brk(0);
  if (brk(base + pages * 4096) != base + pages * 4096) { printf("pagetest: no memory\n"); return 1; }
  for (let p: u32 = 0; p < pages; p++) {
    for (let w: u32 = 0; w < 1024; w += 64) store<u32>(base + p * 4096 + w * 4, p * 7919 + w);
  }
  const hot = pages / 5 > 0 ? pages / 5 : 1;
  for (let k: u32 = 0; k < passes * pages; k++) {
    let p: u32 = 0;
    if (mode == 0) p = k % pages;
    else if (mode == 1) p = rnd() % 10 < 8 ? rnd() % hot : rnd() % pages;
    else p = rnd() % pages;
    const w = (k % 16) * 64;
    const v = load<u32>(base + p * 4096 + w * 4);
    if (v != p * 7919 + w) { printf("pagetest: page %u word %u is %u, not %u\n", p, w, v, p * 7919 + w); return 1; }
  }
  printf("pagetest: ok\n");
  return 0;
}
