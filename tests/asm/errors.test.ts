// Assembler errors (SPEC §3.1, §5): each broken source in tests/asm/errors/ gives exactly one
// message, `file:line:column: error: ...`, stated on its first line (`; expect: ...`), exit code 1
// and no stack trace — through the API and through the real command line.

import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { asmCommand, asToolError } from '../../tools/asm/index.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const CORPUS = join(HERE, 'errors');
const CLI = join(HERE, '..', '..', 'tools', 'toy86.mjs');
const cases = readdirSync(CORPUS).filter((f) => f.endsWith('.s')).sort();

function expected(file: string): string {
  const first = readFileSync(join(CORPUS, file), 'utf8').split('\n')[0];
  const m = /^; expect: (.*)$/.exec(first);
  if (!m) throw new Error(`${file} has no '; expect:' line`);
  return `${file}:${m[1]}`;
}

function runCli(args: string[], cwd: string) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
}

describe('assembler errors', () => {
  it('has a corpus of broken sources', () => {
    expect(cases.length).toBeGreaterThanOrEqual(10);
  });

  for (const file of cases) {
    it(`${file}: one message with file:line:column`, () => {
      const cwd = process.cwd();
      process.chdir(CORPUS);
      try {
        let message = '';
        try {
          asmCommand({ inputs: [file], output: join(tmpdir(), 'toy86-never-written.elf') });
        } catch (e) {
          const t = asToolError(e);
          expect(t, `${file}: not a user error: ${e}`).not.toBeNull();
          expect(t!.code).toBe(1);
          message = t!.message;
        }
        expect(message).toBe(expected(file));
      } finally {
        process.chdir(cwd);
      }
      const r = runCli(['asm', file, '-o', join(tmpdir(), 'toy86-never-written.elf')], CORPUS);
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(expected(file) + '\n');
    });
  }

  it('reports link errors in one line: undefined and duplicate symbols, no entry point', () => {
    const dir = mkdtempSync(join(tmpdir(), 'toy86-link-'));
    try {
      writeFileSync(join(dir, 'a.s'), 'section .text\nglobal _start\nextern helper\n_start:\n    call helper\n');
      writeFileSync(join(dir, 'b.s'), 'section .text\nglobal _start\n_start:\n    ret\n');
      writeFileSync(join(dir, 'c.s'), 'section .text\nglobal other\nother:\n    ret\n');
      const undef = runCli(['asm', 'a.s', '-o', 'x'], dir);
      expect(undef.status).toBe(1);
      expect(undef.stderr).toBe("toy86 asm: undefined symbol 'helper' (referenced from a.s)\n");
      const dup = runCli(['asm', 'b.s', 'b.s', '-o', 'x'], dir);
      expect(dup.stderr).toBe("toy86 asm: duplicate definition of '_start' in b.s and b.s\n");
      const noEntry = runCli(['asm', 'c.s', '-o', 'x'], dir);
      expect(noEntry.stderr).toBe("toy86 asm: no entry point: no global symbol '_start' in c.s\n");
      const missing = runCli(['asm', 'nothere.s', '-o', 'x'], dir);
      expect(missing.status).toBe(1);
      expect(missing.stderr).toBe('toy86 asm: nothere.s: no such file\n');
      const usage = runCli(['asm', 'a.s'], dir);
      expect(usage.status).toBe(2);
      expect(usage.stderr.split('\n').filter(Boolean)).toHaveLength(1);
      for (const r of [undef, dup, noEntry, missing, usage]) expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
