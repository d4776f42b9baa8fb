// Compiler errors (SPEC §3.3, §5): each source in tests/cc/errors/ holds one construct outside the
// TypeScript subset (or mistakes the TypeScript checker finds); its first lines say what `toy86 cc`
// prints, `// expect: LINE:COL: error: MESSAGE`, one line per error in order, after the file name.
// Every file goes through the driver's API (the message and exit code 1, never a bare exception);
// a sample of the kinds of error, and a pathologically deep expression, go through the real
// command line in parallel: exit code 1, exactly those lines on stderr, no stack trace.

import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readdirSync, readFileSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { compile, asCcError } from '../../tools/cc/driver.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const CORPUS = join(HERE, 'errors');
const START = join(HERE, 'lib', 'start.s');
const CLI = join(HERE, '..', '..', 'tools', 'toy86.mjs');
const cases = readdirSync(CORPUS).filter((f) => f.endsWith('.ts')).sort();

/** The `// expect:` lines at the top of a corpus file, as the compiler prints them. */
function expected(file: string): string[] {
  const lines: string[] = [];
  for (const line of readFileSync(join(CORPUS, file), 'utf8').split('\n')) {
    const m = /^\/\/ expect: (.*)$/.exec(line);
    if (!m) break;
    lines.push(`${file}:${m[1]}`);
  }
  if (!lines.length) throw new Error(`${file} has no '// expect:' line`);
  return lines;
}

/** Compiles in process, from the corpus folder so that messages name the file as given. */
function apiMessage(file: string): { message: string; code: number } {
  const cwd = process.cwd();
  process.chdir(CORPUS);
  try {
    compile([file]);
    return { message: '', code: 0 };
  } catch (e) {
    const t = asCcError(e);
    if (!t) throw new Error(`${file}: not a compile error but ${(e as Error)?.stack ?? e}`);
    return { message: t.message, code: t.code };
  } finally {
    process.chdir(cwd);
  }
}

interface Run { status: number | null; stdout: string; stderr: string }

function runCli(args: string[], cwd: string): Promise<Run> {
  return new Promise((done, failed) => {
    const p = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.setEncoding('utf8').on('data', (s: string) => { stdout += s; });
    p.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
    p.on('error', failed);
    p.on('close', (status) => done({ status, stdout, stderr }));
  });
}

/** A compile of FILE in CWD linked bare-metal with start.s, as a user would type it. */
function cc(file: string, cwd: string, out: string): Promise<Run> {
  return runCli(['cc', file, START, '-o', out, '--kernel'], cwd);
}

const STACK = /\n\s+at /;

describe('toy86 cc errors', () => {
  it('has a corpus of refused constructs', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  for (const file of cases) {
    it(`${file}: ${expected(file).length === 1 ? 'one message' : 'one message per error'} with file:line:column`, () => {
      const r = apiMessage(file);
      expect(r.message).toBe(expected(file).join('\n'));
      expect(r.code).toBe(1);
    });
  }

  describe('through the command line', () => {
    // One of each kind: constructs the lowering refuses, several checker errors, a module the
    // checker cannot find, a checker diagnostic that comes without a position in a file.
    const sample = ['any.ts', 'class-method.ts', 'module-statement.ts', 'checker-errors.ts', 'missing-import.ts', 'async-function.ts'];
    const runs = new Map<string, Run>();
    let dir = '';
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'toy86-ccerr-'));
      const done = await Promise.all(sample.map((f, i) => cc(f, CORPUS, join(dir, `out${i}.elf`))));
      sample.forEach((f, i) => runs.set(f, done[i]));
    });
    afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

    for (const f of sample) {
      it(`${f}: the same lines on stderr, exit code 1, no stack trace`, () => {
        const r = runs.get(f)!;
        expect(r.stderr).not.toMatch(STACK);
        expect(r.stderr).toBe(expected(f).join('\n') + '\n');
        expect(r.stdout).toBe('');
        expect(r.status).toBe(1);
      });
    }
  });

  it('an expression nested very deeply compiles or is refused in one line, never a stack trace', async () => {
    // 3000 additions in a row: TypeScript takes them; the compiler must either compile them or
    // say in one line that they are too deep, never overflow its stack into the user's terminal.
    const dir = mkdtempSync(join(tmpdir(), 'toy86-ccdeep-'));
    try {
      writeFileSync(join(dir, 'deep.ts'), `export function main(): i32 {\n  let x = 1;\n  return x${' + x'.repeat(3000)};\n}\n`);
      const r = await cc('deep.ts', dir, join(dir, 'deep.elf'));
      expect(r.stderr).not.toMatch(STACK);
      if (r.status !== 0) {
        expect(r.stderr).toMatch(/^(deep\.ts:\d+:\d+: error: |toy86 cc: deep\.ts: )[^\n]+\n$/);
        expect(r.status).toBe(1);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
