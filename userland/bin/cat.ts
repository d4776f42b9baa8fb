// cat [FILE...]: copies each file (or standard input) to standard output.

import { printf, arg } from '../lib/ulib';
import { open, read, write, close } from '../lib/sys';

const buf = memory.data(1024, 4);

function copy(fd: i32): void {
  while (true) {
    const n = read(fd, buf, 1024);
    if (n <= 0) return;
    write(1, buf, <u32>n);
  }
}

export function main(argc: i32, argv: usize): i32 {
  if (argc < 2) { copy(0); return 0; }
  let status = 0;
  for (let i = 1; i < argc; i++) {
    const fd = open(changetype<string>(arg(argv, i)), 0, 0);
    if (fd < 0) { printf("cat: %s: no such file\n", arg(argv, i)); status = 1; continue; }
    copy(fd);
    close(fd);
  }
  return status;
}
