// Runs programs written in the TypeScript subset bare-metal on the emulator (tests/cc/lib):
// compile with toy86 cc's passes, link with start.s, boot, and turn each "FAIL <address>" line
// into `file:line: source text` through the executable's line table.

import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile } from '../../tools/cc/driver.js';
import { assemble, link } from '../../tools/asm/index.js';
import { readElf } from '../../tools/asm/elf.js';
import { Machine, type StopReason } from '../../emulator/machine.js';

export const LIB = join(dirname(fileURLToPath(import.meta.url)), 'lib');

export interface TsRun {
  stop: StopReason;
  out: string;
  /** The failing checks, as `file:line: source`. */
  failures: string[];
  checks: number;
  /** Instructions retired. */
  instructions: number;
  machine: Machine;
  image: Uint8Array;
}

/** Compiles and runs; `files` are .ts sources (with main) and .s sources. */
export function runTs(files: string[], budget = 200_000_000): TsRun {
  const ts = files.filter((f) => f.endsWith('.ts'));
  const asm = files.filter((f) => f.endsWith('.s'));
  const { objects } = compile(ts);
  const image = link([...objects, ...[join(LIB, 'start.s'), ...asm].map((f) => assemble(f))], { base: 0x100000 });
  let out = '';
  const machine = new Machine({ onSerialOutput: (b) => { out += String.fromCharCode(b); } });
  machine.loadKernel(image);
  const stop = machine.run(budget);
  const elf = readElf(image);
  const lines = elf.lines.entries.map((e) => ({ addr: e.addr >>> 0, file: elf.lines.files[e.file], line: e.line })).sort((a, b) => a.addr - b.addr);
  const where = (addr: number): string => {
    let best: (typeof lines)[number] | undefined;
    for (const l of lines) { if (l.addr <= addr) best = l; else break; }
    if (!best) return `0x${addr.toString(16)}`;
    let text = '';
    try { text = readFileSync(best.file, 'utf8').split('\n')[best.line - 1]?.trim() ?? ''; } catch { /* not readable */ }
    return `${best.file}:${best.line}: ${text}`;
  };
  const failures = [...out.matchAll(/^FAIL ([0-9a-f]{8})$/gm)].map((m) => where(parseInt(m[1], 16) - 1));
  const summary = /CHECKS ([0-9a-f]{8}) FAILURES ([0-9a-f]{8})/.exec(out);
  return { stop, out, failures, checks: summary ? parseInt(summary[1], 16) : 0, instructions: machine.clock, machine, image };
}
