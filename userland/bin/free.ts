// free: memory and swap in KiB, from /proc/meminfo.

import { printf } from '../lib/ulib';
import { open, read, close } from '../lib/sys';

const buf = memory.data(512, 4);

/** The number after `key` in the text (0 if absent). */
function field(key: string): u32 {
  const k = changetype<usize>(key);
  let i: u32 = 0;
  while (load<u8>(buf, i) != 0) {
    let j: u32 = 0;
    while (load<u8>(k, j) != 0 && load<u8>(buf, i + j) == load<u8>(k, j)) j++;
    if (load<u8>(k, j) == 0) {
      i += j;
      while (load<u8>(buf, i) == 32) i++;
      let v: u32 = 0;
      while (load<u8>(buf, i) >= 48 && load<u8>(buf, i) <= 57) { v = v * 10 + (load<u8>(buf, i) - 48); i++; }
      return v;
    }
    i++;
  }
  return 0;
}

export function main(argc: i32, argv: usize): i32 {
  const fd = open("/proc/meminfo", 0, 0);
  if (fd < 0) { printf("free: no /proc/meminfo\n"); return 1; }
  const n = read(fd, buf, 511);
  close(fd);
  store<u8>(buf, 0, n > 0 ? <u32>n : 0);
  const total = field("MemTotal:"), free = field("MemFree:"), stotal = field("SwapTotal:"), sfree = field("SwapFree:");
  printf("          total       used       free\n");
  printf("Mem:  %10u %10u %10u\n", total, total - free, free);
  printf("Swap: %10u %10u %10u\n", stotal, stotal - sfree, sfree);
  return 0;
}
