// zero-fill: touches 64 pages of zeroed static memory (bss): each page comes in on first touch.
import { printf } from '../lib/ulib';
const big = memory.data(64 * 4096, 4096);
export function main(argc: i32, argv: usize): i32 {
  let zeros = 0;
  for (let i: u32 = 0; i < 64; i++) if (load<u32>(big, i * 4096) == 0) zeros++;
  printf("zero-fill: %d pages read as zero\n", zeros);
  return 0;
}
