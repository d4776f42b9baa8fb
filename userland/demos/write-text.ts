// write-text: writes to its own code (a read-only page): a segmentation fault (protection).
import { printf } from '../lib/ulib';
export function main(argc: i32, argv: usize): i32 {
  printf("write-text: writing to 0x08048000\n");
  store<u32>(0x08048000, 0);
  return 0;
}
