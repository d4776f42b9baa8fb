// ls [DIR...]: the names in each directory (a / after subdirectories), or the file itself.

import { printf, arg } from '../lib/ulib';
import { open, read, close, fstat } from '../lib/sys';

const ent = memory.data(32, 4);
const st = memory.data(12, 4);
const name = memory.data(64, 4);

function list(path: usize): i32 {
  const fd = open(changetype<string>(path), 0, 0);
  if (fd < 0) { printf("ls: %s: no such file or directory\n", path); return 1; }
  fstat(fd, st);
  if ((load<u32>(st, 4) & 0o170000) != 0o040000) {
    printf("%s\n", path);
    close(fd);
    return 0;
  }
  while (read(fd, ent, 32) == 32) {
    if (load<u32>(ent) == 0 || load<u8>(ent, 4) == 46) continue; // empty, . and ..
    printf("%s\n", ent + 4);
  }
  close(fd);
  return 0;
}

export function main(argc: i32, argv: usize): i32 {
  if (argc < 2) return list(changetype<usize>("/"));
  let status = 0;
  for (let i = 1; i < argc; i++) {
    if (argc > 2) printf("%s:\n", arg(argv, i));
    if (list(arg(argv, i)) != 0) status = 1;
  }
  return status;
}
