// The disassembler: a decoded instruction (encoding.ts) as NASM-style Intel text that toy86's
// assembler takes back to the same bytes. Where the assembler would choose a shorter form by
// itself, the text forces the width: `short` on rel8 branches, `near` on rel32 branches that
// would fit rel8, `dword` on full-width immediates that would fit the sign-extended byte form.

import { FORMS_BY_MNEMONIC, type Form } from './table.js';
import { REG32, REG16, REG8, CREG, NO_REG, isMemKind, type Decoded, type Operand, type MemOperand } from './encoding.js';

/** Returns `<symbol+0x10>` text for an address, or null. */
export type Symbolizer = (addr: number) => string | null;

const hex = (v: number) => (v < 0 ? `-0x${(-v).toString(16)}` : `0x${v.toString(16)}`);
export const hex8 = (v: number) => (v >>> 0).toString(16).padStart(8, '0');

function regName(kind: string, reg: number): string {
  switch (kind) {
    case 'r8': return REG8[reg];
    case 'r16': return REG16[reg];
    case 'cr': return CREG[reg];
    default: return REG32[reg];
  }
}

/** `[base+index*scale+disp]` as the assembler reads it back. */
export function formatMem(m: MemOperand): string {
  const parts: string[] = [];
  if (m.base !== NO_REG) parts.push(REG32[m.base]);
  if (m.index !== NO_REG) parts.push(m.scale === 1 && m.base !== NO_REG ? REG32[m.index] : `${REG32[m.index]}*${m.scale}`);
  let s = parts.join('+');
  if (m.dispSize > 0 || parts.length === 0) {
    const d = m.disp | 0;
    if (parts.length === 0) s = hex(d >>> 0);
    else if (d !== 0) s += d < 0 ? `-${hex(-d)}` : `+${hex(d)}`;
  }
  return `[${s}]`;
}

/** Does the form size its memory operand through a general register operand? */
function memSized(form: Form): boolean {
  if (form.mnemonic === 'movzx' || form.mnemonic === 'movsx') return false;
  return form.operands.some((k) => k === 'r8' || k === 'r16' || k === 'r32');
}

/** Would the assembler pick a shorter form for this operand if its width were not forced? */
function hasShorter(form: Form, i: number, value: number): boolean {
  const forms = FORMS_BY_MNEMONIC.get(form.mnemonic) ?? [];
  const want = form.operands[i] === 'rel32' ? 'rel8' : 's8';
  if (value < -128 || value > 127) return false;
  return forms.some((f) => f.operands.length === form.operands.length &&
    f.operands.every((k, j) => (j === i ? k === want : k === form.operands[j])));
}

/** Formats a decoded instruction at `address`. */
export function formatInstruction(d: Decoded, address: number, symbolize?: Symbolizer): string {
  const f = d.form;
  const next = (address + d.length) | 0;
  const ops = d.operands.map((o: Operand, i: number): string => {
    switch (o.type) {
      case 'reg': return regName(o.kind, o.reg);
      case 'fixed': return o.kind;
      case 'mem': {
        const size = o.kind === 'm8' ? 'byte ' : o.kind === 'm16' ? 'word ' : o.kind === 'm32' ? 'dword ' : '';
        return (isMemKind(o.kind) && !memSized(f) ? size : '') + formatMem(o.mem);
      }
      case 'imm': {
        if (o.kind === 'rel8' || o.kind === 'rel32') {
          const target = (next + o.value) >>> 0;
          const sym = symbolize?.(target);
          const force = o.kind === 'rel8' ? 'short ' : hasShorter(f, i, o.value) ? 'near ' : '';
          return `${force}0x${hex8(target)}${sym ? ` ${sym}` : ''}`;
        }
        if (o.kind === 'i32') {
          const v = o.value | 0;
          const force = hasShorter(f, i, v) ? 'dword ' : '';
          return force + (v < 0 && v >= -0x10000 ? hex(v) : hex(v >>> 0));
        }
        return hex(o.value);
      }
    }
  });
  return ops.length ? `${f.mnemonic} ${ops.join(', ')}` : f.mnemonic;
}
