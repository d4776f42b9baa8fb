// Generates the interpreter from the instruction table (emulator/isa/table.ts), its encoding
// (emulator/isa/encoding.ts) and its semantic routines (emulator/isa/semantics.ts).
//
// The result is two JavaScript functions compiled once per process with `new Function`:
//   run(limit)  the hot loop: one `switch` over the one-byte opcodes, operands decoded inline,
//               memory reached through the soft-TLB fast path, lazy flags in the state array;
//   cold(pc)    one cold (two-byte opcode) instruction, called from run's escape case.
// Both keep to what V8 optimises well (PERFORMANCE.md): int32 locals, typed arrays, no closures or
// exceptions on the hot path, faults signalled by return values. An instruction that faults jumps
// to the exception exit before it has written anything, so faults are precise.

import { FORMS, ESCAPE, type Form, type OperandKind } from '../isa/table.js';
import { layoutOf, isMemKind, isRegKind, validRegNibble, dispBytes } from '../isa/encoding.js';
import { kindSize } from '../isa/table.js';
import { SEMANTICS, trunc, type Ctx, type OperandCode, type Access } from '../isa/semantics.js';
import { S, Vec } from './state.js';
import { Lazy } from './flags.js';
import { TLBStat, SOFT_TLB_SIZE } from '../mmu/mmu.js';

/** Instructions whose page offset is above this are fetched through the slow path. */
export const FETCH_FAST_LIMIT = 4096 - 16;
/** The start of an empty fetch window (with end -1): every pc falls outside it. */
const NO_WINDOW_START = 0x7fffffff;

/**
 * Where a form's code goes: inline in the hot loop, in the warm function (one-byte opcodes that
 * are rare enough to pay for a call), or in the cold function (two-byte opcodes).
 */
type Mode = 'hot' | 'warm' | 'cold';

/**
 * The forms compiled into the hot loop: what compiled code runs most — register forms, loads and
 * stores, the stack, branches. TurboFan optimises only functions under 60 KiB of bytecode
 * (--max-optimized-bytecode-size), so read-modify-write memory forms and rarer shapes go to the
 * warm function; tests/cpu-codegen checks that `run` stays under the limit.
 */
const INLINE = new Set([
  'nop', 'mov r32,r32', 'mov r32,i32', 'mov r32,m32', 'mov m32,r32', 'mov m32,i32', 'mov m8,r8', 'mov r8,r8',
  'lea r32,m', 'movzx r32,m8', 'movzx r32,r8', 'movsx r32,m8', 'movzx r32,m16', 'movsx r32,m16',
  'push r32', 'push s8', 'push i32', 'pop r32', 'call rel32', 'call r32', 'ret', 'ret i16', 'leave',
  'jmp rel8', 'jmp rel32', 'jmp r32', 'inc r32', 'dec r32', 'cdq', 'imul r32,r32', 'imul r32,r32,s8', 'imul r32,r32,i32',
  'test r32,r32', 'test r32,i32', 'test r8,r8', 'test r8,i8',
]);

export function isInline(f: Form): boolean {
  if (f.cold) return false;
  const key = `${f.mnemonic} ${f.operands.join(',')}`.trim();
  switch (f.sem) {
    case 'alu': return f.operands[0] === 'r32';             // r,r  r,s8  r,i32  r,m
    case 'jcc': return true;
    case 'shift': return f.operands[0] === 'r32';
    default: return INLINE.has(key);
  }
}

const SUB32 = Lazy.SUB | 2;

/** Read `size` bits at index p of memory (sign-extended). */
function physLoad(p: string, size: number): string {
  if (size === 8) return `(M[${p}] << 24 >> 24)`;
  if (size === 16) return `DV.getInt16(${p}, true)`;
  return `DV.getInt32(${p}, true)`;
}
/** Write `size` bits of v at physical index p of RAM. */
function physStore(p: string, size: number, v: string): string {
  if (size === 8) return `M[${p}] = ${v};`;
  if (size === 16) return `DV.setInt16(${p}, ${v}, true);`;
  return `DV.setInt32(${p}, ${v}, true);`;
}

