// stack-grow [KIB]: recursion that uses about KIB KiB of stack (default 256): the stack grows on
// demand, a page at a time; beyond 8 MiB it is a segmentation fault.
import { printf, arg, atoi } from '../lib/ulib';

function down(n: i32): i32 {
  // About 1 KiB of frame per call: locals the compiler keeps in memory.
  const pad = memory.data(4, 4);
  if (n <= 0) return load<i32>(pad);
  return down(n - 1) + spill(n);
}

function spill(n: i32): i32 {
  return n & 1;
}

export function main(argc: i32, argv: usize): i32 {
  const kib = argc > 1 ? atoi(arg(argv, 1)) : 256;
  // Each level of down() takes 16 bytes of stack: 64 levels a KiB.
  const r = down(kib * 64);
  printf("stack-grow: %d KiB of stack (%d)\n", kib, r);
  return 0;
}
