// The kernel benchmark (npm run bench): run as init, it measures in guest time (RDTSC: retired
// instructions) a fork + exit + wait of a small process (before it touches its big arrays), a
// system call round trip, a demand-zero fault and a file-backed fault, and prints one line per figure for tools/bench/bench.ts to read.

import { printf } from '../../../userland/lib/ulib';
import { getpid, fork, waitpid, exit } from '../../../userland/lib/sys';

const zero = memory.data(256 * 4096, 4096);
const status = memory.data(4, 4);
const N: u32 = 256;

export function main(argc: i32, argv: usize): i32 {
  // The loop alone, to subtract.
  let t0 = rdtsc();
  for (let i: u32 = 0; i < N; i++) store<u32>(status, i);
  const loop = rdtsc() - t0;

  t0 = rdtsc();
  for (let i: u32 = 0; i < 32; i++) {
    const pid = fork();
    if (pid == 0) exit(0);
    waitpid(pid, status, 0);
  }
  printf("fork-exit-wait %u\n", (rdtsc() - t0) / 32);

  t0 = rdtsc();
  for (let i: u32 = 0; i < N; i++) getpid();
  printf("syscall %u\n", (rdtsc() - t0 - loop) / N);

  t0 = rdtsc();
  for (let i: u32 = 0; i < N; i++) store<u32>(zero + i * 4096, i);
  printf("demand-zero %u\n", (rdtsc() - t0 - loop) / N);

  // bigdata.s: 256 pages of initialised data, each read from the disk on first touch.
  const big = symbol("bigdata");
  t0 = rdtsc();
  let sum: u32 = 0;
  for (let i: u32 = 0; i < N; i++) sum += load<u32>(big + i * 4096);
  printf("file-backed %u\n", (rdtsc() - t0 - loop) / N);

  return sum == N * 7 ? 0 : 1;
}
