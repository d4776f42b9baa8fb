// The host side of the serial console (SPEC §5): COM1's output goes to the process's stdout, the
// process's stdin feeds COM1. On a terminal, stdin is put in raw mode and Ctrl-A is the escape key
// (as in QEMU): Ctrl-A x quits, Ctrl-A h lists the keys, Ctrl-A Ctrl-A sends a Ctrl-A. The
// terminal's mode is restored on every way out.

import type { Machine } from '../machine.js';

export const CTRL_A = 0x01;

export interface ConsoleHooks {
  /** Ctrl-A x. */
  onQuit(): void;
  /** Bytes for the guest arrived, or input ended (the run loop should go on if it was idle). */
  onInput(): void;
}

export class HostConsole {
  private escape = false;
  private raw = false;
  private readonly restore = () => this.close();
  /** Input received with the instruction count at which it was handed to the machine (SPEC §2.7). */
  readonly inputLog: { clock: number; bytes: number[] }[] = [];
  private pending: number[] = [];
  private ended = false;

  constructor(private readonly machine: Machine, private readonly hooks: ConsoleHooks,
              private readonly stdin: NodeJS.ReadStream = process.stdin,
              private readonly stdout: NodeJS.WriteStream = process.stdout) {}

  /** Starts reading stdin. */
  open(): void {
    if (this.stdin.isTTY) {
      this.stdin.setRawMode(true);
      this.raw = true;
      process.on('exit', this.restore);
    }
    this.stdin.on('data', (chunk: Buffer) => this.receive(chunk));
    // The end of input wakes an idle run loop too: it then sees that nothing more can come.
    this.stdin.on('end', () => {
      // Input that is not a terminal ends as a terminal's Ctrl-D would end it: the guest reads
      // end-of-file (its console line discipline turns 0x04 into that).
      if (!this.raw) this.pending.push(0x04);
      this.ended = true;
      this.hooks.onInput();
    });
    this.stdin.resume();
  }

  /** Whether stdin has ended (nothing more can wake an idle guest waiting for input). */
  get inputEnded(): boolean {
    return this.ended && this.pending.length === 0;
  }

  private receive(chunk: Buffer): void {
    for (const b of chunk) {
      if (this.raw && this.escape) {
        this.escape = false;
        if (b === 0x78 /* x */) { this.hooks.onQuit(); return; }
        if (b === 0x68 /* h */) { this.help(); continue; }
        if (b === CTRL_A) { this.pending.push(CTRL_A); continue; }
        continue;
      }
      if (this.raw && b === CTRL_A) { this.escape = true; continue; }
      this.pending.push(b);
    }
    if (this.pending.length) this.hooks.onInput();
  }

  /** Hands waiting input to COM1 at the machine's current instruction count. */
  deliver(): void {
    if (!this.pending.length) return;
    const bytes = this.pending;
    this.pending = [];
    this.inputLog.push({ clock: this.machine.clock, bytes });
    this.machine.serial.receive(bytes);
  }

  private help(): void {
    this.stdout.write('\r\nC-a h    print this help\r\nC-a x    exit toy86\r\nC-a C-a  send C-a\r\n');
  }

  /** Stops reading and restores the terminal. */
  close(): void {
    if (this.raw) {
      this.raw = false;
      try { this.stdin.setRawMode(false); } catch { /* the terminal is gone */ }
      process.off('exit', this.restore);
    }
    this.stdin.pause();
    this.stdin.removeAllListeners('data');
  }
}
