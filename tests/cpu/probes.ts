// Probe builders for the instructions checked against the host CPU: each makes one instruction
// in one operand form, with random registers, addressing modes and operands, the toy86 code that
// sets it up, the reference vector for the host, and how to read the expected outputs from the
// host's answer. A third of the probes get their input flags from one or two earlier arithmetic
// instructions instead of POPFD, which exercises toy86's lazy flags.

import { CONDITIONS } from '../../emulator/isa/table.js';
import { flagsRead } from './flag-rules.js';
import {
  DATA, PAGES, STACK, hex, low, merge, operand, randomFlags, sext, definedAfter,
  type Output, type PreOp, type Probe, type RefResult, type RefVector, type Rng, type Size,
} from './harness.js';

export const R32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'] as const;
export const R16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'] as const;
export const R8 = ['al', 'cl', 'dl', 'bl'] as const;
/** Every general register but ESP (the probes push and pop). */
export const GPRS: readonly number[] = [0, 1, 2, 3, 5, 6, 7];

export function regName(r: number, size: Size): string {
  return size === 32 ? R32[r] : size === 16 ? R16[r] : R8[r];
}
/** The size keyword of a memory operand. */
export const KEYWORD: Record<Size, string> = { 8: 'byte', 16: 'word', 32: 'dword' };

/** A form's operand kinds ("r32,m32" → ["r32", "m32"]) and its operand size. */
export function parseForm(form: string): { kinds: string[]; size: Size } {
  const kinds = form === '' ? [] : form.split(',');
  let size: Size = 32;
  for (const k of kinds) {
    const m = /^[rm](8|16|32)$/.exec(k);
    if (m) { size = Number(m[1]) as Size; break; }
  }
  return { kinds, size };
}

/** The names of condition code cc: canonical first, then aliases. */
export const ccNames = (cc: number): readonly string[] => CONDITIONS[cc];

