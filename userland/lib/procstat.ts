// selfstat(n): a number field of /proc/self/stat, for programs that report their own faults
// (memhog, the page-in demos). A module of its own, so that only they link it.

import { open, read, close } from './sys';

const statbuf = memory.data(256, 4);

/**
 * Field n (1-based, as proc(5) numbers them) of /proc/self/stat, a number: 10 is minflt, 12
 * majflt, 23 vsize, 24 rss. 0 when the file cannot be read.
 */
export function selfstat(n: i32): u32 {
  const fd = open("/proc/self/stat", 0, 0);
  const len = fd < 0 ? 0 : read(fd, statbuf, 255);
  if (fd >= 0) close(fd);
  store<u8>(statbuf, 0, len > 0 ? <u32>len : 0);
  let field = 1;
  let i: u32 = 0;
  while (field < n && load<u8>(statbuf, i) != 0) { if (load<u8>(statbuf, i) == 32) field++; i++; }
  let v: u32 = 0;
  while (load<u8>(statbuf, i) >= 48 && load<u8>(statbuf, i) <= 57) { v = v * 10 + (load<u8>(statbuf, i) - 48); i++; }
  return v;
}
