// Ctrl-A c in `toy86 boot` (issue 8; docs/debugger.md, "From toy86 boot: Ctrl-A c"): the
// step/trace console on the live machine, as QEMU's monitor escape gives its monitor. The session
// takes the running machine over where it is (its history starts there); its commands are those of
// `toy86 debug`, at the prompt `(toy86) ` with line editing and history. `continue` (or Ctrl-A c
// again) gives the terminal back to the guest while the machine goes on — run by the session from
// then on, so that console input is logged with its count (SPEC §2.7) and reverse execution
// replays it — until Ctrl-A c, a breakpoint or another stop brings the prompt back. `quit` (or
// Ctrl-A x anywhere) ends toy86 as Ctrl-A x does; a guest that powers off ends it with its code.

import { createInterface } from 'node:readline';
import { PassThrough } from 'node:stream';
import type { Machine } from '../../emulator/machine.js';
import type { HostConsole } from '../../emulator/host/console.js';
import { Session, type DebugTarget, type SessionIO } from './session.js';
import { CommandContext, runCommand } from './commands.js';

export const PROMPT = '(toy86) ';

export interface MonitorOptions {
  machine: Machine;
  /** What the machine was built from (symbols: the kernel's ELF file, the disk's programs). */
  target: DebugTarget;
  console: HostConsole;
  /**
   * The session's guest output and debug console from now on (boot routes the machine's to
   * them), and which --trace lines to write (not those of history the session re-runs).
   */
  route(serial: (b: number) => void, debug: (b: number) => void, traced: (line: string) => boolean): void;
  /** Where the debug console (port 0xE9) goes. */
  debugcon(b: number): void;
  out?: NodeJS.WriteStream;
}

/**
 * Runs the step/trace console on a booted machine; resolves to toy86's exit code, or null when
 * the console could not start (said in one line; the guest's console goes on).
 */
export async function runMonitor(o: MonitorOptions): Promise<number | null> {
  const stdout = o.out ?? process.stdout;
  const con = o.console;
  let guest = false;
  let stop: string | null = null;
  let quit = false;
  let wake: (() => void) | null = null;
  const poke = () => { const w = wake; wake = null; w?.(); };
  const io: SessionIO = {
    out: (t) => { stdout.write(t); },
    debugcon: o.debugcon,
    interactive: {
      // While the guest runs it has the keyboard; Ctrl-A c (or Ctrl-A x) stops it.
      begin: () => { guest = true; con.divert(null); },
      end: () => { guest = false; con.divert(feed); },
      take: () => con.take(),
      interrupted: () => { const s = stop; stop = null; return s ?? false; },
      wait: () => new Promise<void>((res) => { wake = res; }),
    },
  };
  let session: Session;
  try {
    session = new Session(o.target, io, { machine: o.machine });
  } catch (e) {
    stdout.write(`\r\ntoy86: the step/trace console cannot start: ${e instanceof Error ? e.message : String(e)}\r\n`);
    return null;
  }
  o.route((b) => session.guestOutput(b), (b) => session.debugOutput(b),
    (line) => session.mode === 'live' && !(parseInt(line, 10) < session.shownUntil));
  const ctx = new CommandContext();

  // The prompt: readline over the keys the console passes on (stdin stays in raw mode throughout).
  const input = new PassThrough();
  const feed = (bytes: number[]) => { input.write(Buffer.from(bytes)); };
  const rl = createInterface({ input, output: stdout, terminal: true, historySize: 1000, removeHistoryDuplicates: true, prompt: PROMPT });
  const lines: (string | null)[] = [];
  let lineWait: (() => void) | null = null;
  const gotLine = (l: string | null) => { lines.push(l); const w = lineWait; lineWait = null; w?.(); };
  rl.on('line', (l) => gotLine(l));
  rl.on('close', () => gotLine(null));
  rl.on('SIGINT', () => { stdout.write('^C\n'); rl.prompt(); });
  con.setHooks({
    onQuit: () => { quit = true; stop = 'Ctrl-A x: toy86 ends.'; poke(); gotLine(null); },
    onInput: poke,
    onMonitor: () => {
      if (guest) { stop = 'Stopped by Ctrl-A c.'; poke(); }
      else input.write('\x15continue\r'); // at the prompt: as if `continue` were typed
    },
  });
  con.divert(feed);
  try {
    stdout.write('\n\ntoy86: the step/trace console on the running machine: its commands are toy86 debug\'s ("help");\n' +
      'continue or Ctrl-A c gives the console back to the guest, quit or Ctrl-A x ends toy86.\n');
    stdout.write(session.report({ kind: 'interrupt', why: 'Stopped by Ctrl-A c.' }, null));
    let last = '';
    for (;;) {
      if (quit) return 0;
      rl.prompt();
      while (!lines.length) await new Promise<void>((res) => { lineWait = res; });
      const line = lines.shift()!;
      if (line === null || quit) { if (line === null && !quit) stdout.write('quit\n'); return session.ended ? session.exitCode() : 0; }
      // An empty line repeats the last command, as in gdb.
      const cmd = line.trim() === '' ? last : line;
      if (cmd.trim()) last = cmd;
      if (!(await runCommand(session, cmd, ctx))) return session.ended ? session.exitCode() : 0;
      if (quit) return 0;
      // The guest powered off: toy86 ends, with its code (as boot does).
      if (session.ended?.kind === 'poweroff') return session.exitCode();
    }
  } finally {
    ctx.traceStop?.();
    con.divert(null);
    rl.close();
  }
}
