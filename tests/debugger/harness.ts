// Shared by the debugger's tests: the kernel and disks (built once per file), scripted sessions,
// and golden transcripts.
//
// Golden transcripts (tests/debugger/golden/NAME.txt) are created when missing and rewritten with
// UPDATE_GOLDEN=1 (review the diff). Each records a fingerprint of the kernel and disk it was made
// with. With the same build, a session's transcript must match it exactly. When the kernel or the
// userland changed since (another fingerprint), addresses, line numbers and counts move, so the
// comparison is of the transcripts with every number normalised away — wording, structure,
// symbols, decoded bits and source text still compared — and a warning says to regenerate. Each
// test also checks the exact
// facts that matter (addresses, entries, instruction counts) against the ELF files and the
// machine, independently of the golden files.

import { readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { Session } from '../../tools/debugger/session.js';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { buildKernel } from '../../tools/kernel.js';
import { buildDisk, buildProgram } from '../../tools/userland.js';
import { runDisk, ScriptedSession, type DebugTarget, type SessionOptions } from '../../tools/debugger/index.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const GOLDEN = join(ROOT, 'tests', 'debugger', 'golden');

export interface Fixtures {
  kernel: Uint8Array;
  disk: Uint8Array;
}

/** The kernel and the standard disk (1 MiB of swap). */
export function buildFixtures(): Fixtures {
  return { kernel: buildKernel(), disk: buildDisk(1024 * 1024) };
}

/** What `toy86 debug run userland/PATH ARGS` starts. */
export function runTargetOf(f: Fixtures, path: string, args: string[] = [], extra: Partial<DebugTarget> = {}): DebugTarget {
  const name = path.replace(/^.*\//, '').replace(/\.(ts|s)$/, '');
  const program = buildProgram([join(ROOT, path)]);
  return {
    kernel: f.kernel, kernelPath: 'kernel.elf', disk: runDisk(f.disk, name, program, 1024 * 1024),
    append: [`init=/bin/${name}`, ...(args.length ? ['--', ...args] : [])].join(' '), program: name, ...extra,
  };
}

/** What `toy86 debug boot` starts (with the test disk). */
export function bootTargetOf(f: Fixtures, extra: Partial<DebugTarget> = {}): DebugTarget {
  return { kernel: f.kernel, kernelPath: 'kernel.elf', disk: f.disk, append: '', ...extra };
}

export function start(target: DebugTarget, opts: SessionOptions = {}): ScriptedSession {
  return new ScriptedSession(target, { snapshotBytes: 128 * 1024 * 1024, ...opts });
}

/** The fingerprint of a target's build: its kernel and disk. */
export function fingerprint(t: DebugTarget): string {
  const h = createHash('sha256');
  h.update(t.kernel);
  if (t.disk) h.update(t.disk);
  return h.digest('hex').slice(0, 16);
}

/** What moves when the kernel or the programs are rebuilt from changed sources: every number. */
export function normalize(text: string): string {
  return text
    .replace(/0x[0-9a-f]+/g, '0x#')
    .replace(/\b(?=[0-9a-f]*\d)[0-9a-f]{8}\b/g, '#')
    .replace(/\d+/g, 'N');
}

/** Compares a transcript with tests/debugger/golden/NAME.txt (see the header). */
export function expectGolden(name: string, transcript: string, print: string): void {
  const file = join(GOLDEN, `${name}.txt`);
  const text = transcript.split(ROOT).join('<root>');
  const header = `# fingerprint ${print} (tests/debugger/harness.ts: UPDATE_GOLDEN=1 rewrites this file)\n`;
  if (!existsSync(file) || process.env.UPDATE_GOLDEN) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, header + text);
    return;
  }
  const stored = readFileSync(file, 'utf8');
  const nl = stored.indexOf('\n');
  const storedPrint = /^# fingerprint (\w+)/.exec(stored.slice(0, nl))?.[1];
  const body = stored.slice(nl + 1);
  if (storedPrint === print) {
    expect(text).toBe(body);
  } else {
    // Rebuilt from changed sources: compare what does not move.
    console.warn(`tests/debugger/golden/${name}.txt was made with another kernel or disk build: rerun with UPDATE_GOLDEN=1 and review the diff`);
    expect(normalize(text), `golden ${name}.txt (another build; UPDATE_GOLDEN=1 refreshes it)`).toBe(normalize(body));
  }
}

/** The output of each command of a transcript, by the command line. */
export function outputs(transcript: string): { cmd: string; out: string }[] {
  const parts = transcript.split(/^\(toy86\) /m).slice(1);
  return parts.map((p) => {
    const nl = p.indexOf('\n');
    return { cmd: p.slice(0, nl), out: p.slice(nl + 1) };
  });
}

/** The 1-based number of the line of `file` that contains `text`. */
export function lineOf(file: string, text: string): number {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(text));
  if (i < 0) throw new Error(`${file} has no line with '${text}'`);
  return i + 1;
}

export const hex8 = (v: number) => '0x' + (v >>> 0).toString(16).padStart(8, '0');

/** Everything that says where the machine is (reverse moves must land exactly on it). */
export function state(s: Session) {
  const m = s.m;
  return {
    clock: m.clock,
    idle: m.idleClock,
    regs: Array.from(m.cpu.regs.slice(0, 8)),
    eip: m.cpu.eip >>> 0,
    eflags: m.cpu.eflags(),
    cr: ['cr0', 'cr2', 'cr3', 'cr4', 'cpl'].map((r) => s.register(r)!.v),
    mem: createHash('sha256').update(m.mem8.subarray(0, m.memSize)).digest('hex'),
  };
}
