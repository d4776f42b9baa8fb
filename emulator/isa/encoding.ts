// The toy86 instruction encoding (docs/isa.md): how a form's operands become bytes.
//
//   instruction := opcode [regs] [mem] [imm ...]
//   opcode      := one byte 0x00–0xFE (hot page, never 0x0F) | 0x0F byte (cold page)
//   regs        := present when the form has register operands (r8 r16 r32 cr):
//                  bits 3:0 the first, bits 7:4 the second (0 when there is no second)
//   mem         := present when the form has a memory operand:
//                  byte 0: bits 3:0 base, bits 7:4 index (0–7 a register, 8 none)
//                  byte 1: bits 1:0 scale (1 2 4 8), bits 3:2 displacement size
//                          (0 none, 1 disp8 sign-extended, 2 disp32), bits 7:4 zero
//                  then the displacement, little-endian
//   imm         := each immediate or branch displacement in operand order, little-endian
//
// Register nibbles: r32/r16 take 0–7 (eax ecx edx ebx esp ebp esi edi); r8 takes 0–3 (al cl dl bl);
// cr takes 0, 2, 3, 4. Anything else decodes to nothing and raises #UD. This file is the one place
// that knows the layout; the interpreter generator, the decoder and the assembler use it.

import { FORM_BY_OPCODE, ESCAPE, type Form, type OperandKind } from './table.js';

export const REG32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'] as const;
export const REG16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'] as const;
export const REG8 = ['al', 'cl', 'dl', 'bl'] as const;
export const CREG = ['cr0', '', 'cr2', 'cr3', 'cr4'] as const;
/** The base/index nibble that means "no register". */
export const NO_REG = 8;
/** Longest instruction: escape, opcode, regs, mem (2), disp32, imm32 — and room for a third imm. */
export const MAX_INSN_LENGTH = 16;

export type ImmKind = 'i8' | 'i16' | 'i32' | 's8' | 'rel8' | 'rel32';

/** Where each operand of a form lives in the instruction. */
export interface Layout {
  /** 1 for the hot page, 2 for the cold page (escape byte first). */
  readonly opcodeBytes: 1 | 2;
  /** Operand indices encoded in the regs byte, low nibble first. */
  readonly regOperands: readonly number[];
  /** Index of the memory operand, or -1. */
  readonly memOperand: number;
  /** Immediates in encoding order. */
  readonly imms: readonly { readonly operand: number; readonly kind: ImmKind; readonly bytes: 1 | 2 | 4 }[];
  /** Length without the memory displacement (which the mem bytes choose). */
  readonly fixedLength: number;
}

export function isRegKind(k: OperandKind): k is 'r8' | 'r16' | 'r32' | 'cr' {
  return k === 'r8' || k === 'r16' || k === 'r32' || k === 'cr';
}
export function isMemKind(k: OperandKind): k is 'm8' | 'm16' | 'm32' | 'm' {
  return k === 'm8' || k === 'm16' || k === 'm32' || k === 'm';
}
export function isImmKind(k: OperandKind): k is ImmKind {
  return k === 'i8' || k === 'i16' || k === 'i32' || k === 's8' || k === 'rel8' || k === 'rel32';
}
export function immBytes(k: ImmKind): 1 | 2 | 4 {
  return k === 'i16' ? 2 : k === 'i32' || k === 'rel32' ? 4 : 1;
}

/** Is v a valid nibble for a register operand of this kind? */
export function validRegNibble(k: 'r8' | 'r16' | 'r32' | 'cr', v: number): boolean {
  switch (k) {
    case 'r8': return v < 4;
    case 'cr': return v === 0 || v === 2 || v === 3 || v === 4;
    default: return v < 8;
  }
}

const layouts = new Map<number, Layout>();

/** The layout of a form, derived from its operand kinds. */
export function layoutOf(form: Form): Layout {
  let l = layouts.get(form.id);
  if (l) return l;
  const regOperands: number[] = [];
  let memOperand = -1;
  const imms: { operand: number; kind: ImmKind; bytes: 1 | 2 | 4 }[] = [];
  form.operands.forEach((k, i) => {
    if (isRegKind(k)) regOperands.push(i);
    else if (isMemKind(k)) memOperand = i;
    else if (isImmKind(k)) imms.push({ operand: i, kind: k, bytes: immBytes(k) });
  });
  if (regOperands.length > 2) throw new Error(`encoding: ${form.mnemonic} has more than two register operands`);
  const opcodeBytes = form.opcode >= 0x100 ? 2 : 1;
  const fixedLength = opcodeBytes + (regOperands.length > 0 ? 1 : 0) + (memOperand >= 0 ? 2 : 0)
    + imms.reduce((n, x) => n + x.bytes, 0);
  l = { opcodeBytes, regOperands, memOperand, imms, fixedLength };
  layouts.set(form.id, l);
  return l;
}

/** Size in bytes of the displacement selected by mem byte 1 (or -1 when invalid). */
export function dispBytes(memByte1: number): number {
  if (memByte1 & 0xf0) return -1;
  switch ((memByte1 >> 2) & 3) {
    case 0: return 0;
    case 1: return 1;
    case 2: return 4;
    default: return -1;
  }
}

// ---------------------------------------------------------------------------------------------
// Decoded operands (for the disassembler, the debugger and the assembler's encoder).

export interface MemOperand {
  /** 0–7, or NO_REG. */
  base: number;
  /** 0–7, or NO_REG. */
  index: number;
  /** 1, 2, 4 or 8. */
  scale: number;
  disp: number;
  /** Displacement size in bytes as encoded (0, 1 or 4). */
  dispSize: number;
}

