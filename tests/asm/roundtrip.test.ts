// Round trip over the whole instruction table (issue: "for every form in the table, assemble →
// disassemble → assemble gives identical bytes"): every form is encoded with operands at the
// edges of their fields, decoded back to the same operands, printed by the disassembler, and the
// printed program reassembled by the assembler to the very same bytes.

import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FORMS, type Form, type OperandKind } from '../../emulator/isa/table.js';
import { encode, decode, layoutOf, NO_REG, type Operand } from '../../emulator/isa/encoding.js';
import { formatInstruction } from '../../emulator/isa/disasm.js';
import { linkSources } from '../../tools/asm/index.js';
import { readElf } from '../../tools/asm/elf.js';

const BASE = 0x100000;

/** Memory operands in the shapes the assembler writes (its canonical displacement sizes). */
const MEMS = [
  { base: 0, index: NO_REG, scale: 1, disp: 0, dispSize: 0 },            // [eax]
  { base: 5, index: NO_REG, scale: 1, disp: -8, dispSize: 1 },           // [ebp-0x8]
  { base: 3, index: 1, scale: 4, disp: 0x7f, dispSize: 1 },              // [ebx+ecx*4+0x7f]
  { base: 6, index: 7, scale: 1, disp: -0x80, dispSize: 1 },             // [esi+edi-0x80]
  { base: 4, index: 2, scale: 8, disp: 0x12345678, dispSize: 4 },        // [esp+edx*8+0x12345678]
  { base: NO_REG, index: NO_REG, scale: 1, disp: 0x1000, dispSize: 4 },  // [0x1000]
  { base: NO_REG, index: 0, scale: 2, disp: 0x40, dispSize: 4 },         // [eax*2+0x40]
  { base: 7, index: 4, scale: 1, disp: -0x1000, dispSize: 4 },           // [edi+esp-0x1000]
];

/** Operand values for a form, varied by `v` so that forms see different registers and edges. */
function operandsFor(form: Form, v: number): Operand[] {
  let regNo = v;
  return form.operands.map((k: OperandKind): Operand => {
    switch (k) {
      case 'r8': return { type: 'reg', kind: k, reg: regNo++ % 4 };
      case 'r16': case 'r32': return { type: 'reg', kind: k, reg: (regNo++ * 3) % 8 };
      case 'cr': return { type: 'reg', kind: k, reg: [0, 2, 3, 4][v % 4] };
      case 'm8': case 'm16': case 'm32': case 'm': return { type: 'mem', kind: k, mem: { ...MEMS[v % MEMS.length] } };
      case 'i8': return { type: 'imm', kind: k, value: [0, 0x7f, 0x80, 0xff][v % 4] };
      case 'i16': return { type: 'imm', kind: k, value: [0, 0x7fff, 0x8000, 0xffff][v % 4] };
      case 'i32': return { type: 'imm', kind: k, value: [5, -1, 0x7fffffff, -0x80000000, 0x12345678][v % 5] };
      case 's8': return { type: 'imm', kind: k, value: [-128, 127, 0, -1][v % 4] };
      case 'rel8': return { type: 'imm', kind: k, value: [-128, 127, 0, 5][v % 4] };
      case 'rel32': return { type: 'imm', kind: k, value: [0x1000, -0x40, 100, -0x100000][v % 4] };
      default: return { type: 'fixed', kind: k };
    }
  });
}

describe('the instruction table round trip', () => {
  it(`decodes every form's encoding back to its operands (${FORMS.length} forms × 4 operand sets)`, () => {
    for (const f of FORMS) {
      for (let v = 0; v < 4; v++) {
        const ops = operandsFor(f, v);
        const bytes = encode(f, ops).bytes;
        const mem = ops.find((o) => o.type === 'mem');
        const disp = mem && mem.type === 'mem' ? mem.mem.dispSize : 0;
        expect(bytes.length, `${f.mnemonic} ${f.operands}`).toBe(layoutOf(f).fixedLength + disp);
        const d = decode((i) => (i < bytes.length ? bytes[i] : -1), 0);
        expect(d, `${f.mnemonic} ${f.operands} did not decode`).not.toBeNull();
        expect(d!.form.id).toBe(f.id);
        expect(d!.length).toBe(bytes.length);
        expect(d!.operands).toEqual(ops);
      }
    }
  });

  it('assembles the disassembly of every form back to identical bytes', () => {
    for (let v = 0; v < 4; v++) {
      const parts: Uint8Array[] = [];
      const lines: string[] = [];
      let addr = BASE;
      for (const f of FORMS) {
        const bytes = encode(f, operandsFor(f, v + f.id)).bytes;
        const d = decode((i) => (i - addr < bytes.length ? bytes[i - addr] : -1), addr)!;
        lines.push(`    ${formatInstruction(d, addr)}`);
        parts.push(bytes);
        addr += bytes.length;
      }
      const expected = new Uint8Array(addr - BASE);
      let at = 0;
      for (const p of parts) { expected.set(p, at); at += p.length; }

      const dir = mkdtempSync(join(tmpdir(), 'toy86-roundtrip-'));
      try {
        const src = join(dir, 'all.s');
        writeFileSync(src, `section .text\nglobal _start\n_start:\n${lines.join('\n')}\n`);
        const elf = readElf(linkSources([src], { base: BASE }));
        const text = elf.sections.find((s) => s.name === '.text')!;
        // Compare instruction by instruction so that a failure names the form.
        let off = 0;
        FORMS.forEach((f, i) => {
          const want = parts[i];
          const got = text.data.subarray(off, off + want.length);
          expect([...got], `${lines[i].trim()} (${f.mnemonic} ${f.operands.join(',')})`).toEqual([...want]);
          off += want.length;
        });
        expect(text.data.length).toBe(expected.length);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });
});