/** Code for one form's case. */
function genForm(form: Form, mode: Mode): string {
  const sem = SEMANTICS[form.sem];
  if (!sem) throw new Error(`codegen: no semantic routine ${form.sem}`);
  if (sem.coldOnly && mode === 'hot') throw new Error(`codegen: ${form.mnemonic} must not be inline`);
  const l = layoutOf(form);
  const access = sem.access(form);
  // The exception exit: the pending exception is delivered with EIP still on this instruction.
  const exc = mode === 'hot' ? 'break exc;' : 'return cpu.deliverPending(n);';
  // After a slow path the fetch page may have left the TLB, and a watchpoint may end the run.
  const afterSlow = mode === 'hot' ? `pcs = ${NO_WINDOW_START}; pce = -1; limit = F[${S.LIMIT}];` : '';
  const ud = `{ cpu.raise(${Vec.UD}, -1); ${exc} }`;
  const out: string[] = [];
  let off = l.opcodeBytes; // constant offset of the next field from pc
  let dispVar = false;      // whether offsets past the mem operand add dsz

  // Register operands: the regs byte, with the validity check of its nibbles.
  const regExpr: string[] = [];
  if (l.regOperands.length > 0) {
    out.push(`rb = M[pc + ${off}];`);
    const kinds = l.regOperands.map((i) => form.operands[i]);
    l.regOperands.forEach((i, j) => { regExpr[i] = j === 0 ? '(rb & 15)' : '(rb >> 4)'; });
    // One table lookup validates the whole byte: VALID_REGS[pattern][rb].
    out.push(`if (VR${regPattern(kinds as RegKind[])}[rb] === 0) ${ud}`);
    off += 1;
  }
  // Memory operand: base/index nibbles, scale, displacement; ea computed with R[8] = 0.
  if (l.memOperand >= 0) {
    const d = off + 2;
    out.push(`b0 = M[pc + ${off}]; b1 = M[pc + ${off + 1}]; dsz = DS[b1];`);
    out.push(`if ((dsz | MB[b0]) > 4) ${ud}`);
    out.push(`ea = R[b0 & 15] + (R[b0 >> 4] << (b1 & 3)) + (dsz === 0 ? 0 : dsz === 1 ? M[pc + ${d}] << 24 >> 24 : DV.getInt32(pc + ${d}, true)) | 0;`);
    off += 2;
    dispVar = true;
  }
  // Immediates.
  const immExpr: string[] = [];
  for (const im of l.imms) {
    const at = dispVar ? `pc + dsz + ${off}` : `pc + ${off}`;
    const v = `i${im.operand}`;
    let e: string;
    if (im.bytes === 1) e = im.kind === 'i8' ? `M[${at}]` : `(M[${at}] << 24 >> 24)`;
    else if (im.bytes === 2) e = `DV.getUint16(${at}, true)`;
    else e = `DV.getInt32(${at}, true)`;
    out.push(`${v} = ${e};`);
    immExpr[im.operand] = v;
    off += im.bytes;
  }
  const len = dispVar ? `(dsz + ${off})` : `${off}`;
  // The hot loop keeps the program counter as an index into memory, pc, with eip = pc - fbase;
  // the side functions keep eip itself.
  const next = mode === 'hot' ? `((pc + ${len} - fbase) | 0)` : `((eip + ${len}) | 0)`;
  // This instruction's EIP: the slow path stores it (off the fast path, so it costs nothing
  // there), so that a TLB fill or eviction it causes can name its instruction (--trace tlb).
  const here = mode === 'hot' ? '((pc - fbase) | 0)' : 'eip';

  // Memory access primitives. A translation yields an index into memory: the RAM location, or
  // (for accesses that cross a page or leave RAM) a scratch slot holding the bytes read.
  const slot = (pvar: string) => (pvar === 'p0' ? 0 : 1);
  // The fast path stamps the soft slot's last use (for the TLB's LRU) and counts a TLB hit.
  const hit = mode === 'hot' ? 'hits++;' : `TS[${TLBStat.HITS}]++;`;
  const xlate = (addr: string, bytes: number, write: boolean, pvar: string) =>
    `t = (${addr} >>> 12) & ${SOFT_TLB_SIZE - 1}; ` +
    `if (${write ? 'TW' : 'TR'}[t] === (${addr} & -4096) && (${addr} & 4095) <= ${4096 - bytes}) { ${pvar} = (${addr} + TA[t]) | 0; TU[t] = tb + n; ${hit} } ` +
    `else { F[${S.NNOW}] = n; F[${S.EIP}] = ${here}; ${pvar} = cpu.xslow(${addr}, ${bytes}, ${write ? 1 : 0}, ${slot(pvar)}); ${afterSlow} if (${pvar} < 0) ${exc} }`;
  const load = (pvar: string, _addr: string, size: number) => physLoad(pvar, size);
  const store = (pvar: string, addr: string, size: number, v: string) =>
    `if (${pvar} < RS) { ${physStore(pvar, size, v)} } else cpu.wslow(${addr}, ${size >> 3}, ${v});`;

  // Operand accessors.
  const o: OperandCode[] = form.operands.map((k: OperandKind, i): OperandCode => {
    const size = kindSize(k) || form.size;
    if (isRegKind(k) || k === 'al' || k === 'ax' || k === 'eax' || k === 'cl' || k === 'dx') {
      const r = isRegKind(k) ? regExpr[i] : k === 'cl' ? '1' : k === 'dx' ? '2' : '0';
      const get = size === 32 ? `R[${r}]` : size === 16 ? `(R[${r}] << 16 >> 16)` : `(R[${r}] << 24 >> 24)`;
      const getz = size === 32 ? `R[${r}]` : size === 16 ? `(R[${r}] & 0xffff)` : `(R[${r}] & 0xff)`;
      const set = (v: string) =>
        size === 32 ? `R[${r}] = ${v};` : size === 16 ? `R[${r}] = R[${r}] & -65536 | ${v} & 0xffff;` : `R[${r}] = R[${r}] & -256 | ${v} & 0xff;`;
      return { get, getz, set, ea: '', reg: r };
    }
    if (isMemKind(k)) {
      const get = load('p0', 'ea', size);
      const getz = size === 32 ? get : size === 16 ? `DV.getUint16(p0, true)` : 'M[p0]';
      return { get, getz, set: (v) => store('p0', 'ea', size, v), ea: 'ea', reg: '' };
    }
    const v = immExpr[i];
    const getz = k === 's8' || k === 'rel8' ? `(${v} & 0xff)` : v;
    const get = k === 'i8' ? `(${v} << 24 >> 24)` : k === 'i16' ? `(${v} << 16 >> 16)` : v;
    return { get, getz, set: () => { throw new Error(`codegen: ${form.mnemonic} writes an immediate`); }, ea: '', reg: '' };
  });

  // Translate the memory operand as the routine declares, before the body runs.
  if (l.memOperand >= 0) {
    const a: Access = access[l.memOperand];
    const bytes = (kindSize(form.operands[l.memOperand]) || form.size) >> 3;
    if (a === 'r') out.push(xlate('ea', bytes, false, 'p0'));
    else if (a === 'w' || a === 'rw') out.push(xlate('ea', bytes, true, 'p0'));
  }

  const cond = (cc: number): string => {
    const f = `cpu.cond(${cc})`;
    switch (cc) {
      case 4: return `(F[${S.LOP}] !== 0 ? F[${S.LRES}] === 0 : (F[${S.FLAGS}] & 64) !== 0)`;
      case 5: return `(F[${S.LOP}] !== 0 ? F[${S.LRES}] !== 0 : (F[${S.FLAGS}] & 64) === 0)`;
      case 8: return `(F[${S.LOP}] !== 0 ? F[${S.LRES}] < 0 : (F[${S.FLAGS}] & 128) !== 0)`;
      case 9: return `(F[${S.LOP}] !== 0 ? F[${S.LRES}] >= 0 : (F[${S.FLAGS}] & 128) === 0)`;
      case 2: return `(F[${S.LOP}] === ${SUB32} ? (F[${S.LA}] >>> 0) < (F[${S.LB}] >>> 0) : ${f})`;
      case 3: return `(F[${S.LOP}] === ${SUB32} ? (F[${S.LA}] >>> 0) >= (F[${S.LB}] >>> 0) : ${f})`;
      case 6: return `(F[${S.LOP}] === ${SUB32} ? (F[${S.LA}] >>> 0) <= (F[${S.LB}] >>> 0) : ${f})`;
      case 7: return `(F[${S.LOP}] === ${SUB32} ? (F[${S.LA}] >>> 0) > (F[${S.LB}] >>> 0) : ${f})`;
      case 12: return `(F[${S.LOP}] === ${SUB32} ? F[${S.LA}] < F[${S.LB}] : ${f})`;
      case 13: return `(F[${S.LOP}] === ${SUB32} ? F[${S.LA}] >= F[${S.LB}] : ${f})`;
      case 14: return `(F[${S.LOP}] === ${SUB32} ? F[${S.LA}] <= F[${S.LB}] : ${f})`;
      case 15: return `(F[${S.LOP}] === ${SUB32} ? F[${S.LA}] > F[${S.LB}] : ${f})`;
      default: return f;
    }
  };

  const ctx: Ctx = {
    form, size: form.size, arg: form.arg, o, next,
    done: mode === 'hot' ? `pc = (pc + ${len}) | 0;` : `eip = ${next};`,
    jump: (t) => (mode === 'hot' ? `pc = (${t} + fbase) | 0;` : `eip = ${t};`),
    jumpRel: (rel) => (mode === 'hot' ? `pc = (pc + ${len} + ${rel}) | 0;` : `eip = (${next} + ${rel}) | 0;`),
    raise: (vector, code = '-1') => (vector < 0 ? `{ ${exc} }` : `{ cpu.raise(${vector}, ${code}); ${exc} }`),
    xlate, load, store, cond,
    outOfLine: (call) => {
      if (mode === 'hot') throw new Error(`codegen: ${form.mnemonic} needs an out-of-line path`);
      return `return ${call};`;
    },
  };
  out.push(sem.body(ctx));
  const name = `${form.mnemonic} ${form.operands.join(', ')}`.trim();
  return `case ${form.opcode & 0xff}: { // ${name}\n${out.join('\n')}\nbreak; }`;
}

