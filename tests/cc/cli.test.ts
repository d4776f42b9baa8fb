// `toy86 cc` from the user's side (SPEC §3.2, §3.3, §5): --help; -S writes assembly whose %line
// directives name the TypeScript; -c writes an object that objdump reads and that cc and asm link;
// a program compiled with --kernel and an assembly entry boots with `toy86 boot --kernel` and exits
// with its main's result; without --kernel the program is linked with the user runtime at 0x08048000;
// a missing input is one line and exit code 1; objdump interleaves each function's instructions
// with its TypeScript source lines. The command runs in a temporary folder holding prog.ts, so
// that every message and line table names the file as the user typed it. The commands that do
// not depend on each other run in parallel; linked files also run in process on the emulator.

import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { assemble, link } from '../../tools/asm/index.js';
import { readElf } from '../../tools/asm/elf.js';
import { Machine, type StopReason } from '../../emulator/machine.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const START = join(HERE, 'lib', 'start.s');
const CLI = join(HERE, '..', '..', 'tools', 'toy86.mjs');
const STACK = /\n\s+at /;

// main returns 1 + 4 + 9 = 14 after printing a line through start.s's putc (cdecl both ways).
const PROG = `// A bare-metal program for the cc command-line tests.
declare function putc(c: u8): void;

function square(x: i32): i32 {
  return x * x;
}

function puts(s: usize): void {
  for (let c = load<u8>(s); c != 0; c = load<u8>(++s)) putc(c);
}

export function main(): i32 {
  puts(changetype<usize>("hello from cc\\n"));
  let sum = 0;
  for (let i = 1; i <= 3; i++) sum += square(i);
  return sum;
}
`;
const SOURCE = PROG.split('\n');
/** The functions of prog.ts and the line each is declared on. */
const FUNCTIONS: [string, number][] = [['square', 4], ['puts', 8], ['main', 12]];
/** The lines of prog.ts that hold code, each of which the line table must name. */
const CODE_LINES = [5, 9, 13, 14, 15, 16];

interface Run { status: number | null; stdout: string; stderr: string }

let dir = '';

function toy86(...args: string[]): Promise<Run> {
  return new Promise((done, failed) => {
    const p = spawn(process.execPath, [CLI, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.setEncoding('utf8').on('data', (s: string) => { stdout += s; });
    p.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
    p.on('error', failed);
    p.on('close', (status) => done({ status, stdout, stderr }));
  });
}

/** Runs an executable on the emulator in process: its stop and what it wrote to COM1. */
function runImage(image: Uint8Array): { stop: StopReason; out: string } {
  let out = '';
  const m = new Machine({ onSerialOutput: (b) => { out += String.fromCharCode(b); } });
  m.loadKernel(image);
  return { stop: m.run(10_000_000), out };
}

const file = (name: string) => readFileSync(join(dir, name));

/** Checks objdump output: each function's label, then its declaration's source line, then its
 *  instructions with `prog.ts:LINE:  source` lines between them, naming every line with code. */
function checkInterleaved(text: string): void {
  const lines = text.split('\n');
  const insn = /^\s+[0-9a-f]+:\t/;
  const src = /^prog\.ts:(\d+):  (.*)$/;
  for (const [name, decl] of FUNCTIONS) {
    const at = lines.findIndex((l) => new RegExp(`^[0-9a-f]{8} <${name}>:$`).test(l));
    expect(at, `no label for ${name}`).toBeGreaterThanOrEqual(0);
    expect(lines[at + 1]).toBe(`prog.ts:${decl}:  ${SOURCE[decl - 1].trim()}`);
    expect(lines[at + 2]).toMatch(insn);
  }
  const seen = new Set<number>();
  lines.forEach((l, i) => {
    const m = src.exec(l);
    if (!m) return;
    const n = Number(m[1]);
    seen.add(n);
    expect(m[2], `line ${n}`).toBe(SOURCE[n - 1].trim());
    // Instructions follow (perhaps after a local label), before the next source line.
    const next = lines.slice(i + 1).findIndex((x) => insn.test(x) || src.test(x));
    expect(insn.test(lines[i + 1 + next]), `no instruction after ${l}`).toBe(true);
  });
  for (const n of CODE_LINES) expect(seen.has(n), `prog.ts:${n} is not shown`).toBe(true);
}

const r: Record<string, Run> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'toy86-cccli-'));
  writeFileSync(join(dir, 'prog.ts'), PROG);
  // Commands that need nothing but the source.
  [r.help, r.S, r.c, r.exe, r.noKernel, r.missingTs, r.missingS] = await Promise.all([
    toy86('cc', '--help'),
    toy86('cc', 'prog.ts', '-S', '-o', 'prog.s'),
    toy86('cc', 'prog.ts', '-c', '-o', 'prog.o'),
    toy86('cc', 'prog.ts', START, '-o', 'prog.elf', '--kernel'),
    toy86('cc', 'prog.ts', START, '-o', 'user.elf'),
    toy86('cc', 'nothere.ts', START, '-o', 'never.elf', '--kernel'),
    toy86('cc', 'prog.ts', 'nothere.s', '-o', 'never.elf', '--kernel'),
  ]);
  // Commands on what those wrote.
  [r.objdumpO, r.objdumpExe, r.asmLink, r.ccLink, r.boot] = await Promise.all([
    toy86('objdump', 'prog.o'),
    toy86('objdump', 'prog.elf'),
    toy86('asm', 'prog.o', START, '-o', 'asm-linked.elf', '--base', '0x100000'),
    toy86('cc', 'prog.o', START, '-o', 'cc-linked.elf', '--kernel'),
    toy86('boot', '--kernel', 'prog.elf'),
  ]);
});

afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

describe('toy86 cc on the command line', () => {
  it('no command printed a stack trace', () => {
    for (const [name, run] of Object.entries(r)) expect(run.stderr, name).not.toMatch(STACK);
  });

  it('cc --help describes the command and its options', () => {
    expect(r.help.status).toBe(0);
    expect(r.help.stderr).toBe('');
    expect(r.help.stdout).toMatch(/toy86 cc <files\.\.>/);
    for (const opt of ['-o', '--kernel', '-S', '-c', '--base', '--load-offset']) expect(r.help.stdout).toContain(opt);
  });

  it('-S writes the assembly, with %line directives naming the .ts file', () => {
    expect(r.S.status).toBe(0);
    expect(r.S.stderr).toBe('');
    const s = file('prog.s').toString('utf8');
    const lines = [...s.matchAll(/^%line (\d+)\+0 "([^"]*)"$/gm)];
    expect(lines.length).toBeGreaterThan(0);
    for (const m of lines) {
      expect(m[2]).toBe('prog.ts');
      expect(Number(m[1])).toBeGreaterThanOrEqual(1);
      expect(Number(m[1])).toBeLessThanOrEqual(SOURCE.length);
    }
    for (const n of CODE_LINES) expect(lines.some((m) => Number(m[1]) === n), `no %line ${n}`).toBe(true);
    for (const [name] of FUNCTIONS) expect(s).toMatch(new RegExp(`^\\$?${name}:$`, 'm'));
    expect(s).toMatch(/^global \$?main$/m);
  });

  it('the -S assembly assembles and links with start.s, runs, and its line table names prog.ts', () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const image = link([assemble('prog.s'), assemble(START)], { base: 0x100000 });
      expect(readElf(image).lines.files).toContain('prog.ts');
      const run = runImage(image);
      expect(run.stop).toEqual({ kind: 'poweroff', code: 14 });
      expect(run.out).toBe('hello from cc\n');
    } finally {
      process.chdir(cwd);
    }
  });

  it('-c writes a relocatable object that objdump reads', () => {
    expect(r.c.status).toBe(0);
    expect(r.c.stderr).toBe('');
    expect(readElf(file('prog.o')).type).toBe(1); // ET_REL
    expect(r.objdumpO.status).toBe(0);
    expect(r.objdumpO.stderr).toBe('');
    expect(r.objdumpO.stdout).toMatch(/^prog\.o:\s+file format elf32-toy86$/m);
    checkInterleaved(r.objdumpO.stdout);
  });

  it('the object links with toy86 asm and with toy86 cc, and the result runs', () => {
    for (const [run, out] of [[r.asmLink, 'asm-linked.elf'], [r.ccLink, 'cc-linked.elf']] as const) {
      expect(run.stderr, out).toBe('');
      expect(run.status, out).toBe(0);
      const result = runImage(file(out));
      expect(result.stop, out).toEqual({ kind: 'poweroff', code: 14 });
      expect(result.out, out).toBe('hello from cc\n');
    }
  });

  it('a program compiled with --kernel and a .s entry boots with toy86 boot --kernel and exits with main\'s result', () => {
    expect(r.exe.status).toBe(0);
    expect(r.exe.stderr).toBe('');
    expect(r.exe.stdout).toBe('');
    expect(readElf(file('prog.elf')).type).toBe(2); // ET_EXEC
    expect(r.boot.stdout).toBe('hello from cc\n');
    expect(r.boot.stderr).toBe('');
    expect(r.boot.status).toBe(14);
  });

  it('objdump shows each compiled function with its TypeScript source lines interleaved', () => {
    expect(r.objdumpExe.status).toBe(0);
    expect(r.objdumpExe.stderr).toBe('');
    checkInterleaved(r.objdumpExe.stdout);
  });

  it('without --kernel, the program is linked with the user runtime (the stubs; its own _start) at 0x08048000', () => {
    expect(r.noKernel.status).toBe(0);
    expect(r.noKernel.stdout).toBe('');
    expect(r.noKernel.stderr).toBe('');
    const elf = readElf(file('user.elf'));
    expect(elf.type).toBe(2); // ET_EXEC
    expect(elf.entry).toBeGreaterThanOrEqual(0x08048000);
    expect(elf.entry).toBeLessThan(0x08050000);
  });

  it('a missing .ts input is one line and exit code 1', () => {
    // As `toy86 asm` says it: no line and column, since there is no file to point into.
    expect(r.missingTs.stderr).toBe('toy86 cc: nothere.ts: no such file\n');
    expect(r.missingTs.status).toBe(1);
    expect(existsSync(join(dir, 'never.elf'))).toBe(false);
  });

  it('a missing .s input is one line and exit code 1', () => {
    expect(r.missingS.stderr).toBe('toy86 cc: nothere.s: no such file\n');
    expect(r.missingS.status).toBe(1);
    expect(existsSync(join(dir, 'never.elf'))).toBe(false);
  });
});
