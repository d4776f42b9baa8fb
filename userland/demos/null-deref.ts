// null-deref: reads address 0 (page 0 is never mapped): a segmentation fault, SIGSEGV.
import { printf } from '../lib/ulib';
export function main(argc: i32, argv: usize): i32 {
  printf("null-deref: reading address 0\n");
  return load<i32>(0);
}