type RegKind = 'r8' | 'r16' | 'r32' | 'cr';

/** A name for a register-operand pattern, e.g. "r32_r32" (one validity table per pattern). */
function regPattern(kinds: RegKind[]): string {
  return kinds.map((k) => (k === 'r16' ? 'r32' : k)).join('_');
}

/** The validity tables the generated code indexes by the regs byte. */
function regTables(): string {
  const patterns = new Map<string, RegKind[]>();
  for (const f of FORMS) {
    const l = layoutOf(f);
    if (l.regOperands.length === 0) continue;
    const kinds = l.regOperands.map((i) => f.operands[i]) as RegKind[];
    patterns.set(regPattern(kinds), kinds);
  }
  const lines: string[] = [];
  for (const [name, kinds] of patterns) {
    const t: number[] = [];
    for (let rb = 0; rb < 256; rb++) {
      const nib = [rb & 15, rb >> 4];
      let ok = kinds.length === 2 || nib[1] === 0;
      kinds.forEach((k, j) => { if (!validRegNibble(k, nib[j])) ok = false; });
      t.push(ok ? 1 : 0);
    }
    lines.push(`const VR${name} = new Uint8Array([${t.join(',')}]);`);
  }
  // DS[b1]: displacement size of mem byte 1, or 5 when invalid. MB[b0]: 5 when a nibble is > 8.
  const ds: number[] = [];
  const mb: number[] = [];
  for (let b = 0; b < 256; b++) {
    const n = dispBytes(b);
    ds.push(n < 0 ? 5 : n);
    mb.push((b & 15) > 8 || b >> 4 > 8 ? 5 : 0);
  }
  lines.push(`const DS = new Uint8Array([${ds.join(',')}]);`, `const MB = new Uint8Array([${mb.join(',')}]);`);
  return lines.join('\n');
}

