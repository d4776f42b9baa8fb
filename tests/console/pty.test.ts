// The console in a real pseudo-terminal (node-pty), as a person at a terminal uses it (issue 8):
// raw mode with the guest's own echo and line editing, Ctrl-C to the foreground program, the
// Ctrl-A escapes, and the terminal's mode restored when toy86 ends.

import { describe, it, expect } from 'vitest';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as pty from 'node-pty';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(ROOT, 'tools', 'toy86.mjs');

/** A shell in a pty that runs toy86 boot, then prints the terminal's mode. */
class Terminal {
  out = '';
  private p: pty.IPty;
  exited: Promise<number>;
  constructor() {
    this.p = pty.spawn('/bin/sh', ['-c', `"${process.execPath}" "${CLI}" boot; echo "toy86 exited $?"; stty -a`], { cols: 100, rows: 30, cwd: ROOT, env: process.env as Record<string, string> });
    this.p.onData((d) => { this.out += d; });
    this.exited = new Promise((resolve) => this.p.onExit((e) => resolve(e.exitCode)));
  }
  type(s: string): void { this.p.write(s); }
  async until(text: string | RegExp, ms = 60_000): Promise<void> {
    const t0 = Date.now();
    while (!(typeof text === 'string' ? this.out.includes(text) : text.test(this.out))) {
      if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${text}; the terminal shows:\n${this.out}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  /** What arrived after `mark`. */
  since(mark: number): string { return this.out.slice(mark); }
  kill(): void { try { this.p.kill(); } catch { /* gone */ } }
}

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
      mark = t.out.length;
      t.type('\x01h');
      await t.until('C-a x');
      expect(t.since(mark)).toMatch(/C-a h +print this help/);
      t.type('\x01x');
      await t.until(/toy86 exited 0/);
      await t.until(/speed \d+ baud/);
      const mode = t.out.slice(t.out.indexOf('toy86 exited 0'));
      // Cooked again: canonical input and echo on.
      expect(mode).toMatch(/(^|\s)icanon(\s|$)/m);
      expect(mode).toMatch(/(^|\s)echo(\s|$)/m);
      expect(await t.exited).toBe(0);
    } finally {
      t.kill();
    }
  }, 120_000);
});