/** Builds one probe's operands: registers, memory at the probe's own data address, setup code. */
export class Operands {
  readonly used = new Set<number>();
  readonly setup: string[] = [];
  readonly inputs: string[] = [];
  readonly addr: number;
  constructor(readonly rng: Rng, index: number) {
    // One operand in eight straddles a page boundary (the last 1-3 bytes of a page).
    this.addr = rng.chance(1 / 8)
      ? PAGES + 0x1000 * (index % 256) + 0x1000 - rng.range(1, 3)
      : DATA + 16 * index + rng.int(4);
  }
  free(size: Size = 32): number[] {
    return GPRS.filter((r) => !this.used.has(r) && (size !== 8 || r < 4));
  }
  /** Takes a free register usable at `size` (null when none is left). */
  takeReg(size: Size, among?: readonly number[]): number {
    const free = this.free(size).filter((r) => !among || among.includes(r));
    if (free.length === 0) throw new Error('probe: out of registers');
    const r = this.rng.pick(free);
    this.used.add(r);
    return r;
  }
  reserve(...regs: number[]): void {
    for (const r of regs) this.used.add(r);
  }
  /** Loads a register with a whole 32-bit value. */
  load(r: number, value: number, label = R32[r]): void {
    this.setup.push(`mov ${R32[r]}, ${hex(value)}`);
    this.inputs.push(`${label}=${hex(value)}`);
  }
  /**
   * A memory operand holding `value` (a dword at this probe's data address; byte and word
   * operands use its low part), addressed in a random mode with the registers still free.
   */
  memory(value: number): string {
    const rng = this.rng;
    const addr = this.addr;
    this.setup.push(`mov dword [${hex(addr)}], ${hex(value)}`);
    this.inputs.push(`[mem]=${hex(value)}`);
    const free = this.free();
    let mode = rng.int(7);
    if (mode === 4 && free.length < 2) mode = free.length ? 1 : 0;
    if (mode >= 1 && mode <= 5 && free.length < 1) mode = 0;
    const disp = (d: number) => (d === 0 ? '' : d < 0 ? `-${hex(-d)}` : `+${hex(d)}`);
    const base = () => { const r = this.takeReg(32); return r; };
    switch (mode) {
      case 0: return `[${hex(addr)}]`;
      case 1: { const r = base(); this.setup.push(`mov ${R32[r]}, ${hex(addr)}`); return `[${R32[r]}]`; }
      case 2: {
        const r = base(); const d = rng.range(-128, 127);
        this.setup.push(`mov ${R32[r]}, ${hex(addr - d)}`);
        return `[${R32[r]}${disp(d)}]`;
      }
      case 3: {
        // Now and then a displacement so large that base + displacement wraps around 2^32.
        const r = base();
        const d = rng.chance(0.25) ? rng.u32() | 0 : rng.chance(0.5) ? rng.range(128, 0x80000) : -rng.range(129, 0x80000);
        this.setup.push(`mov ${R32[r]}, ${hex(addr - d)}`);
        return `[${R32[r]}${disp(d)}]`;
      }
      case 4: {
        const r = base(); const x = base();
        const scale = rng.pick([1, 2, 4, 8]); const k = rng.range(-64, 64);
        const d = rng.pick([0, rng.range(-128, 127), rng.range(-0x10000, 0x10000)]);
        this.setup.push(`mov ${R32[x]}, ${hex(k)}`, `mov ${R32[r]}, ${hex(addr - k * scale - d)}`);
        return `[${R32[r]}+${R32[x]}${scale > 1 ? '*' + scale : ''}${disp(d)}]`;
      }
      case 6: return `[esp${disp(addr - STACK)}]`; // ESP is STACK between POPFD and PUSHFD
      default: {
        const x = base();
        const scale = rng.pick([1, 2, 4, 8]); const k = rng.range(0, 1000);
        this.setup.push(`mov ${R32[x]}, ${hex(k)}`);
        return `[${R32[x]}${scale > 1 ? '*' + scale : ''}+${hex(addr - k * scale)}]`;
      }
    }
  }
}

/** Shift and rotate counts worth trying at each size: the edges, then random ones. */
export function shiftCount(rng: Rng, size: Size): number {
  if (rng.chance(0.5)) return rng.pick([0, 1, 2, size - 1, size, size + 1, 31, 32, 33, 63, 64, 65, 255, 0x80, 0xe1]);
  return rng.chance(0.7) ? rng.int(32) : rng.int(256);
}

/** An immediate of kind s8, i8, i16 or i32: its text in the instruction and its value for the host. */
function immediate(rng: Rng, kind: string, size: Size): { text: string; value: number } {
  switch (kind) {
    case 's8': {
      const v = rng.chance(0.3) ? rng.pick([-128, -127, -1, 0, 1, 2, 126, 127]) : rng.range(-128, 127);
      return { text: `byte ${v}`, value: v | 0 };
    }
    case 'i8': { const v = low(operand(rng, 8), 8); return { text: hex(v), value: v }; }
    case 'i16': { const v = low(operand(rng, 16), 16); return { text: hex(v), value: v }; }
    default: {
      // Values that would also fit an s8 are written with `dword` so the full-width form is used.
      const v = rng.chance(0.15) ? rng.range(-128, 127) >>> 0 : operand(rng, 32);
      return { text: `dword ${hex(v)}`, value: v };
    }
  }
}

// ---- the operations of the pre-instructions ------------------------------------------------

const PRE_BINARY = ['add', 'adc', 'sub', 'sbb', 'cmp', 'and', 'or', 'xor', 'test', 'imul2'];
const PRE_UNARY = ['inc', 'dec', 'neg', 'not'];
const PRE_SHIFT = ['shl', 'shr', 'sar', 'rol', 'ror'];