/**
 * Each machine compiles its own copy of the interpreter (buildInterpreter), closing over that
 * machine's arrays as constants. With one closure per function V8 specialises the code to them:
 * no loads of array bases or lengths on the hot path, about a third faster than one shared copy
 * that takes the CPU as a parameter.
 */
const BIND = 'const R = cpu.regs, F = cpu.state, M = cpu.mem8, DV = cpu.memView, TA = cpu.mmu.addend, TU = cpu.mmu.softUse, TS = cpu.mmu.stats, RS = cpu.ramSize;';

const LOCALS = 'let rb = 0, b0 = 0, b1 = 0, dsz = 0, ea = 0, t = 0, p0 = 0, p1 = 0, x = 0, y = 0, z = 0, w = 0, i0 = 0, i1 = 0, i2 = 0;';

/**
 * Source characters per out-of-line function. TurboFan optimises only functions under 60 KiB of
 * bytecode; a chunk of this much source stays well below it (the hot loop, about 36 K characters,
 * is about 35 KiB of bytecode).
 */
const CHUNK_CHARS = 24_000;

/**
 * The out-of-line functions for the warm (one-byte) or cold (two-byte) forms: the forms, in
 * table order, split into chunks small enough to be optimised, and a dispatcher `name(pc)` that
 * calls the chunk holding the opcode.
 */
