// kernel-read: reads the kernel's memory at 0xC0000000 (supervisor-only): a segmentation fault.
import { printf } from '../lib/ulib';
export function main(argc: i32, argv: usize): i32 {
  printf("kernel-read: reading 0xc0000000\n");
  return load<i32>(0xc0000000);
}