/** One flag-producing instruction on registers that the probe does not use. */
function preOp(rng: Rng, ops: Operands, flags: number): PreOp | null {
  const kinds = ops.free(32).length >= 2 ? ['binary', 'unary', 'shift'] : ops.free(32).length === 1 ? ['unary', 'shift'] : [];
  if (kinds.length === 0) return null;
  const kind = rng.pick(kinds);
  const op = rng.pick(kind === 'binary' ? PRE_BINARY : kind === 'unary' ? PRE_UNARY : PRE_SHIFT);
  const need = kind === 'binary' ? 2 : 1;
  const sizes: Size[] = op === 'imul2' ? [16, 32] : ops.free(8).length >= need ? [8, 16, 32] : [16, 32];
  const size = rng.pick(sizes);
  const pool = ops.free(size);
  const r1 = rng.pick(pool);
  const r2 = rng.pick(pool.filter((r) => r !== r1));
  const a = operand(rng, size);
  const mn = op === 'imul2' ? 'imul' : op;
  const lines = [`mov ${R32[r1]}, ${hex(a)}`];
  let insn: string, b = 0, count = 0;
  if (kind === 'binary') {
    b = operand(rng, size);
    lines.push(`mov ${R32[r2]}, ${hex(b)}`);
    insn = `${mn} ${regName(r1, size)}, ${regName(r2, size)}`;
  } else if (kind === 'unary') {
    insn = `${mn} ${regName(r1, size)}`;
  } else {
    count = b = rng.chance(0.5) ? rng.pick([0, 1, 1, 2, size - 1, size]) : rng.int(32);
    insn = `${mn} ${regName(r1, size)}, ${count}`;
  }
  lines.push(insn);
  return { lines, insn, ref: { op, size, a, b, c: 0, flags }, rule: { op, size, count } };
}

/**
 * Zero, one or two pre-instructions whose flags the probe's instruction takes as input (their
 * registers are free ones); chosen so that the flags the instruction reads are defined.
 */
export function preOps(rng: Rng, ops: Operands, reads: number): PreOp[] {
  const depth = rng.chance(2 / 3) ? 0 : rng.chance(0.6) ? 1 : 2;
  for (let attempt = 0; attempt < 20 && depth > 0; attempt++) {
    const chain: PreOp[] = [];
    for (let k = 0; k < depth; k++) {
      const p = preOp(rng, ops, randomFlags(rng));
      if (p) chain.push(p);
    }
    if (chain.length && (reads & ~definedAfter(chain)) === 0) return chain;
  }
  return [];
}

/** Common parts of a probe built with Operands. */
function finish(
  rng: Rng, ops: Operands,
  p: Omit<Probe, 'setup' | 'inputs' | 'pre'> & { ref: RefVector },
): Probe {
  const pre = preOps(rng, ops, flagsRead(p.rule.op, p.rule.cc));
  return { ...p, setup: ops.setup, inputs: ops.inputs.join(' '), pre };
}

// ---- probe builders ------------------------------------------------------------------------

/**
 * Two-operand instructions: ALU operations and TEST (op = their name), IMUL r, r/m (op 'imul2')
 * and CMOVcc r32, r/m32 (op 'cmovcc' with cc). form: "r32,m32", "m8,i8", "r32,s8", ...
 */
