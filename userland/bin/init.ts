// init (SPEC §4.5): the first process. It runs the shell and reaps the orphans the kernel gives
// it; when the shell ends, init ends with its status, and the machine powers off with it.

import { printf } from '../lib/ulib';
import { fork, waitpid, exit, execve } from '../lib/sys';

const argv = memory.data(8, 4);
const status = memory.data(4, 4);

export function main(argc: i32, args: usize): i32 {
  {
    const pid = fork();
    if (pid < 0) { printf("init: fork failed (%d)\n", pid); return 1; }
    if (pid == 0) {
      store<usize>(argv, changetype<usize>("sh"));
      store<usize>(argv, 0, 4);
      const r = execve("/bin/sh", argv, 0);
      printf("init: cannot run /bin/sh (%d)\n", r);
      exit(127);
    }
    // Wait for the shell, reaping whatever else ends meanwhile.
    while (true) {
      const w = waitpid(-1, status, 0);
      if (w == pid || w < 0) break;
    }
    const st = load<i32>(status);
    return (st & 0x7f) != 0 ? 128 + (st & 0x7f) : (st >> 8) & 0xff;
  }
}