function sideFunctions(name: string, forms: Form[], mode: Mode): string {
  const opcodeAt = mode === 'cold' ? 'M[pc + 1]' : 'M[pc]';
  const chunks: string[][] = [];
  const chunkOf = new Uint8Array(256);
  let size = Infinity;
  for (const f of forms) {
    const code = genForm(f, mode);
    if (size + code.length > CHUNK_CHARS) { chunks.push([]); size = 0; }
    chunks[chunks.length - 1].push(code);
    size += code.length;
    chunkOf[f.opcode & 0xff] = chunks.length - 1;
  }
  const fns = chunks.map((cases, k) => `function ${name}${k}(pc) {
  let eip = F[${S.EIP}], n = F[${S.NNOW}], limit = F[${S.LIMIT}];
  const tb = cpu.clockBase;
  const TR = cpu.tagR, TW = cpu.tagW;
  ${LOCALS}
  switch (${opcodeAt}) {
${cases.join('\n')}
  default: cpu.raise(${Vec.UD}, -1); return cpu.deliverPending(n);
  }
  F[${S.EIP}] = eip;
  return n + 1;
}`);
  const assigned = new Set(forms.map((f) => f.opcode & 0xff));
  return `${fns.join('\n')}
const ${name.toUpperCase()}_CHUNK = new Uint8Array([${Array.from(chunkOf, (c, op) => (assigned.has(op) ? c : 255)).join(',')}]);
function ${name}(pc) {
  switch (${name.toUpperCase()}_CHUNK[${opcodeAt}]) {
${chunks.map((_, k) => `  case ${k}: return ${name}${k}(pc);`).join('\n')}
  default: cpu.raise(${Vec.UD}, -1); return cpu.deliverPending(F[${S.NNOW}]);
  }
}`;
}

