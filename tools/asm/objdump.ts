// `toy86 objdump FILE`: a disassembly with symbols and source lines, in the manner of GNU
// objdump -d -l (and -s for data sections).

import { readFileSync } from 'node:fs';
import { readElf, SHF_ALLOC, SHF_EXECINSTR, SHT_NOBITS, STT_FILE, STT_SECTION, ET_REL, type ElfFile } from './elf.js';
import { decode } from '../../emulator/isa/encoding.js';
import { formatInstruction, hex8 } from '../../emulator/isa/disasm.js';

/** Symbols of an ELF file by address, for `<symbol+offset>`. */
export class SymbolMap {
  private readonly sorted: { addr: number; name: string; size: number }[];

  constructor(elf: ElfFile, section?: number) {
    this.sorted = elf.symbols
      .filter((s) => s.name && s.type !== STT_FILE && s.type !== STT_SECTION && s.shndx !== 0 && (section === undefined || s.shndx === section))
      .map((s) => ({ addr: s.value >>> 0, name: s.name, size: s.size }))
      .sort((a, b) => a.addr - b.addr || (a.name.includes('.') ? 1 : 0) - (b.name.includes('.') ? 1 : 0));
  }

  /** Symbols defined exactly at addr. */
  at(addr: number): string[] {
    return this.sorted.filter((s) => s.addr === addr >>> 0).map((s) => s.name);
  }

  /** `<name+0x10>` for the closest symbol at or below addr, or null. */
  describe(addr: number): string | null {
    const a = addr >>> 0;
    let best: { addr: number; name: string } | null = null;
    for (const s of this.sorted) {
      if (s.addr > a) break;
      if (!best || s.addr >= best.addr) best = s;
    }
    if (!best) return null;
    const off = a - best.addr;
    return off === 0 ? `<${best.name}>` : `<${best.name}+0x${off.toString(16)}>`;
  }
}

const sources = new Map<string, string[] | null>();

/** Line n of a source file, or null when it cannot be read. */
function sourceLine(file: string, n: number): string | null {
  if (!sources.has(file)) {
    try { sources.set(file, readFileSync(file, 'utf8').split('\n')); } catch { sources.set(file, null); }
  }
  const lines = sources.get(file);
  return lines && n >= 1 && n <= lines.length ? lines[n - 1] : null;
}

/** The text of the disassembly of an ELF file. */
export function objdump(bytes: Uint8Array, name: string): string {
  const elf = readElf(bytes, name);
  const out: string[] = [`${name}:     file format elf32-toy86`, ''];
  const lineAt = new Map<string, { file: string; line: number }>();
  for (const e of elf.lines.entries) lineAt.set(`${e.section}:${e.addr >>> 0}`, { file: elf.lines.files[e.file], line: e.line });
  const relocatable = elf.type === ET_REL;
  elf.sections.forEach((sec, si) => {
    if (!(sec.flags & SHF_ALLOC)) return;
    const base = relocatable ? 0 : sec.addr >>> 0;
    const syms = new SymbolMap(elf, relocatable ? si : undefined);
    if (sec.flags & SHF_EXECINSTR) {
      out.push(`Disassembly of section ${sec.name}:`, '');
      const code = sec.data;
      let off = 0;
      let lastLine = '';
      while (off < code.length) {
        const addr = (base + off) >>> 0;
        for (const n of syms.at(addr)) out.push(`${hex8(addr)} <${n}>:`);
        const li = lineAt.get(`${relocatable ? si : 0}:${addr}`);
        if (li) {
          const text = `${li.file}:${li.line}`;
          if (text !== lastLine) {
            // As objdump -S: the source line itself when the file can be read.
            const src = sourceLine(li.file, li.line);
            out.push(src === null ? text : `${text}:  ${src.trim()}`);
            lastLine = text;
          }
        }
        const d = decode((i) => (i - base < code.length ? code[i - base] : -1), addr);
        const len = d ? d.length : 1;
        const raw = [...code.subarray(off, off + len)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
        const text = d ? formatInstruction(d, addr, (t) => syms.describe(t)) : '(bad)';
        out.push(`${addr.toString(16).padStart(8)}:\t${raw.padEnd(24)}\t${text}`);
        off += len;
      }
      out.push('');
    } else if (sec.type === SHT_NOBITS) {
      out.push(`Section ${sec.name}: ${sec.size} bytes of zeros at 0x${hex8(base)}`, '');
    } else {
      out.push(`Contents of section ${sec.name}:`);
      for (let off = 0; off < sec.data.length; off += 16) {
        const row = sec.data.subarray(off, off + 16);
        const words: string[] = [];
        for (let k = 0; k < 16; k += 4) words.push([...row.subarray(k, k + 4)].map((b) => b.toString(16).padStart(2, '0')).join('').padEnd(8));
        const ascii = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
        out.push(` ${(base + off).toString(16).padStart(8, '0')} ${words.join(' ')}  ${ascii}`);
      }
      out.push('');
    }
  });
  return out.join('\n');
}