export function twoOperand(rng: Rng, index: number, op: string, mnemonic: string, form: string, cc = 0): Probe {
  const { kinds, size } = parseForm(form);
  const ops = new Operands(rng, index);
  const a = operand(rng, size);
  let b = operand(rng, size);
  if (rng.chance(0.1)) b = merge(b, a, size);
  else if (rng.chance(0.05)) b = merge(b, -a, size);
  const outputs: (Output | null)[] = [null, null, null];
  let dst: string, src: string, srcValue: number;
  let dstReg = -1;
  let same = false;
  // Registers first, then memory (whose address registers must be free ones).
  if (kinds[0].startsWith('r')) {
    dstReg = ops.takeReg(size);
    dst = regName(dstReg, size);
    outputs[0] = { label: R32[dstReg], reg: R32[dstReg] };
  }
  let srcReg = -1;
  if (kinds[1].startsWith('r')) {
    same = dstReg >= 0 && rng.chance(0.08);
    srcReg = same ? dstReg : ops.takeReg(size);
    src = regName(srcReg, size);
    srcValue = same ? a : b;
    if (!same) outputs[1] = { label: R32[srcReg], reg: R32[srcReg] };
  } else if (kinds[1].startsWith('m')) {
    srcValue = b;
  } else {
    const imm = immediate(rng, kinds[1], size);
    src = imm.text;
    srcValue = imm.value;
  }
  if (dstReg >= 0) ops.load(dstReg, a);
  if (srcReg >= 0 && !same) ops.load(srcReg, srcValue!);
  if (kinds[0].startsWith('m')) {
    dst = `${KEYWORD[size]} ${ops.memory(a)}`;
    outputs[0] = { label: '[mem]', addr: ops.addr };
  }
  if (kinds[1].startsWith('m')) {
    src = (rng.chance(0.3) ? `${KEYWORD[size]} ` : '') + ops.memory(b);
    outputs[1] = { label: '[mem]', addr: ops.addr };
  }
  if (!kinds[1].startsWith('r') && !kinds[1].startsWith('m')) ops.inputs.push(`imm=${src!}`);
  const ref: RefVector = { op, size, a, b: srcValue!, c: op === 'cmovcc' ? cc : 0, flags: randomFlags(rng) };
  const srcIsLoc = outputs[1] !== null;
  return finish(rng, ops, {
    insn: `${mnemonic} ${dst!}, ${src!}`,
    form: `${op === 'imul2' ? 'imul' : op === 'cmovcc' ? 'cmov' + ccNames(cc)[0] : op} ${form}`,
    outputs,
    ref,
    expect: (r: RefResult) => [r.r1, srcIsLoc ? srcValue! >>> 0 : undefined, undefined],
    rule: { op, size, count: 0, cc },
  });
}

/** SHL SAL SHR SAR ROL ROR in forms "r32,i8", "m16,cl", ... */
export function shift(rng: Rng, index: number, op: string, mnemonic: string, form: string): Probe {
  const { kinds, size } = parseForm(form);
  const ops = new Operands(rng, index);
  let a = operand(rng, size);
  const count = shiftCount(rng, size);
  const outputs: (Output | null)[] = [null, null, null];
  let dst = '', src: string, countIn = count;
  const byCl = kinds[1] === 'cl';
  if (byCl) ops.reserve(1);
  if (kinds[0].startsWith('r')) {
    const r = ops.takeReg(size);
    dst = regName(r, size);
    outputs[0] = { label: R32[r], reg: R32[r] };
    ops.load(r, a);
  }
  if (byCl) {
    const ecx = merge(operand(rng, 32), count, 8);
    ops.load(1, ecx);
    countIn = ecx;
    src = 'cl';
    outputs[1] = { label: 'ecx', reg: 'ecx' };
  } else {
    src = String(count);
    ops.inputs.push(`count=${count}`);
  }
  if (kinds[0].startsWith('m')) {
    dst = `${KEYWORD[size]} ${ops.memory(a)}`;
    outputs[0] = { label: '[mem]', addr: ops.addr };
  }
  a = a >>> 0;
  return finish(rng, ops, {
    insn: `${mnemonic} ${dst}, ${src}`,
    form: `${op} ${form}`,
    outputs,
    ref: { op, size, a, b: countIn, c: 0, flags: randomFlags(rng) },
    expect: (r: RefResult) => [r.r1, byCl ? countIn >>> 0 : undefined, undefined],
    rule: { op, size, count, cc: 0 },
  });
}

