// The step/trace console (SPEC §6; docs/debugger.md): `toy86 debug boot|run ...` and the
// in-process entry the tests use. Commands come from the terminal (line editing and history),
// from `-x FILE`, or from stdin when it is not a terminal — one per line, each echoed after the
// prompt as gdb echoes a script, so that a session's transcript reads like a terminal's.

import { createInterface, type Interface } from 'node:readline';
import { readFileSync, openSync, closeSync } from 'node:fs';
import { Session, MachineError, type DebugTarget, type SessionIO, type SessionOptions } from './session.js';
import { CommandContext, runCommand } from './commands.js';
import { UserError, writeAllSync } from '../boot.js';
import { ElfError } from '../asm/elf.js';

export { Session, type DebugTarget, type SessionOptions } from './session.js';
export { bootTarget, runTarget, runDisk } from './target.js';

export const PROMPT = '(toy86) ';

/** A session driven by lists of commands (the tests; scripts). */
export class ScriptedSession {
  readonly session: Session;
  private readonly ctx = new CommandContext();
  private text = '';
  ended = false;

  constructor(target: DebugTarget, opts: SessionOptions = {}) {
    this.session = new Session(target, { out: (t) => { this.text += t; } }, opts);
  }

  /** Runs commands (each echoed after the prompt) and returns what they printed. */
  async run(commands: string[]): Promise<string> {
    this.text = '';
    for (const c of commands) {
      if (this.ended) break;
      this.session.out(`${PROMPT}${c}\n`);
      if (!(await runCommand(this.session, c, this.ctx))) this.ended = true;
    }
    return this.text;
  }

  close(): void {
    this.ctx.traceStop?.();
  }
}

/**
 * Runs a scripted session in-process: each command is echoed after the prompt, then its output.
 * Resolves to the transcript, the exit code `toy86 debug` would have, and the session.
 */
export async function runScript(target: DebugTarget, commands: string[], opts: SessionOptions = {}): Promise<{ transcript: string; exitCode: number; session: Session }> {
  const s = new ScriptedSession(target, opts);
  const transcript = await s.run(commands);
  s.close();
  return { transcript, exitCode: s.session.exitCode(), session: s.session };
}

export interface DebugCommandOptions {
  target: () => Promise<DebugTarget>;
  /** -x FILE: commands to run first. */
  script?: string;
  /** --batch: end after the script (and stdin when it is not a terminal). */
  batch?: boolean;
  /** --trace KINDS and --trace-file FILE: the trace of the whole session, as boot and run write it. */
  trace?: string;
  traceFile?: string;
}

/**
 * --trace on `toy86 debug`: one line per event to --trace-file or stderr while the session runs
 * the machine (history re-run by the debugger is not traced again, as its output is not shown
 * again). Returns the function that ends it.
 */
async function sessionTrace(session: Session, spec: string, file: string | undefined): Promise<() => void> {
  const { parseTraceSpec, TraceSpecError, TraceWriteError, traceSink, startTrace } = await import('./trace.js');
  let kinds: string[];
  try { kinds = parseTraceSpec(spec); } catch (e) {
    if (e instanceof TraceSpecError) throw new UserError(`--trace: ${e.message}`, 2);
    throw e;
  }
  let fd = 2;
  if (file !== undefined) {
    try { fd = openSync(file, 'w'); } catch (e) {
      throw new UserError(`cannot write --trace-file '${file}': ${(e as Error).message}`, 1);
    }
  }
  const sink = traceSink(fd, writeAllSync, fd !== 2 ? closeSync : undefined);
  // A trace that cannot be written (a full disk) is one line, and the session goes on untraced.
  let failed = false;
  const report = (e: unknown) => {
    if (!(e instanceof TraceWriteError)) throw e;
    if (!failed) process.stderr.write(`toy86 debug: ${e.message}${file !== undefined ? ` ('${file}')` : ''}; tracing stopped\n`);
    failed = true;
  };
  const stop = startTrace(session.m, kinds, (line) => {
    if (failed || session.mode !== 'live' || parseInt(line, 10) < session.shownUntil) return;
    try { sink.write(line); } catch (e) { report(e); }
  }, (a) => session.angle(a, false)); // trace lines as boot's and run's: <symbol+offset>
  return () => { stop(); try { sink.close(); } catch (e) { report(e); } };
}

