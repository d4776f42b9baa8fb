// sh (SPEC §4.5): reads command lines, splits them at spaces, runs each program (a name without a
// '/' is looked up in /bin) and waits for it; a child killed by a signal is reported as bash does.
// A trailing `&` runs the program in the background: its pid is printed, and its end reported
// (as bash does, `[pid] Done` or the signal) before the next prompt. `exit [N]` ends the shell;
// so does the end of input. Ctrl-C at the prompt drops the line and prompts again.

import { printf, streq, atoi, flush } from '../lib/ulib';
import { fork, waitpid, exit, execve, read, ioctl } from '../lib/sys';

const line = memory.data(256, 4);
const argv = memory.data(17 * 4, 4);
const path = memory.data(64, 4);
const status = memory.data(4, 4);
const fgpid = memory.data(4, 4);

/** What bash prints for a child killed by a signal. */
function signame(sig: i32): string {
  switch (sig) {
    case 2: return "Interrupt";
    case 4: return "Illegal instruction";
    case 5: return "Trace/breakpoint trap";
    case 7: return "Bus error";
    case 8: return "Floating point exception";
    case 9: return "Killed";
    case 11: return "Segmentation fault";
    default: return "Terminated by a signal";
  }
}

/** Splits the line in place; returns the number of words (argv ends with a NULL). */
function split(n: i32): i32 {
  let argc = 0;
  let i = 0;
  while (i < n && argc < 16) {
    while (i < n && (load<u8>(line, <u32>i) == 32 || load<u8>(line, <u32>i) == 10 || load<u8>(line, <u32>i) == 9)) { store<u8>(line, 0, <u32>i); i++; }
    if (i >= n) break;
    store<usize>(argv, line + <u32>i, <u32>argc * 4);
    argc++;
    while (i < n && load<u8>(line, <u32>i) != 32 && load<u8>(line, <u32>i) != 10 && load<u8>(line, <u32>i) != 9) i++;
  }
  if (i < n) store<u8>(line, 0, <u32>i);
  store<usize>(argv, 0, <u32>argc * 4);
  return argc;
}

/** argv[0], or /bin/argv[0] when it has no '/'. */
function resolve(name: usize): usize {
  let slash = false;
  for (let i: u32 = 0; load<u8>(name, i) != 0; i++) if (load<u8>(name, i) == 47) slash = true;
  if (slash) return name;
  const prefix = changetype<usize>("/bin/");
  let k: u32 = 0;
  for (; k < 5; k++) store<u8>(path, load<u8>(prefix, k), k);
  let i: u32 = 0;
  while (load<u8>(name, i) != 0 && k < 63) { store<u8>(path, load<u8>(name, i), k); k++; i++; }
  store<u8>(path, 0, k);
  return path;
}

/** Reports background children that ended (waitpid with WNOHANG). */
function reap(): void {
  while (true) {
    const w = waitpid(-1, status, 1);
    if (w <= 0) return;
    const st = load<i32>(status);
    if ((st & 0x7f) != 0) printf("[%d] %s\n", w, signame(st & 0x7f));
    else printf("[%d] Done (exit %d)\n", w, (st >> 8) & 0xff);
  }
}

export function main(argc: i32, args: usize): i32 {
  let last = 0;
  while (true) {
    reap();
    printf("$ ");
    const n = read(0, line, 255);
    if (n == -4) continue; // EINTR: Ctrl-C at the prompt (the console echoed ^C): a fresh prompt
    if (n <= 0) { printf("\n"); return last; }
    store<u8>(line, 0, <u32>n);
    let words = split(n);
    if (words == 0) continue;
    // A last word `&`: in the background.
    let background = false;
    const lastword = load<usize>(argv, <u32>(words - 1) * 4);
    if (load<u8>(lastword) == 38 && load<u8>(lastword, 1) == 0) {
      background = true;
      words--;
      store<usize>(argv, 0, <u32>words * 4);
      if (words == 0) continue;
    }
    const cmd = load<usize>(argv);
    if (streq(cmd, changetype<usize>("exit"))) return words > 1 ? atoi(load<usize>(argv, 4)) : last;
    flush();
    const pid = fork();
    if (pid < 0) { printf("sh: fork failed (%d)\n", pid); continue; }
    if (pid == 0) {
      const r = execve(changetype<string>(resolve(cmd)), argv, 0);
      printf("sh: %s: %s\n", cmd, r == -2 ? "command not found" : "cannot run it");
      exit(127);
    }
    if (background) { printf("[%d]\n", pid); continue; }
    // The foreground program gets Ctrl-C (SIGINT) while the shell waits for it.
    store<i32>(fgpid, pid);
    ioctl(0, 0x5410, fgpid);
    // Wait for it (background children that end meanwhile are reported).
    while (true) {
      const w = waitpid(-1, status, 0);
      if (w == pid || w < 0) break;
      const bst = load<i32>(status);
      if ((bst & 0x7f) != 0) printf("[%d] %s\n", w, signame(bst & 0x7f));
      else printf("[%d] Done (exit %d)\n", w, (bst >> 8) & 0xff);
    }
    // Back at the prompt there is no foreground program: Ctrl-C gives a fresh prompt.
    store<i32>(fgpid, 0);
    ioctl(0, 0x5410, fgpid);
    const st = load<i32>(status);
    if ((st & 0x7f) != 0) {
      printf("%s\n", signame(st & 0x7f));
      last = 128 + (st & 0x7f);
    } else {
      last = (st >> 8) & 0xff;
    }
  }
}
