// The console in a real pseudo-terminal (node-pty), as a person at a terminal uses it (issue 8):
// raw mode with the guest's own echo and line editing, Ctrl-C to the foreground program, Ctrl-D
// at the start of a line, the Ctrl-A escapes, resizes, and the terminal's mode restored however
// toy86 ends: Ctrl-A x, quit, the guest powering off, a crash of the machine, and the signals that
// end a process.

import { describe, it, expect, afterAll } from 'vitest';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as pty from 'node-pty';
import { execFileSync } from 'node:child_process';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(ROOT, 'tools', 'toy86.mjs');

/** A shell in a pty that runs toy86 boot, then prints the terminal's mode. */
class Terminal {
  /** What the terminal received. */
  raw = '';
  private p: pty.IPty;
  /** What it shows, roughly: without the cursor and erase sequences of line editing, CR LF as one. */
  get out(): string {
    return this.raw.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r+\n/g, '\r\n');
  }
  exited: Promise<number>;
  constructor(args = 'boot') {
    this.p = pty.spawn('/bin/sh', ['-c', `ulimit -c 0; "${process.execPath}" "${CLI}" ${args}; echo "toy86 exited $?"; stty -a`], { cols: 200, rows: 30, cwd: ROOT, env: process.env as Record<string, string> });
    this.p.onData((d) => { this.raw += d; });
    this.exited = new Promise((resolve) => this.p.onExit((e) => resolve(e.exitCode)));
  }
  type(s: string): void { this.p.write(s); }
  resize(cols: number, rows: number): void { this.p.resize(cols, rows); }
  /** The pid of toy86 (the shell's child). */
  toy86Pid(): number { return Number(execFileSync('pgrep', ['-P', String(this.p.pid)], { encoding: 'utf8' }).trim().split('\n')[0]); }
  /** The terminal's mode while toy86 runs, as `stty -a` on toy86's stdin prints it. */
  mode(): string { return execFileSync('stty', ['-F', `/proc/${this.toy86Pid()}/fd/0`, '-a'], { encoding: 'utf8' }); }
  /** Waits until the screen shows `text` (in what arrived after `from`). */
  async until(text: string | RegExp, ms = 60_000, from = 0): Promise<void> {
    const t0 = Date.now();
    while (!(typeof text === 'string' ? this.out.slice(from).includes(text) : text.test(this.out.slice(from)))) {
      if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${text}; the terminal shows:\n${this.out}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  /** What arrived after `mark`. */
  since(mark: number): string { return this.out.slice(mark); }
  kill(): void { try { this.p.kill(); } catch { /* gone */ } }
  /** toy86 ended with code 0 and the terminal is cooked again: canonical input and echo on. */
  async endsRestored(code = 0): Promise<void> {
    await this.until(`toy86 exited ${code}`);
    // stty -a's lines may come in pieces: wait for both flags, set or not.
    const from = this.out.indexOf(`toy86 exited ${code}`);
    await this.until(/(^|\s)-?icanon(\s|$)/m, 60_000, from);
    await this.until(/(^|\s)-?echo(\s|$)/m, 60_000, from);
    const mode = this.out.slice(from);
    expect(mode).toMatch(/(^|\s)icanon(\s|$)/m);
    expect(mode).toMatch(/(^|\s)echo(\s|$)/m);
    expect(await this.exited).toBe(0);
  }
}

/** Polls `check` until it holds (a condition, not a sleep). */
async function waitFor(check: () => boolean, ms = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting for a condition');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const dir = mkdtempSync(join(tmpdir(), 'toy86-pty-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the console in a terminal', () => {
  it('boots to the prompt; commands, Ctrl-C, Ctrl-A h and Ctrl-A x work; the terminal mode comes back', async () => {
    const t = new Terminal();
    try {
      await t.until('$ ');
      let mark = t.out.length;
      t.type('ls /bin\r');
      await t.until(/memhog\r\n[\s\S]*\$ $/);
      const listing = t.since(mark);
      expect(listing).toContain('ls /bin\r\n');          // the guest's echo, CR LF on the terminal
      expect(listing).toContain('cat\r\n');
      mark = t.out.length;
      t.type('/demos/spin\r');
      await t.until('spin: looping');
      t.type('\x03');
      await t.until(/Interrupt\r\n\$ $/);
      expect(t.since(mark)).toContain('^C\r\nInterrupt\r\n');
      // Ctrl-C at the prompt, half a line typed: the line goes and a fresh prompt comes (bash's);
      // the shell lives on and runs the next command.
      mark = t.out.length;
      t.type('echo lost');
      await t.until('echo lost');
      t.type('\x03');
      await t.until(/echo lost\^C\r\n\$ $/, 60_000, mark);
      t.type('\x03');
      await t.until(/\^C\r\n\$ \^C\r\n\$ $/, 60_000, mark);
      t.type('echo kept\r');
      await t.until(/echo kept\r\nkept\r\n\$ $/, 60_000, mark);
      expect(t.since(mark)).not.toContain('lost\r\n');
      mark = t.out.length;
      t.type('\x01h');
      await t.until('C-a x');
      expect(t.since(mark)).toMatch(/C-a h +print this help/);
      t.type('\x01x');
      await t.endsRestored();
    } finally {
      t.kill();
    }
  }, 120_000);

  it('raw mode: the guest echoes each key once and edits the line (Backspace, Ctrl-U); a resize does no harm; Ctrl-D at the start of a line ends the shell and the machine', async () => {
    const t = new Terminal();
    try {
      await t.until('$ ');
      // The terminal is raw while toy86 runs: no echo, no line editing, no signals from keys.
      const mode = t.mode();
      for (const flag of ['-icanon', '-echo', '-isig']) expect(mode).toMatch(new RegExp(`(^|\\s)${flag}(\\s|$)`, 'm'));
      let mark = t.out.length;
      t.type('echo abx\x7fc\r');
      await t.until(/\r\nabc\r\n\$ $/, 60_000, mark);
      // The guest's echo, once (the terminal echoes nothing), and the erase as the guest draws it.
      expect(t.since(mark)).toBe('echo abx\b \bc\r\nabc\r\n$ ');
      mark = t.out.length;
      t.type('echo wrong\x15echo right\r');
      await t.until(/\r\nright\r\n\$ $/, 60_000, mark);
      expect(t.since(mark)).not.toContain('wrong\r\n');
      t.resize(100, 40);
      mark = t.out.length;
      t.type('echo still here\r');
      await t.until(/\r\nstill here\r\n\$ $/, 60_000, mark);
      // Ctrl-D on an empty line: the shell reads the end of its input and exits; init ends with
      // its status and the machine powers off (exit code 0, the shell's last status).
      t.type('\x04');
      await t.endsRestored();
    } finally {
      t.kill();
    }
  }, 120_000);

  it('a machine that crashes (a triple fault) ends toy86 with 251 and the terminal restored', async () => {
    // A kernel that waits for a key on COM1, then executes UD2 with no IDT: #UD, #DF, triple fault.
    writeFileSync(join(dir, 'crash.s'), `section .text
global _start
_start:
    mov dx, 0x3fd
.wait:
    in al, dx
    test al, 1
    jz .wait
    ud2
`);
    execFileSync(process.execPath, [CLI, 'asm', join(dir, 'crash.s'), '-o', join(dir, 'crash.elf'), '--base', '0x100000']);
    const t = new Terminal(`boot --kernel "${join(dir, 'crash.elf')}"`);
    try {
      // It prints nothing: wait until toy86 has made the terminal raw.
      await waitFor(() => { try { return /(^|\s)-icanon(\s|$)/m.test(t.mode()); } catch { return false; } });
      t.type('x');
      await t.until('toy86: triple fault');
      await t.endsRestored(251);
    } finally {
      t.kill();
    }
  }, 120_000);

  it('Ctrl-A c drops into the step/trace console on the live machine and back; quit ends toy86', async () => {
    const t = new Terminal();
    try {
      await t.until('$ ');
      let mark = t.out.length;
      t.type('\x01c');
      await t.until('(toy86) ');
      // Where the machine stopped, as gdb reports an interrupt.
      expect(t.since(mark)).toMatch(/Stopped by Ctrl-A c\.\r\n(0x[0-9a-f]{8} in )?\w+ \(.*\) at /);
      mark = t.out.length;
      t.type('info registers\r');
      await t.until(/tr {13}0x[0-9a-f]+ +0x[0-9a-f]+\r\n\(toy86\) $/);
      expect(t.since(mark)).toMatch(/eax {12}0x[0-9a-f]+/);
      expect(t.since(mark)).toMatch(/cr3 {12}0x[0-9a-f]+ +\[ PDBR=0x[0-9a-f]+ \]/);
      mark = t.out.length;
      t.type('info tlb\r');
      await t.until(/set way  linear    physical  flags[\s\S]*\(toy86\) $/);
      expect(t.since(mark)).toMatch(/^info tlb\r\nTLB: 64 entries in 16 sets of 4 ways/);
      // A breakpoint on exec: the shell's next command stops there.
      t.type('break exec\r');
      await t.until(/Breakpoint 1 at 0x[0-9a-f]+: file kernel\/exec.ts, line \d+\.\r\n\(toy86\) $/);
      mark = t.out.length;
      t.type('continue\r');
      await t.until('Continuing.');
      t.type('echo hello\r');
      await t.until(/Breakpoint 1, exec \(p=0x[0-9a-f]+, ino=\d+, argv=0x[0-9a-f]+, argc=2\) at kernel\/exec.ts:\d+[\s\S]*\(toy86\) $/);
      // The keys typed while the guest ran are in the history: going back before them and on
      // again replays them at their counts, to the same moment.
      mark = t.out.length;
      t.type('print $icount\r');
      await t.until(/\$1 = \d+\r\n\(toy86\) $/, 60_000, mark);
      const at = /\$1 = (\d+)/.exec(t.since(mark))![1];
      t.type('reverse-stepi 50000000\r');
      await t.until(/No more reverse-execution history\.[\s\S]*\(toy86\) $/, 60_000, mark);
      mark = t.out.length;
      t.type('continue\r');
      await t.until(/Breakpoint 1, exec \([\s\S]*\(toy86\) $/, 60_000, mark);
      expect(t.since(mark)).not.toContain('echo hello'); // the guest's output is not shown twice
      mark = t.out.length;
      t.type('print $icount\r');
      await t.until(/\$2 = \d+\r\n\(toy86\) $/, 60_000, mark);
      expect(/\$2 = (\d+)/.exec(t.since(mark))![1]).toBe(at);
      t.type('delete\r');
      await t.until(/delete\r\n\(toy86\) $/);
      // Ctrl-A c at the prompt goes back, as continue does: the command finishes.
      mark = t.out.length;
      t.type('\x01c');
      await t.until(/hello\r\n\$ $/);
      expect(t.since(mark)).toContain('continue\r\nContinuing.\r\n');
      // The console works as before, and Ctrl-A h lists the new key.
      mark = t.out.length;
      t.type('ls /bin\r');
      await t.until(/memhog\r\n[\s\S]*\$ $/);
      mark = t.out.length;
      t.type('\x01h');
      await t.until('C-a C-a');
      expect(t.since(mark)).toMatch(/C-a c +switch between the console and the step\/trace console/);
      // Back in, and quit: toy86 ends (0, as Ctrl-A x), the terminal's mode restored.
      t.type('\x01c');
      await t.until(/\(toy86\) $/);
      t.type('quit\r');
      await t.endsRestored();
    } finally {
      t.kill();
    }
  }, 120_000);

  it('Ctrl-A x from the step/trace console ends toy86 and restores the terminal', async () => {
    const t = new Terminal();
    try {
      await t.until('$ ');
      t.type('\x01c');
      await t.until('(toy86) ');
      t.resize(90, 25); // a resized terminal does no harm
      t.type('x/4xw $esp\r');
      // (readline redraws its prompt when the resize reaches it, which may be after the output:
      // the escapes stripped, the screen's one prompt then reads twice.)
      await t.until(/x\/4xw \$esp\r\n0x[0-9a-f]+( <[^>]+>)?:(\t0x[0-9a-f]{8}){4}\r\n(\(toy86\) )+$/);
      t.type('\x01x');
      await t.endsRestored();
    } finally {
      t.kill();
    }
  }, 120_000);

  it('Ctrl-A x while the guest runs under the step/trace console ends toy86', async () => {
    const t = new Terminal();
    try {
      await t.until('$ ');
      t.type('\x01c');
      await t.until('(toy86) ');
      t.type('continue\r');
      await t.until('Continuing.');
      const mark = t.out.length;
      t.type('echo again\r');
      await t.until(/again\r\n\$ $/, 60_000, mark);
      t.type('\x01x');
      await t.endsRestored();
    } finally {
      t.kill();
    }
  }, 120_000);

  // SIGINT and SIGQUIT can only come from another process: the raw terminal's Ctrl-C and Ctrl-\
  // are bytes for the guest.
  it.each([['SIGTERM', 143], ['SIGHUP', 129], ['SIGINT', 130], ['SIGQUIT', 131]] as const)('%s ends toy86 (%i) with the terminal restored', async (signal, code) => {
    const t = new Terminal();
    try {
      await t.until('$ ');
      process.kill(t.toy86Pid(), signal);
      await t.endsRestored(code);
    } finally {
      t.kill();
    }
  }, 120_000);

  it('toy86 debug at a terminal: the prompt with history, the guest owning the keys while it runs, Ctrl-C back', async () => {
    const t = new Terminal('debug boot');
    try {
      await t.until(/\(toy86\) $/);
      t.type('break exec\r');
      await t.until(/Breakpoint 1 at 0x[0-9a-f]+: file kernel\/exec.ts, line \d+\.\r\n\(toy86\) $/);
      t.type('continue\r');
      await t.until(/\nBreakpoint 1, exec \(/);          // init's exec of the shell
      await t.until(/\(toy86\) $/);
      t.type('delete\r');
      await t.until(/delete\r\n\(toy86\) $/);
      t.type('c\r');
      await t.until(/\$ $/);                                // the guest's shell: it has the keys now
      let mark = t.out.length;
      t.type('echo hi\r');
      await t.until(/hi\r\n\$ $/);
      expect(t.since(mark)).toContain('echo hi\r\n');
      t.type('\x03');                                       // Ctrl-C stops the machine, as in gdb
      await t.until(/Program received signal SIGINT, Interrupt\.\r\n[\s\S]*\(toy86\) $/);
      mark = t.out.length;
      t.type('info registers eip\r');
      await t.until(/eip {12}0x[0-9a-f]+[^\n]*\n\(toy86\) $/, 60_000, mark);
      // The up arrow brings the last command back.
      mark = t.out.length;
      t.type('\x1b[A\r');
      await t.until(/info registers eip\r\neip {12}0x[0-9a-f]+[^\n]*\n\(toy86\) $/, 60_000, mark);
      mark = t.out.length;
      t.type('info record\r');
      // The keys typed while the guest ran are logged, at their counts: "echo hi\r" (in one or more pieces).
      await t.until(/console input and writes logged: \d+\.\r\n\(toy86\) $/, 60_000, mark);
      expect(Number(/logged: (\d+)/.exec(t.since(mark))![1])).toBeGreaterThan(0);
      t.type('quit\r');
      await t.endsRestored();
    } finally {
      t.kill();
    }
  }, 120_000);
});