/** The source of the interpreter factory: a function body of (cpu) that returns run(limit). */
export function interpreterSource(): string {
  const inline = FORMS.filter((f) => isInline(f));
  const warm = FORMS.filter((f) => !f.cold && !isInline(f));
  const cold = FORMS.filter((f) => f.cold);
  const out = `F[${S.EIP}] = (pc - fbase) | 0; F[${S.NNOW}] = n; n = `;
  // Back from out-of-line code: EIP, the CPL and the translations may all have changed.
  const back = `pc = (F[${S.EIP}] + fbase) | 0; pcs = ${NO_WINDOW_START}; pce = -1; TR = cpu.tagR; TW = cpu.tagW; limit = F[${S.LIMIT}]; continue loop;`;
  return `"use strict";
${BIND}
${regTables()}
${sideFunctions('warm', warm, 'warm')}
${sideFunctions('cold', cold, 'cold')}
function run(limit) {
  // pc: index in M of the next instruction; eip = pc - fbase. [pcs, pce] is the window of pc values
  // that may be fetched straight from M (the current code page, less its last 16 bytes); empty
  // (pcs > pce) after anything that may have changed the page's translation.
  let n = 0, eip = F[${S.EIP}], fbase = 0, pc = eip, pcs = ${NO_WINDOW_START}, pce = -1, hits = 0, q = 0;
  const tb = cpu.clockBase;
  let TR = cpu.tagR, TW = cpu.tagW;
  ${LOCALS}
  F[${S.LIMIT}] = limit;
  loop: while (n < limit) {
    exc: {
      if (pc < pcs || pc > pce) {
        eip = (pc - fbase) | 0;
        F[${S.EIP}] = eip; F[${S.NNOW}] = n;
        q = cpu.fetch(eip);
        if (q < 0) { if (q === -1) break exc; limit = 0; continue loop; } // -2: a breakpoint, before executing
        limit = F[${S.LIMIT}];
        fbase = (q - eip) | 0; pc = q; pcs = cpu.fetchStart; pce = cpu.fetchEnd;
      }
      switch (M[pc]) {
${inline.map((f) => genForm(f, 'hot')).join('\n')}
      case ${ESCAPE}: ${out}cold(pc); ${back}
      // The warm opcodes are listed, not left to default, so that the switch stays dense: V8
      // compiles a dense switch to a jump table.
      ${warm.map((f) => `case ${f.opcode}:`).join(' ')}
      default: ${out}warm(pc); ${back}
      }
      n++;
      continue loop;
    }
    // The exception exit: deliver with EIP on the faulting instruction.
    F[${S.EIP}] = (pc - fbase) | 0;
    n = cpu.deliverPending(n);
    ${back}
  }
  F[${S.EIP}] = (pc - fbase) | 0;
  TS[${TLBStat.HITS}] += hits;
  return n;
}
return run;`;
}

export type RunFunction = (limit: number) => number;

let source: string | undefined;
let serial = 0;

/**
 * Compiles the interpreter for one CPU (about 5 ms). The source is generated once per process;
 * a per-machine header keeps V8's compilation cache from sharing the functions between machines.
 */
export function buildInterpreter(cpu: unknown): RunFunction {
  source ??= interpreterSource();
  return new Function('cpu', `// toy86 interpreter, machine ${++serial}\n${source}`)(cpu) as RunFunction;
}

export { trunc };

/**
 * The source length of each generated function, by name (for the test that keeps every one of
 * them small enough for TurboFan: see CHUNK_CHARS).
 */
export function functionSizes(): Map<string, number> {
  source ??= interpreterSource();
  const sizes = new Map<string, number>();
  const re = /^function (\w+)\(/gm;
  const starts: { name: string; at: number }[] = [];
  for (let m = re.exec(source); m; m = re.exec(source)) starts.push({ name: m[1], at: m.index });
  starts.forEach((s, i) => sizes.set(s.name, (i + 1 < starts.length ? starts[i + 1].at : source!.length) - s.at));
  return sizes;
}
