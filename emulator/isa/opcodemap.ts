// The opcode map of docs/isa.md, generated from the instruction table so that the documentation
// cannot drift from the encoding (tests/isa/opcode-map.test.ts compares them).

import { FORMS } from './table.js';
import { layoutOf } from './encoding.js';

const hex = (n: number) => n.toString(16).padStart(2, '0');

/** Markdown tables of every form: opcode bytes, instruction, layout of the operand bytes. */
export function opcodeMapMarkdown(): string {
  const row = (f: (typeof FORMS)[number]) => {
    const l = layoutOf(f);
    const bytes = f.opcode >= 0x100 ? `0F ${hex(f.opcode & 0xff).toUpperCase()}` : hex(f.opcode).toUpperCase();
    const fields: string[] = [];
    if (l.regOperands.length) fields.push('regs');
    if (l.memOperand >= 0) fields.push('mem');
    for (const im of l.imms) fields.push(im.kind);
    const names = [f.mnemonic, ...f.aliases].join(' / ');
    return `| ${bytes} | ${names} ${f.operands.join(', ')} | ${fields.join(' ') || '—'} | ${f.sem} |`;
  };
  const head = '| opcode | instruction | operand bytes | semantic routine |\n| --- | --- | --- | --- |';
  const hot = FORMS.filter((f) => !f.cold).map(row).join('\n');
  const cold = FORMS.filter((f) => f.cold).map(row).join('\n');
  return `### One-byte opcodes\n\n${head}\n${hot}\n\n### Two-byte opcodes (0F xx)\n\n${head}\n${cold}\n`;
}
