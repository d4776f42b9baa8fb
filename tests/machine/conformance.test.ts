// Runs the bare-metal conformance programs of tests/machine/conformance/ (SPEC §2.3, §2.4).
// Each program includes lib.inc, makes numbered checks and reports through COM1: a failing
// check prints "FAIL <n> got <x> want <y>", the end prints "DONE <checks> <failures>" and powers
// off with the number of failures. A program may ask for machine options with a first-line
// comment `; options: {"tlbEntries": 8}` (JSON, MachineOptions) and state how many checks it
// makes with `; checks: N` so that a check silently skipped is noticed. A program that must end in
// a machine stop instead says so with `; expect: triple-fault` (a kind of Machine.run's result):
// it prints "ARMED <checks> <failures>" (lib.inc's `armed`) in place of DONE, then stops the
// machine, and nothing may follow.

import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Machine, type MachineOptions } from '../../emulator/machine.js';
import { linkSources } from '../../tools/asm/index.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), 'conformance');
const programs = readdirSync(DIR).filter((f) => f.endsWith('.s')).sort();

export interface Outcome { out: string; stop: ReturnType<Machine['run']>; machine: Machine }

export function runConformance(file: string, extra: MachineOptions = {}): Outcome {
  const src = readFileSync(join(DIR, file), 'utf8');
  const opt = /^; options: (\{.*\})$/m.exec(src);
  const options: MachineOptions = { ...(opt ? JSON.parse(opt[1]) : {}), ...extra };
  const image = linkSources([join(DIR, file)], { base: 0x100000 });
  let out = '';
  const machine = new Machine({ ...options, onSerialOutput: (b) => { out += String.fromCharCode(b); } });
  machine.loadKernel(image);
  const stop = machine.run(200_000_000);
  return { out, stop, machine };
}

describe('conformance programs', () => {
  it('finds the programs', () => {
    expect(programs.length).toBeGreaterThan(0);
  });
  for (const file of programs) {
    it(file, () => {
      const src = readFileSync(join(DIR, file), 'utf8');
      const { out, stop } = runConformance(file);
      const fails = out.split('\n').filter((l) => l.startsWith('FAIL'));
      expect(fails, out).toEqual([]);
      const kind = /^; expect: ([a-z-]+)$/m.exec(src)?.[1] ?? 'poweroff';
      const last = kind === 'poweroff' ? 'DONE' : 'ARMED';
      const done = new RegExp(`${last} ([0-9a-f]{8}) ([0-9a-f]{8})\\n$`).exec(out);
      expect(done, `no ${last} line at the end; stop ${JSON.stringify(stop)}; output:\n${out}`).not.toBeNull();
      expect(stop).toEqual(kind === 'poweroff' ? { kind, code: 0 } : { kind });
      const want = /^; checks: (\d+)$/m.exec(src);
      expect(want, `${file} does not state its number of checks`).not.toBeNull();
      expect(parseInt(done![1], 16)).toBe(Number(want![1]));
    });
  }
});
