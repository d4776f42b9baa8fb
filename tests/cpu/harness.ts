// The instruction-test harness: deterministic random numbers, the x86 reference program
// (tests/cpu/reference/ref.c, built with gcc at test time), assembling and booting toy86 assembly
// bare-metal, and the checker that runs batches of probes (one instruction each, with its
// operands and input flags) on both and reports every disagreement readably.
//
// A probe's code stores its outputs in a 16-byte record of the output array at OUT:
//   +0 first result, +4 second result, +8 EFLAGS after the instruction (PUSHFD), +12 third result.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Machine, type MachineOptions, type StopReason } from '../../emulator/machine.js';
import { readElf } from '../../tools/asm/elf.js';
import { decode } from '../../emulator/isa/encoding.js';
import { FORMS, type Form } from '../../emulator/isa/table.js';
import { assemble as assembleSource, link } from '../../tools/asm/index.js';
import { ARITH, FLAG_RULES, flagNames, flagsRead, type Size } from './flag-rules.js';

export { type Size } from './flag-rules.js';

/** Where programs are linked and loaded (SPEC §3.2: `toy86 asm --base 0x100000`). */
export const BASE = 0x100000;
/** The output array: one 16-byte record per probe. */
export const OUT = 0x800000;
/** Memory operands: each probe has its own 16 bytes here. */
export const DATA = 0xa00000;
/** Scratch area for the hand-written tests. */
export const SCRATCH = 0xc00000;
/** Memory operands that straddle a 4 KiB page boundary: one page each, ending here. */
export const PAGES = 0xd00000;
/** Every program starts with ESP here (probes may address memory through ESP). */
export const STACK = 0x90000;

// ---- numbers -------------------------------------------------------------------------------

export const hex = (v: number): string => '0x' + (v >>> 0).toString(16);
export const hex8 = (v: number): string => '0x' + (v >>> 0).toString(16).padStart(8, '0');
export const MASK: Record<Size, number> = { 8: 0xff, 16: 0xffff, 32: 0xffffffff };

/** Sign-extends the low `size` bits of v. */
export function sext(v: number, size: Size): number {
  return size === 32 ? v | 0 : size === 16 ? (v << 16) >> 16 : (v << 24) >> 24;
}
/** The low `size` bits of v, unsigned. */
export function low(v: number, size: Size): number {
  return size === 32 ? v >>> 0 : v & MASK[size];
}
/** `whole` with its low `size` bits replaced by those of `part` (as a write to AL/AX does). */
export function merge(whole: number, part: number, size: Size): number {
  return size === 32 ? part >>> 0 : ((whole & ~MASK[size]) | (part & MASK[size])) >>> 0;
}