/** INC DEC NEG NOT in forms "r32", "m8", ... */
export function unary(rng: Rng, index: number, op: string, form: string): Probe {
  const { kinds, size } = parseForm(form);
  const ops = new Operands(rng, index);
  const a = operand(rng, size);
  let dst: string;
  let out: Output;
  if (kinds[0].startsWith('r')) {
    const r = ops.takeReg(size);
    ops.load(r, a);
    dst = regName(r, size);
    out = { label: R32[r], reg: R32[r] };
  } else {
    dst = `${KEYWORD[size]} ${ops.memory(a)}`;
    out = { label: '[mem]', addr: ops.addr };
  }
  return finish(rng, ops, {
    insn: `${op} ${dst}`,
    form: `${op} ${form}`,
    outputs: [out, null, null],
    ref: { op, size, a, b: 0, c: 0, flags: randomFlags(rng) },
    expect: (r: RefResult) => [r.r1, undefined, undefined],
    rule: { op, size, count: 0, cc: 0 },
  });
}

/** SETcc r8 / m8. */
export function setcc(rng: Rng, index: number, cc: number, form: string): Probe {
  const ops = new Operands(rng, index);
  const a = operand(rng, 32);
  const mnemonic = 'set' + rng.pick(ccNames(cc));
  let dst: string;
  let out: Output;
  if (form === 'r8') {
    const r = ops.takeReg(8);
    ops.load(r, a);
    dst = R8[r];
    out = { label: R32[r], reg: R32[r] };
  } else {
    dst = `byte ${ops.memory(a)}`;
    out = { label: '[mem]', addr: ops.addr };
  }
  return finish(rng, ops, {
    insn: `${mnemonic} ${dst}`,
    form: `set${ccNames(cc)[0]} ${form}`,
    outputs: [out, null, null],
    ref: { op: 'setcc', size: 8, a, b: cc, c: 0, flags: randomFlags(rng) },
    expect: (r: RefResult) => [r.r1, undefined, undefined],
    rule: { op: 'setcc', size: 8, count: 0, cc },
  });
}

/** MUL, IMUL (one operand), DIV, IDIV in forms "r32", "m8", ...; `values` picks EAX, src, EDX. */
export function accumulator(
  rng: Rng, index: number, op: 'mul' | 'imul1' | 'div' | 'idiv', form: string,
  values: (size: Size) => { eax: number; src: number; edx: number },
): Probe {
  const { kinds, size } = parseForm(form);
  const ops = new Operands(rng, index);
  ops.reserve(0, 2);
  let { eax, src, edx } = values(size);
  const mnemonic = op === 'imul1' ? 'imul' : op;
  const outputs: (Output | null)[] = [{ label: 'eax', reg: 'eax' }, { label: 'edx', reg: 'edx' }, null];
  let operandText: string;
  if (kinds[0].startsWith('r')) {
    // Now and then the source is the accumulator (MUL EAX: multiplies only) or EDX (MUL EDX;
    // DIV DL, whose dividend is AX alone).
    const isMul = op === 'mul' || op === 'imul1';
    const choice = rng.int(12);
    let r: number;
    if (choice === 0 && isMul) { r = 0; src = eax; }
    else if (choice === 1 && size === 8) { r = 2; edx = merge(edx, src, 8); src = edx; }
    else if (choice === 1 && isMul) { r = 2; src = edx; }
    else { r = ops.takeReg(size); ops.load(r, src); outputs[2] = { label: R32[r], reg: R32[r] }; }
    operandText = regName(r, size);
  } else {
    operandText = `${KEYWORD[size]} ${ops.memory(src)}`;
    outputs[2] = { label: '[mem]', addr: ops.addr };
  }
  ops.load(0, eax);
  ops.load(2, edx);
  const s = src;
  return finish(rng, ops, {
    insn: `${mnemonic} ${operandText}`,
    form: `${mnemonic} ${form}`,
    outputs,
    ref: { op, size, a: eax, b: s, c: edx, flags: randomFlags(rng) },
    expect: (r: RefResult) => [r.r1, r.r2, outputs[2] ? s >>> 0 : undefined],
    rule: { op, size, count: 0, cc: 0 },
  });
}