/** `toy86 debug`: resolves to the exit code (SPEC §5: the guest's, or 0). */
export async function debugCommand(o: DebugCommandOptions): Promise<number> {
  if (o.traceFile !== undefined && o.trace === undefined) throw new UserError('--trace-file needs --trace KINDS', 2);
  const script = o.script !== undefined ? readScript(o.script) : null;
  const target = await o.target();
  const tty = !!process.stdin.isTTY && !!process.stdout.isTTY && !o.batch;
  let raw = false;
  const keys: number[] = [];
  let interrupted = false;
  let wake: (() => void) | null = null;
  const onData = (chunk: Buffer) => {
    for (const b of chunk) {
      if (b === 0x03) interrupted = true; // Ctrl-C: back to the debugger, as in gdb
      else keys.push(b);
    }
    wake?.();
  };
  const io: SessionIO = {
    out: (t) => process.stdout.write(raw ? t.replace(/\n/g, '\r\n') : t),
    debugcon: (b) => process.stderr.write(Buffer.of(b)),
  };
  let rl: Interface | null = null;
  let history: string[] = [];
  if (tty) {
    io.interactive = {
      begin: () => {
        if (rl) { history = [...((rl as unknown as { history: string[] }).history ?? history)]; rl.close(); rl = null; }
        process.stdin.setRawMode(true);
        raw = true;
        process.stdin.on('data', onData);
        process.stdin.resume();
      },
      end: () => {
        process.stdin.off('data', onData);
        process.stdin.setRawMode(false);
        raw = false;
        process.stdin.pause();
      },
      take: () => keys.splice(0),
      interrupted: () => { const i = interrupted; interrupted = false; return i; },
      wait: () => new Promise<void>((res) => { wake = () => { wake = null; res(); }; if (keys.length || interrupted) wake(); }),
    };
  }
  let session: Session;
  try {
    session = new Session(target, io);
  } catch (e) {
    if (e instanceof MachineError) throw new UserError(e.message, 2);
    if (e instanceof ElfError) throw new UserError(e.message, 1);
    throw e;
  }
  const ctx = new CommandContext();
  const endTrace = o.trace !== undefined ? await sessionTrace(session, o.trace, o.traceFile) : null;
  try {
    if (script) {
      for (const line of script) {
        session.out(`${PROMPT}${line}\n`);
        if (!(await runCommand(session, line, ctx))) return session.exitCode();
      }
      if (o.batch) return session.exitCode();
    }
    if (!tty) {
      // Commands from a pipe or a file: one per line, echoed.
      const lines = createInterface({ input: process.stdin, terminal: false });
      for await (const line of lines) {
        session.out(`${PROMPT}${line}\n`);
        if (!(await runCommand(session, line, ctx))) break;
      }
      return session.exitCode();
    }
    process.stdout.write('toy86 debugger: the machine is stopped before its first instruction. "help" lists the commands;\nwhile the guest runs, what you type goes to its console and Ctrl-C stops it.\n');
    let last = '';
    for (;;) {
      rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true, history, historySize: 1000, removeHistoryDuplicates: true });
      const line = await new Promise<string | null>((res) => {
        rl!.once('line', (l) => res(l));
        rl!.once('close', () => res(null));
        rl!.on('SIGINT', () => { process.stdout.write('^C\n'); rl!.prompt(); });
        rl!.setPrompt(PROMPT);
        rl!.prompt();
      });
      if (rl) { history = [...((rl as unknown as { history: string[] }).history ?? history)]; rl.close(); rl = null; }
      if (line === null) { process.stdout.write('quit\n'); break; }
      // An empty line repeats the last command, as in gdb.
      const cmd = line.trim() === '' ? last : line;
      if (cmd.trim()) last = cmd;
      if (!(await runCommand(session, cmd, ctx))) break;
    }
    return session.exitCode();
  } finally {
    ctx.traceStop?.();
    endTrace?.();
    if (raw) { try { process.stdin.setRawMode(false); } catch { /* the terminal is gone */ } }
    process.stdin.pause();
  }
}

function readScript(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new UserError(`cannot read -x '${path}': ${err.code === 'ENOENT' ? 'no such file' : err.message}`, 1);
  }
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
