// The console: COM1 (docs/devices.md), polled for output. printf is the formatter
// (userland/lib/fmt.ts) writing here.

import { COM1 } from './memlayout';
import { format, type Arg } from '../userland/lib/fmt';

/** One byte to COM1, when its transmitter is ready. */
export function consputc(c: u8): void {
  while ((inb(COM1 + 5) & 0x20) == 0) {}
  outb(COM1, c);
}

/** Formatted output on the console (see fmt.ts for the conversions). */
export function printf(fmt: string, a0: Arg = 0, a1: Arg = 0, a2: Arg = 0, a3: Arg = 0, a4: Arg = 0, a5: Arg = 0): void {
  format(consputc, fmt, a0, a1, a2, a3, a4, a5);
}

// ---- input: a line discipline (echo, backspace, Ctrl-U, Ctrl-D) over COM1's receive interrupt ----

const INPUT: u32 = 256;
const inbuf = memory.data(256, 4);
/** Read, committed (a whole line or Ctrl-D is there) and edit positions (free-running counters). */
let rpos: u32 = 0;
let wpos: u32 = 0;
let epos: u32 = 0;

declare function wakeup(chan: usize): void;
declare function sleep(chan: usize): void;
declare function killed_now(): bool;
declare function sigsend(pid: i32, sig: i32): void;

/**
 * The console's foreground process (ioctl TIOCSPGRP): Ctrl-C sends it SIGINT. With none (0, the
 * shell at its prompt), Ctrl-C ends the pending read() with EINTR instead, as a shell that
 * catches SIGINT sees it, so the shell drops the line and prompts again (bash's ^C).
 */
let foreground: i32 = 0;
/** A Ctrl-C with no foreground process, for the next read() to report. */
let interrupted = false;

/** TIOCSPGRP / TIOCGPGRP: sets or reads the foreground process. */
export function setforeground(pid: i32): void { foreground = pid; }
export function getforeground(): i32 { return foreground; }

/** Turns on COM1's receive interrupt. */
export function consinit(): void {
  outb(COM1 + 1, 1);
}

/** COM1 has bytes: edit the line being typed; a newline or Ctrl-D hands it to readers. */
export function consoleintr(): void {
  while ((inb(COM1 + 5) & 1) != 0) {
    let c = inb(COM1);
    if (c == 13) c = 10;
    if (c == 8 || c == 127) {
      if (epos != wpos) { epos--; consputc(8); consputc(32); consputc(8); }
      continue;
    }
    if (c == 21) { // Ctrl-U: the whole line
      while (epos != wpos) { epos--; consputc(8); consputc(32); consputc(8); }
      continue;
    }
    if (c == 3) { // Ctrl-C: the line goes, and the foreground program gets SIGINT
      epos = wpos;
      consputc(94); consputc(67); consputc(10); // "^C"
      if (foreground > 0) sigsend(foreground, 2);
      else { interrupted = true; wakeup(inbuf); } // no program: the reader's read() ends with EINTR
      continue;
    }
    if (epos - rpos >= INPUT) continue; // full
    store<u8>(inbuf + (epos % INPUT), c);
    epos++;
    if (c != 4) consputc(c);
    if (c == 10 || c == 4 || epos - rpos == INPUT) {
      wpos = epos;
      wakeup(inbuf);
    }
  }
}

/** Up to n bytes of the next line into buf (a user address the caller checked); 0 at Ctrl-D. */
export function consread(buf: usize, n: u32): i32 {
  while (rpos == wpos) {
    if (killed_now()) return -4; // EINTR: a kill ends the wait
    if (interrupted) { interrupted = false; return -4; } // EINTR: Ctrl-C with no foreground program
    sleep(inbuf);
  }
  let got: u32 = 0;
  while (got < n && rpos != wpos) {
    const c = load<u8>(inbuf + (rpos % INPUT));
    if (c == 4) {
      // Ctrl-D: the end of input; left for the next read if this one already has bytes.
      if (got == 0) rpos++;
      break;
    }
    rpos++;
    store<u8>(buf, c, got);
    got++;
    if (c == 10) break;
  }
  return <i32>got;
}