/** IMUL r, r/m, imm in forms "r32,r32,s8", "r16,m16,i16", ... (the host runs IMUL r, r/m). */
export function imul3(rng: Rng, index: number, form: string): Probe {
  const { kinds, size } = parseForm(form);
  const ops = new Operands(rng, index);
  const d0 = operand(rng, 32);
  const sv = operand(rng, size);
  const imm = immediate(rng, kinds[2], size);
  const dr = ops.takeReg(size);
  const outputs: (Output | null)[] = [{ label: R32[dr], reg: R32[dr] }, null, null];
  let srcText: string;
  let same = false;
  let dInit = d0;
  if (kinds[1].startsWith('r')) {
    same = rng.chance(0.1);
    const sr = same ? dr : ops.takeReg(size);
    if (same) dInit = sv;
    else { ops.load(sr, sv); outputs[1] = { label: R32[sr], reg: R32[sr] }; }
    srcText = regName(sr, size);
  } else {
    srcText = ops.memory(sv);
    outputs[1] = { label: '[mem]', addr: ops.addr };
  }
  ops.load(dr, dInit);
  ops.inputs.push(`imm=${imm.text}`);
  const hasSrc = outputs[1] !== null;
  return finish(rng, ops, {
    insn: `imul ${regName(dr, size)}, ${srcText}, ${imm.text}`,
    form: `imul ${form}`,
    outputs,
    ref: { op: 'imul2', size, a: merge(dInit, sv, size), b: imm.value, c: 0, flags: randomFlags(rng) },
    expect: (r: RefResult) => [r.r1, hasSrc ? sv >>> 0 : undefined, undefined],
    rule: { op: 'imul2', size, count: 0, cc: 0 },
  });
}

/**
 * Jcc rel8 / rel32: the branch jumps forwards or backwards (and, for rel32, now and then over
 * more than 127 bytes); each path stores EFLAGS and whether it was taken.
 */
export function jcc(rng: Rng, index: number, cc: number, form: 'rel8' | 'rel32'): Probe {
  const ops = new Operands(rng, index);
  const mnemonic = 'j' + rng.pick(ccNames(cc));
  const kw = form === 'rel8' ? 'short' : 'near';
  const backward = rng.chance(0.5);
  const far = form === 'rel32' && rng.chance(0.3);
  const body = (out: number, l: string): string[] => {
    const rec = (v: number) => ['pushfd', `pop dword [${hex(out + 8)}]`, `mov dword [${hex(out)}], ${v}`];
    const pad = far ? ['times 300 nop'] : [];
    if (!backward) {
      return [`${l}:`, `${mnemonic} ${kw} ${l}_taken`, ...rec(0), `jmp near ${l}_done`, ...pad, `${l}_taken:`, ...rec(1), `${l}_done:`];
    }
    return [`jmp ${far ? 'near' : 'short'} ${l}`, `${l}_taken:`, ...rec(1), `jmp near ${l}_done`, ...pad,
      `${l}:`, `${mnemonic} ${kw} ${l}_taken`, ...rec(0), `${l}_done:`];
  };
  return finish(rng, ops, {
    insn: `${mnemonic} ${kw} (${backward ? 'backward' : 'forward'}${far ? ', 300+ bytes' : ''})`,
    form: `j${ccNames(cc)[0]} ${form}`,
    body,
    outputs: [{ label: 'taken' }, null, null],
    ref: { op: 'jcc', size: 32, a: 0, b: cc, c: 0, flags: randomFlags(rng) },
    expect: (r: RefResult) => [r.r1, undefined, undefined],
    rule: { op: 'jcc', size: 32, count: 0, cc },
  });
}


// ---- division operands ---------------------------------------------------------------------

/**
 * Whether DIV or IDIV of EDX:EAX (DX:AX, AX) by src raises #DE: a zero divisor or a quotient
 * that does not fit the destination (SDM DIV, IDIV).
 */