export type Operand =
  | { readonly type: 'reg'; readonly kind: OperandKind; readonly reg: number }
  | { readonly type: 'mem'; readonly kind: OperandKind; readonly mem: MemOperand }
  | { readonly type: 'imm'; readonly kind: OperandKind; readonly value: number }
  | { readonly type: 'fixed'; readonly kind: OperandKind };

export interface Decoded {
  readonly form: Form;
  readonly length: number;
  readonly operands: readonly Operand[];
}

/**
 * Decodes the instruction whose first byte is at `at`, reading bytes with `byteAt` (which returns
 * -1 past the end of what is readable). Returns null for a byte sequence that is not an
 * instruction (#UD) or that is cut short.
 */
export function decode(byteAt: (i: number) => number, at: number): Decoded | null {
  let p = at;
  const next = () => byteAt(p++);
  let op = next();
  if (op < 0) return null;
  if (op === ESCAPE) {
    const b = next();
    if (b < 0) return null;
    op = 0x100 | b;
  }
  const form = FORM_BY_OPCODE[op];
  if (!form) return null;
  const l = layoutOf(form);
  const operands: (Operand | undefined)[] = new Array(form.operands.length);
  if (l.regOperands.length > 0) {
    const rb = next();
    if (rb < 0) return null;
    const nib = [rb & 15, rb >> 4];
    if (l.regOperands.length === 1 && nib[1] !== 0) return null;
    for (let j = 0; j < l.regOperands.length; j++) {
      const i = l.regOperands[j];
      const k = form.operands[i] as 'r8' | 'r16' | 'r32' | 'cr';
      if (!validRegNibble(k, nib[j])) return null;
      operands[i] = { type: 'reg', kind: k, reg: nib[j] };
    }
  }
  if (l.memOperand >= 0) {
    const b0 = next();
    const b1 = next();
    if (b0 < 0 || b1 < 0) return null;
    const base = b0 & 15;
    const index = b0 >> 4;
    const ds = dispBytes(b1);
    if (base > NO_REG || index > NO_REG || ds < 0) return null;
    let disp = 0;
    for (let j = 0; j < ds; j++) {
      const b = next();
      if (b < 0) return null;
      disp |= b << (8 * j);
    }
    if (ds === 1) disp = (disp << 24) >> 24;
    operands[l.memOperand] = {
      type: 'mem', kind: form.operands[l.memOperand],
      mem: { base, index, scale: 1 << (b1 & 3), disp: disp | 0, dispSize: ds },
    };
  }
  for (const im of l.imms) {
    let v = 0;
    for (let j = 0; j < im.bytes; j++) {
      const b = next();
      if (b < 0) return null;
      v |= b << (8 * j);
    }
    if (im.kind === 's8' || im.kind === 'rel8') v = (v << 24) >> 24;
    else if (im.kind === 'i16') v &= 0xffff;
    else if (im.kind === 'i8') v &= 0xff;
    operands[im.operand] = { type: 'imm', kind: im.kind, value: v | 0 };
  }
  form.operands.forEach((k, i) => {
    if (!operands[i]) operands[i] = { type: 'fixed', kind: k };
  });
  return { form, length: p - at, operands: operands as Operand[] };
}

// ---------------------------------------------------------------------------------------------
// Encoding (the assembler's side).

export interface Encoded {
  readonly bytes: Uint8Array;
  /** Offset of each immediate operand's field, by operand index (-1 where none). */
  readonly immOffset: readonly number[];
  /** Offset of the memory displacement field, or -1. */
  readonly dispOffset: number;
}

/** Smallest displacement size that holds disp (0 only when allowed). */
export function minDispSize(disp: number, allowNone: boolean): 0 | 1 | 4 {
  if (disp === 0 && allowNone) return 0;
  return disp >= -128 && disp <= 127 ? 1 : 4;
}

/**
 * Encodes a form with its operands. Register operands give their nibble, memory operands their
 * parts (dispSize chosen by the caller), immediates their value (truncated to the field).
 */
export function encode(form: Form, operands: readonly Operand[]): Encoded {
  const l = layoutOf(form);
  const out: number[] = [];
  if (l.opcodeBytes === 2) out.push(ESCAPE, form.opcode & 0xff);
  else out.push(form.opcode);
  if (l.regOperands.length > 0) {
    let rb = 0;
    l.regOperands.forEach((i, j) => {
      const o = operands[i];
      if (o.type !== 'reg') throw new Error('encode: expected a register operand');
      rb |= o.reg << (4 * j);
    });
    out.push(rb);
  }
  let dispOffset = -1;
  if (l.memOperand >= 0) {
    const o = operands[l.memOperand];
    if (o.type !== 'mem') throw new Error('encode: expected a memory operand');
    const m = o.mem;
    const scaleBits = m.scale === 8 ? 3 : m.scale === 4 ? 2 : m.scale === 2 ? 1 : 0;
    const dsBits = m.dispSize === 4 ? 2 : m.dispSize === 1 ? 1 : 0;
    out.push(m.base | (m.index << 4), scaleBits | (dsBits << 2));
    dispOffset = out.length;
    for (let j = 0; j < m.dispSize; j++) out.push((m.disp >>> (8 * j)) & 0xff);
    if (m.dispSize === 0) dispOffset = -1;
  }
  const immOffset: number[] = form.operands.map(() => -1);
  for (const im of l.imms) {
    const o = operands[im.operand];
    if (o.type !== 'imm') throw new Error('encode: expected an immediate operand');
    immOffset[im.operand] = out.length;
    for (let j = 0; j < im.bytes; j++) out.push((o.value >>> (8 * j)) & 0xff);
  }
  return { bytes: Uint8Array.from(out), immOffset, dispOffset };
}
