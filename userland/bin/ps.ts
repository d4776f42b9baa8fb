// ps: the processes, from /proc (each /proc/PID/stat): pid, parent, state, the minor and major
// page faults (fields 10 and 12), the resident memory (field 24, pages; RSS in KiB, as Linux's ps)
// and the name.

import { printf } from '../lib/ulib';
import { open, read, close } from '../lib/sys';

const ent = memory.data(32, 4);
const path = memory.data(64, 4);
const buf = memory.data(256, 4);

/** Copies the NUL-terminated s to d at k; returns the new k. */
function cat(d: usize, k: u32, s: usize): u32 {
  let i: u32 = 0;
  while (load<u8>(s, i) != 0) { store<u8>(d, load<u8>(s, i), k); k++; i++; }
  store<u8>(d, 0, k);
  return k;
}

/** Field n (n >= 3) of a stat line, from s, the start of field 3: a number (0 if not one). */
function field(s: usize, n: u32): u32 {
  let i: u32 = 0;
  for (let f: u32 = 3; f < n && load<u8>(s, i) != 0; i++) if (load<u8>(s, i) == 32) f++;
  let v: u32 = 0;
  while (load<u8>(s, i) >= 48 && load<u8>(s, i) <= 57) { v = v * 10 + (load<u8>(s, i) - 48); i++; }
  return v;
}

export function main(argc: i32, argv: usize): i32 {
  const dir = open("/proc", 0, 0);
  if (dir < 0) { printf("ps: no /proc\n"); return 1; }
  printf("  PID  PPID S   MINFLT   MAJFLT     RSS NAME\n");
  while (read(dir, ent, 32) == 32) {
    const c = load<u8>(ent, 4);
    if (c < 48 || c > 57) continue; // not a pid
    let k = cat(path, 0, changetype<usize>("/proc/"));
    k = cat(path, k, ent + 4);
    cat(path, k, changetype<usize>("/stat"));
    const fd = open(changetype<string>(path), 0, 0);
    if (fd < 0) continue;
    const n = read(fd, buf, 255);
    close(fd);
    if (n <= 0) continue;
    store<u8>(buf, 0, <u32>n);
    // "pid (name) S ppid ...": the name between the parentheses, then the fields by number.
    let i: u32 = 0;
    let pid = 0;
    while (load<u8>(buf, i) >= 48 && load<u8>(buf, i) <= 57) { pid = pid * 10 + (load<u8>(buf, i) - 48); i++; }
    i += 2;
    const name = buf + i;
    while (load<u8>(buf, i) != 41 && load<u8>(buf, i) != 0) i++;
    store<u8>(buf, 0, i);
    const state = load<u8>(buf, i + 2);
    const fields = buf + i + 2; // field 3 onwards
    printf("%5d %5d %c ", pid, field(fields, 4), state);
    printf("%8u %8u %7u %s\n", field(fields, 10), field(fields, 12), field(fields, 24) * 4, name);
  }
  close(dir);
  return 0;
}
