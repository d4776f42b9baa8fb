// The host side of the serial console (SPEC §5): COM1's output goes to the process's stdout, the
// process's stdin feeds COM1. On a terminal, stdin is put in raw mode and Ctrl-A is the escape key
// (as in QEMU): Ctrl-A x quits, Ctrl-A c switches between the console and the step/trace console
// (QEMU's monitor key; tools/debugger/monitor.ts), Ctrl-A h lists the keys, Ctrl-A Ctrl-A sends a
// Ctrl-A. The terminal's mode is restored on every way out: the end, an error, exit(), and the
// signals that end a process (SIGTERM, SIGHUP, and SIGINT and SIGQUIT sent by another process:
// the raw terminal's own Ctrl-C and Ctrl-\ are bytes for the guest).

import type { Machine } from '../machine.js';

export const CTRL_A = 0x01;

/** The signals after which the terminal's mode is restored before the process dies of them. */
const ENDING_SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGINT', 'SIGQUIT'];

export interface ConsoleHooks {
  /** Ctrl-A x. */
  onQuit(): void;
  /** Ctrl-A c (none: the key does nothing). */
  onMonitor?(): void;
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
  /** While set, typed bytes go here instead of to the guest (the debugger's prompt). */
  private diverted: ((bytes: number[]) => void) | null = null;
  private readonly onSignal = (sig: NodeJS.Signals) => {
    this.close();
    process.kill(process.pid, sig);
  };

  constructor(private readonly machine: Machine, private hooks: ConsoleHooks,
              private readonly stdin: NodeJS.ReadStream = process.stdin,
              private readonly stdout: NodeJS.WriteStream = process.stdout) {}

  /** Starts reading stdin. */
  open(): void {
    if (this.stdin.isTTY) {
      this.stdin.setRawMode(true);
      this.raw = true;
      process.on('exit', this.restore);
      // Restore the mode, then die of the signal as the default action would.
      for (const sig of ENDING_SIGNALS) process.once(sig, this.onSignal);
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

  /** Hooks from now on (the debugger takes the keys over). */
  setHooks(hooks: ConsoleHooks): void {
    this.hooks = hooks;
  }

  /** Typed bytes go to `to` (null: to the guest again); the Ctrl-A keys are still this console's. */
  divert(to: ((bytes: number[]) => void) | null): void {
    this.diverted = to;
  }

  private receive(chunk: Buffer): void {
    const got: number[] = [];
    const pass = () => {
      if (!got.length) return;
      const bytes = got.splice(0);
      if (this.diverted) this.diverted(bytes);
      else { this.pending.push(...bytes); this.hooks.onInput(); }
    };
    for (const b of chunk) {
      if (this.raw && this.escape) {
        this.escape = false;
        if (b === 0x78 /* x */) { pass(); this.hooks.onQuit(); return; }
        if (b === 0x68 /* h */) { this.help(); continue; }
        if (b === 0x63 /* c */ && this.hooks.onMonitor) { pass(); this.hooks.onMonitor(); continue; }
        if (b === CTRL_A) { got.push(CTRL_A); continue; }
        continue;
      }
      if (this.raw && b === CTRL_A) { this.escape = true; continue; }
      got.push(b);
    }
    pass();
  }

  /** The bytes typed for the guest since the last call (the debugger hands them over itself, logged). */
  take(): number[] {
    const bytes = this.pending;
    this.pending = [];
    return bytes;
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
    const monitor = this.hooks.onMonitor ? 'C-a c    switch between the console and the step/trace console\r\n' : '';
    this.stdout.write(`\r\nC-a h    print this help\r\nC-a x    exit toy86\r\n${monitor}C-a C-a  send C-a\r\n`);
  }

  /** Stops reading and restores the terminal. */
  close(): void {
    if (this.raw) {
      this.raw = false;
      try { this.stdin.setRawMode(false); } catch { /* the terminal is gone */ }
      process.off('exit', this.restore);
      for (const sig of ENDING_SIGNALS) process.off(sig, this.onSignal);
    }
    this.stdin.pause();
    this.stdin.removeAllListeners('data');
  }
}
