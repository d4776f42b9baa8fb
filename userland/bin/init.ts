// init (SPEC §4.5): the first process. For now it shows that processes, system calls and demand
// paging work, then echoes what is typed; the shell replaces the loop when the filesystem lands.

import { printf } from '../lib/ulib';
import { fork, waitpid, exit, getpid, read } from '../lib/sys';

const line = memory.data(128, 4);
const status = memory.data(4, 4);

export function main(argc: i32, argv: usize): i32 {
  printf("init: pid %d, argv[0] %s\n", getpid(), load<usize>(argv));
  const pid = fork();
  if (pid == 0) {
    printf("child: pid %d\n", getpid());
    exit(7);
  }
  const w = waitpid(pid, status, 0);
  printf("init: child %d exited with status 0x%x\n", w, load<i32>(status));
  while (true) {
    printf("init> ");
    const n = read(0, line, 127);
    if (n <= 0) break;
    store<u8>(line, 0, <u32>n);
    printf("you typed %d bytes: %s", n, line);
  }
  printf("\ninit: end of input\n");
  return 0;
}
