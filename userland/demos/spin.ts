// spin: loops forever, printing a dot now and then; Ctrl-C stops it (SIGINT).
import { printf } from '../lib/ulib';
export function main(argc: i32, argv: usize): i32 {
  printf("spin: looping (Ctrl-C to stop)\n");
  let n: u32 = 0;
  while (true) {
    n++;
    if ((n & 0xfffff) == 0) printf(".");
  }
}