export function divideFaults(op: 'div' | 'idiv', size: Size, eax: number, edx: number, src: number): boolean {
  const signed = op === 'idiv';
  const d = BigInt(signed ? sext(src, size) : low(src, size));
  if (d === 0n) return true;
  let n: bigint;
  if (size === 8) n = BigInt(signed ? sext(eax, 16) : low(eax, 16));
  else if (size === 16) n = BigInt(signed ? (((edx & 0xffff) << 16) | (eax & 0xffff)) : (edx & 0xffff) * 65536 + (eax & 0xffff));
  else {
    const u = (BigInt(edx >>> 0) << 32n) | BigInt(eax >>> 0);
    n = signed ? BigInt.asIntN(64, u) : u;
  }
  const q = n / d; // BigInt division truncates toward zero, as DIV and IDIV do
  const bits = BigInt(size);
  return signed ? q < -(1n << (bits - 1n)) || q >= 1n << (bits - 1n) : q >= 1n << bits;
}

/** Puts a dividend of 2 × size bits into EAX and EDX (AX alone for 8 bits), keeping other bits. */
function splitDividend(n: bigint, size: Size, eax: number, edx: number): { eax: number; edx: number } {
  const u = BigInt.asUintN(2 * size, n);
  if (size === 8) return { eax: merge(eax, Number(u), 16), edx };
  if (size === 16) return { eax: merge(eax, Number(u & 0xffffn), 16), edx: merge(edx, Number(u >> 16n), 16) };
  return { eax: Number(u & 0xffffffffn) >>> 0, edx: Number(u >> 32n) >>> 0 };
}

/**
 * Operands for DIV or IDIV that do not fault: random ones kept when they fit, dividends built
 * from a chosen quotient (the largest and smallest that fit, 0, ±1, random) and remainder, and
 * dividends whose high half is the sign or zero extension of the low half.
 */
export function divideValues(rng: Rng, op: 'div' | 'idiv', size: Size): { eax: number; src: number; edx: number } {
  const signed = op === 'idiv';
  const bits = BigInt(size);
  for (;;) {
    let eax = operand(rng, size === 8 ? 16 : size);
    let edx = operand(rng, size);
    let src = operand(rng, size);
    const strategy = rng.int(3);
    if (strategy === 1) {
      const d = signed ? BigInt(sext(src, size)) : BigInt(low(src, size));
      if (d === 0n) continue;
      const ad = d < 0n ? -d : d;
      const qmax = signed ? (1n << (bits - 1n)) - 1n : (1n << bits) - 1n;
      const qmin = signed ? -(1n << (bits - 1n)) : 0n;
      const pickQ = rng.int(6);
      const rnd = BigInt.asUintN(size, BigInt(rng.u32()));
      const q = [qmax, qmin, 0n, 1n, signed ? -1n : 2n, signed ? BigInt.asIntN(size, rnd) : rnd][pickQ];
      let r = BigInt(rng.u32()) % ad;
      if (rng.chance(0.3)) r = ad - 1n;
      // The remainder takes the dividend's sign (IDIV truncates toward zero).
      const negative = signed && (q < 0n || (q === 0n && rng.chance(0.5))) !== (d < 0n);
      const n = q * d + (negative ? -r : r);
      ({ eax, edx } = splitDividend(n, size, eax, edx));
    } else if (strategy === 2) {
      // High half = extension of the low half (CDQ / CWD / CBW, or zero for DIV).
      const lowHalf = size === 8 ? low(eax, 8) : low(eax, size);
      const ext = signed ? (sext(lowHalf, size) < 0 ? -1 : 0) : 0;
      if (size === 8) eax = merge(eax, (ext & 0xff) << 8 | lowHalf, 16);
      else edx = merge(edx, ext, size);
    }
    if (!divideFaults(op, size, eax, edx, src)) return { eax, src, edx };
  }
}