/** A deterministic random-number generator (xorshift128). */
export class Rng {
  private s: Uint32Array;
  constructor(seed: string | number) {
    let h = 2166136261;
    for (const ch of String(seed)) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
    this.s = new Uint32Array([h || 1, 0x9e3779b9, 0x7f4a7c15, 0x2545f491]);
    for (let i = 0; i < 16; i++) this.u32();
  }
  /** Uniform in [0, 2^32). */
  u32(): number {
    const s = this.s;
    let t = s[3];
    t ^= t << 11; t ^= t >>> 8;
    s[3] = s[2]; s[2] = s[1]; s[1] = s[0];
    t ^= s[0] ^ (s[0] >>> 19);
    s[0] = t;
    return t >>> 0;
  }
  /** Uniform in [0, n). */
  int(n: number): number {
    return Math.floor((this.u32() / 4294967296) * n);
  }
  /** Uniform in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  chance(p: number): boolean {
    return this.u32() / 4294967296 < p;
  }
}

/** Values at the edges of each size: zero, one, all ones, and around the sign and carry bits. */
export const EDGES: Record<Size, readonly number[]> = {
  8: [0, 1, 2, 0x0f, 0x10, 0x7e, 0x7f, 0x80, 0x81, 0xf0, 0xfe, 0xff],
  16: [0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7ffe, 0x7fff, 0x8000, 0x8001, 0xfffe, 0xffff],
  32: [0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7ffffffe, 0x7fffffff,
    0x80000000, 0x80000001, 0xfffffffe, 0xffffffff],
};

/**
 * A 32-bit register or memory value whose low `size` bits are an interesting operand (an edge
 * value a third of the time, else random) and whose other bits are random.
 */
export function operand(rng: Rng, size: Size): number {
  const r = rng.u32();
  const v = rng.chance(1 / 3) ? rng.pick(EDGES[size]) : rng.chance(0.15) ? rng.int(16) : rng.u32();
  return merge(r, v, size);
}

/** Random input flags: each arithmetic flag set or clear. */
export function randomFlags(rng: Rng): number {
  return rng.u32() & ARITH;
}

// ---- the x86 reference ---------------------------------------------------------------------

/** One operation for the reference program (see the comment at the top of ref.c). */
export interface RefVector {
  readonly op: string;
  readonly size: Size;
  readonly a: number;
  readonly b: number;
  readonly c: number;
  flags: number;
}
export interface RefResult {
  readonly r1: number;
  readonly r2: number;
  readonly flags: number;
}

const REF_SOURCE = fileURLToPath(new URL('./reference/ref.c', import.meta.url));

/** Builds ref.c with gcc into a fresh temporary directory; returns the program's path. */
export function buildReference(): { bin: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'toy86-ref-'));
  const bin = join(dir, 'ref');
  execFileSync('gcc', ['-O1', '-o', bin, REF_SOURCE], { stdio: ['ignore', 'pipe', 'pipe'] });
  return { bin, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs vectors through the host CPU. */
export function runReference(bin: string, vectors: readonly RefVector[]): RefResult[] {
  if (vectors.length === 0) return [];
  const input = vectors.map((v) => `${v.op} ${v.size} ${(v.a >>> 0).toString(16)} ${(v.b >>> 0).toString(16)} ${(v.c >>> 0).toString(16)} ${(v.flags & ARITH).toString(16)}\n`).join('');
  const out = execFileSync(bin, [], { input, maxBuffer: 1 << 28, encoding: 'utf8' });
  const lines = out.split('\n').filter((l) => l !== '');
  if (lines.length !== vectors.length) throw new Error(`reference: ${lines.length} answers for ${vectors.length} vectors`);
  return lines.map((l) => {
    const [r1, r2, f] = l.split(' ').map((x) => parseInt(x, 16));
    return { r1: r1 >>> 0, r2: r2 >>> 0, flags: f };
  });
}

// ---- assembling and running toy86 programs -------------------------------------------------

/** Assembles and links one source text with the project's assembler (base 0x100000). */
export function assemble(source: string, name = 'test'): Uint8Array {
  const path = `${name}.s`;
  const object = assembleSource(path, (p) => {
    if (p !== resolve(path)) throw new Error(`${path} includes ${p}`);
    return source;
  });
  return link([object], { base: BASE, loadOffset: 0 });
}

/**
 * The instruction at each of the given labels of an executable (null where the label is missing
 * or the bytes do not decode), decoded from its .text.
 */
export function formsAt(elf: Uint8Array, labels: readonly string[]): (Form | null)[] {
  const f = readElf(elf, 'program');
  const text = f.sections.find((s) => s.name === '.text');
  if (!text) throw new Error('program has no .text');
  const bytes = text.data;
  const where = new Map<string, number>();
  for (const sym of f.symbols) where.set(sym.name, sym.value >>> 0);
  return labels.map((l) => {
    const at = where.get(l);
    if (at === undefined) return null;
    const d = decode((i) => (i < bytes.length ? bytes[i] : -1), at - (text.addr >>> 0));
    return d ? d.form : null;
  });
}

/** Boots a linked program bare-metal and runs it until it stops (power-off, halt, ...). */
export function boot(elf: Uint8Array, options: MachineOptions = {}, budget = 50_000_000): { machine: Machine; stop: StopReason } {
  const machine = new Machine(options);
  machine.loadKernel(elf);
  const stop = machine.run(budget);
  return { machine, stop };
}

/** Assembles `body` inside a `_start` that powers off with code 0 when it falls through. */
export function program(body: string | readonly string[], data = ''): string {
  const lines = typeof body === 'string' ? body : body.join('\n');
  return `section .text\nglobal _start\n_start:\n    mov esp, ${hex(STACK)}\n${lines}\n    mov al, 0\n    out 0xf4, al\n${data}`;
}

/** Every form seen in the programs run through runProgram (for the coverage checks). */
export const formsRun = new Set<Form>();

/** The instructions of an executable's .text, decoded in order from its start. */
export function textForms(elf: Uint8Array): Form[] {
  const f = readElf(elf, 'program');
  const text = f.sections.find((s) => s.name === '.text');
  if (!text) throw new Error('program has no .text');
  const bytes = text.data;
  const forms: Form[] = [];
  for (let at = 0; at < bytes.length;) {
    const d = decode((i) => (i < bytes.length ? bytes[i] : -1), at);
    if (!d) break; // data after the code
    forms.push(d.form);
    at += d.length;
  }
  return forms;
}

/** The value of each symbol of an executable. */
export function symbols(elf: Uint8Array): Map<string, number> {
  const m = new Map<string, number>();
  for (const s of readElf(elf, 'program').symbols) m.set(s.name, s.value >>> 0);
  return m;
}

export interface Ran {
  readonly machine: Machine;
  readonly elf: Uint8Array;
  /** The dwords of the output array (as many as asked for), unsigned. */
  readonly out: number[];
  /** Symbol values. */
  readonly sym: Map<string, number>;
}

/**
 * Assembles and runs a program; throws a readable error unless it powered off with code 0.
 * Returns the machine, the first `outWords` dwords at OUT, and the symbols.
 */
export function runProgram(body: string | readonly string[], outWords = 0, data = '', options: MachineOptions = {}): Ran {
  const elf = assemble(program(body, data));
  for (const f of textForms(elf)) formsRun.add(f);
  const { machine, stop } = boot(elf, options);
  if (stop.kind !== 'poweroff' || stop.code !== 0) {
    throw new Error(`program did not power off with code 0: ${JSON.stringify(stop)} at eip ${hex(machine.cpu.eip)}`);
  }
  const out: number[] = [];
  for (let i = 0; i < outWords; i++) out.push(read32(machine, OUT + 4 * i));
  return { machine, elf, out, sym: symbols(elf) };
}

export function read32(m: Machine, addr: number): number {
  return m.readPhys32(addr) >>> 0;
}

/** `mov [OUT + 4k], reg`: stores a register in word k of the output array. */
export const save = (k: number, reg: string): string => `mov [${hex(OUT + 4 * k)}], ${reg}`;
/** Stores EFLAGS in word k of the output array. */
export const saveFlags = (k: number): string[] => ['pushfd', `pop dword [${hex(OUT + 4 * k)}]`];

/** The IDT the hand-written tests install (SPEC §2.3); its LIDT operand follows the gates. */
export const IDT = 0x600000;

/** A gate: the handler's label and the attribute byte (0x8E: present, DPL 0, interrupt gate). */
export type Gate = string | { readonly label: string; readonly attr: number };

/**
 * Code that builds an IDT of `vectors` gates at IDT, gate v entering handlers[v] (an interrupt
 * gate with selector 0x08 unless given otherwise), the others a stub that powers off with code
 * 0x80 + v (unexpectedStubs), and loads it with LIDT.
 */
export function installIdt(handlers: Record<number, Gate>, vectors = 32): string[] {
  const lines: string[] = [];
  for (let v = 0; v < vectors; v++) {
    const gate = IDT + 8 * v;
    const h = handlers[v] ?? `unexpected_${v}`;
    const { label, attr } = typeof h === 'string' ? { label: h, attr: 0x8e } : h;
    lines.push(
      `mov eax, ${label}`,
      `mov [${hex(gate)}], ax`, // offset 15:0
      'shr eax, 16',
      `mov [${hex(gate + 6)}], ax`, // offset 31:16
      `mov word [${hex(gate + 2)}], 0x08`, // selector
      `mov byte [${hex(gate + 4)}], 0`,
      `mov byte [${hex(gate + 5)}], ${hex(attr)}`, // P, DPL, type
    );
  }
  const desc = idtDescriptor(vectors);
  lines.push(`mov word [${hex(desc)}], ${vectors * 8 - 1}`, `mov dword [${hex(desc + 2)}], ${hex(IDT)}`, `lidt [${hex(desc)}]`);
  return lines;
}

/** Where installIdt puts the 6-byte LIDT operand (limit, base). */
export const idtDescriptor = (vectors = 32): number => IDT + 8 * vectors;

/** Handlers for the vectors a test does not expect: power off with code 0x80 + vector. */
export function unexpectedStubs(vectors = 32): string[] {
  const lines: string[] = [];
  for (let v = 0; v < vectors; v++) lines.push(`unexpected_${v}:`, `mov al, ${(0x80 + v) & 0xff}`, 'out 0xf4, al');
  return lines;
}

// ---- probes --------------------------------------------------------------------------------

/** Where a probe's result is read back from. */
export interface Output {
  /** Name in reports: 'ecx', '[mem]', 'taken'. */
  readonly label: string;
  /** A 32-bit register to store, or */
  readonly reg?: string;
  /** a physical address whose dword to store, or */
  readonly addr?: number;
  /** neither: the probe's own code stores it. */
}

/** One instruction run on both machines (toy86 and the host). */
export interface Probe {
  /** The instruction under test, as assembled. */
  readonly insn: string;
  /** The form it must assemble to: "add r32,s8" (canonical mnemonic, the table's operand kinds). */
  readonly form: string;
  /** The inputs, for reports ("ecx=0x… [mem]=0x…"). */
  readonly inputs: string;
  /** Lines that set up registers and memory (before the flags are loaded). */
  readonly setup: readonly string[];
  /**
   * The code that runs with the flags loaded, ending with EFLAGS stored at out + 8; by default
   * the instruction followed by PUSHFD and POP to out + 8. The label `label` must be on the
   * instruction under test (its form is checked).
   */
  readonly body?: (out: number, label: string) => readonly string[];
  /** Up to three outputs, stored at out + 0, + 4 and + 12 (null: not stored). */
  readonly outputs: readonly (Output | null)[];
  /** The operation on the host. Its flags are the probe's input flags. */
  readonly ref: RefVector;
  /** Operations run between loading the flags and the instruction: they make its input flags. */
  readonly pre: readonly PreOp[];
  /** The expected outputs, from the host's result (undefined: not compared). */
  expect(r: RefResult): readonly (number | undefined)[];
  /** The flag rule: the operation's name in FLAG_RULES, its size and count, its condition code. */
  readonly rule: { op: string; size: Size; count: number; cc: number };
}

/** An instruction that produces the input flags of a probe (the flags then come lazily). */
export interface PreOp {
  /** Setup and the instruction, as assembled (they run after POPFD). */
  readonly lines: readonly string[];
  readonly insn: string;
  readonly ref: RefVector;
  readonly rule: { op: string; size: Size; count: number };
}

/** The flags defined after a chain of flag-producing operations that started from POPFD. */
export function definedAfter(pre: readonly { rule: { op: string; size: Size; count: number } }[]): number {
  let d = ARITH;
  for (const p of pre) {
    const e = FLAG_RULES[p.rule.op].effect(p.rule.size, p.rule.count);
    d = e.defined | (e.preserved & d);
  }
  return d;
}

const SLOT_OFFSETS = [0, 4, 12];

/** The text of a probe's program: setup, flags, pre-operations, the instruction, stores. */
function probeCode(p: Probe, i: number): string[] {
  const out = OUT + 16 * i;
  const lines: string[] = [`; probe ${i}: ${p.insn}`, ...p.setup];
  lines.push(`push dword ${hex(p.pre.length ? p.pre[0].ref.flags : p.ref.flags)}`, 'popfd');
  for (const pre of p.pre) lines.push(...pre.lines);
  if (p.body) lines.push(...p.body(out, `p${i}`));
  else lines.push(`p${i}:`, p.insn, 'pushfd', `pop dword [${hex(out + 8)}]`);
  const viaMemory: [Output, number][] = [];
  p.outputs.forEach((o, k) => {
    if (!o) return;
    if (o.reg) lines.push(`mov [${hex(out + SLOT_OFFSETS[k])}], ${o.reg}`);
    else if (o.addr !== undefined) viaMemory.push([o, k]);
  });
  for (const [o, k] of viaMemory) lines.push(`mov eax, [${hex(o.addr!)}]`, `mov [${hex(out + SLOT_OFFSETS[k])}], eax`);
  return lines.map((l) => (l.endsWith(':') || l.startsWith(';') ? l : '    ' + l));
}

export interface CheckResult {
  /** Probes run. */
  readonly count: number;
  /** One readable paragraph per disagreement. */
  readonly failures: string[];
  /** The forms the probes' instructions assembled to. */
  readonly forms: Set<Form>;
  /** The results toy86 produced, per probe (for extra checks such as Jcc outcomes). */
  readonly actual: { values: number[]; flags: number }[];
}

/**
 * Runs probes: their pre-operations and then their instructions through the host (each stage
 * taking the flags the previous one produced), then all of them in one toy86 program, and
 * compares every probe's outputs and its defined flags.
 */
export function checkProbes(refBin: string, name: string, probes: readonly Probe[]): CheckResult {
  // The host: stage k runs the k-th operation of every probe's chain, with the flags of stage k - 1.
  const chains = probes.map((p) => [...p.pre.map((x) => x.ref), p.ref]);
  const results: RefResult[][] = probes.map(() => []);
  for (let k = 0; ; k++) {
    const batch: { i: number; v: RefVector }[] = [];
    chains.forEach((c, i) => {
      if (k < c.length) {
        const v = k === 0 ? c[0] : { ...c[k], flags: results[i][k - 1].flags };
        batch.push({ i, v });
      }
    });
    if (batch.length === 0) break;
    const answers = runReference(refBin, batch.map((x) => x.v));
    batch.forEach((x, j) => results[x.i].push(answers[j]));
  }

  // toy86: one program.
  const source = program(probes.flatMap((p, i) => probeCode(p, i)));
  const elf = assemble(source, name);
  const { machine, stop } = boot(elf);
  if (stop.kind !== 'poweroff' || stop.code !== 0) {
    throw new Error(`${name}: the program did not power off with code 0: ${JSON.stringify(stop)} at eip ${hex(machine.cpu.eip)}`);
  }
  const assembled = formsAt(elf, probes.map((_, i) => `p${i}`));
  const forms = new Set<Form>();
  for (const f of assembled) if (f) forms.add(f);

  const failures: string[] = [];
  const actual: { values: number[]; flags: number }[] = [];
  probes.forEach((p, i) => {
    const rec = OUT + 16 * i;
    const values = SLOT_OFFSETS.map((o) => read32(machine, rec + o));
    const flags = read32(machine, rec + 8);
    actual.push({ values, flags });
    const host = results[i][results[i].length - 1];
    const inFlags = p.pre.length ? results[i][results[i].length - 2].flags : p.ref.flags;
    const definedIn = definedAfter(p.pre);
    const readsOk = (flagsRead(p.rule.op, p.rule.cc) & ~definedIn) === 0;
    const effect = FLAG_RULES[p.rule.op].effect(p.rule.size, p.rule.count);
    const mask = readsOk ? effect.defined | (effect.preserved & definedIn) : effect.preserved & definedIn;
    const expected = p.expect(host);
    const problems: string[] = [];
    const form = assembled[i];
    if (!form || formKey(form) !== p.form) problems.push(`assembled as ${form ? formKey(form) : 'nothing found at its label'}, expected the form ${p.form}`);
    p.outputs.forEach((o, k) => {
      const e = expected[k];
      if (!o || e === undefined || !readsOk) return;
      if ((values[k] >>> 0) !== (e >>> 0)) problems.push(`${o.label}: expected ${hex8(e)}, got ${hex8(values[k])}`);
    });
    if (((flags ^ host.flags) & mask) !== 0) {
      problems.push(`flags: expected ${flagNames(host.flags & mask)}, got ${flagNames(flags & mask)} (compared: ${flagNames(mask)}; all six on toy86: ${flagNames(flags)}, on the host: ${flagNames(host.flags)})`);
    }
    if ((flags & ~ARITH) !== 0x2) problems.push(`EFLAGS bits other than the arithmetic flags: expected 0x2, got ${hex(flags & ~ARITH)}`);
    if (problems.length) {
      const chain = p.pre.length ? `  flags made by: popfd (${flagNames(p.pre[0].ref.flags)}); ${p.pre.flatMap((x) => x.lines).join('; ')}\n` : '';
      failures.push(`#${i} ${p.insn}\n  inputs: ${p.inputs}; flags in: ${flagNames(inFlags)}${p.pre.length ? ` (defined: ${flagNames(definedIn)})` : ''}\n${chain}  ${problems.join('\n  ')}`);
    }
  });
  return { count: probes.length, failures, forms, actual };
}

/** A failure message listing the first disagreements (vitest prints it on failure). */
export function report(name: string, r: CheckResult, limit = 25): string {
  if (r.failures.length === 0) return '';
  const shown = r.failures.slice(0, limit).join('\n');
  const more = r.failures.length > limit ? `\n... and ${r.failures.length - limit} more` : '';
  return `${name}: ${r.failures.length} of ${r.count} probes disagree with the host CPU:\n${shown}${more}`;
}

/** The table's forms of the given mnemonics (with their sizes), as "mnemonic operands" keys. */
export function tableForms(mnemonics: readonly string[]): Form[] {
  return FORMS.filter((f) => mnemonics.includes(f.mnemonic));
}

export const formKey = (f: Form): string => `${f.mnemonic} ${f.operands.join(',')}`;

/** The forms of `mnemonics` in the table that the assembled program never used. */
export function missingForms(mnemonics: readonly string[], used: Set<Form>): string[] {
  return tableForms(mnemonics).filter((f) => !used.has(f)).map(formKey);
}
