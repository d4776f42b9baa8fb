// Relocatable objects (SPEC §3.2): an assembled ObjectFile written as ELF32 ET_REL, and an ELF
// relocatable read back into an ObjectFile (for the linker, which also takes .o files from the
// compiler).

import {
  writeElf, readElf, ET_REL, SHT_PROGBITS, SHT_NOBITS, SHF_ALLOC, SHF_EXECINSTR, SHF_WRITE,
  STB_LOCAL, STB_GLOBAL, STT_FUNC, STT_OBJECT, STT_NOTYPE, STT_SECTION, STT_FILE, SHN_UNDEF, SHN_ABS,
  type ElfSymbol, type ElfReloc, ElfError,
} from './elf.js';
import { sectionKind, type ObjectFile, type ObjSection } from './assembler.js';

export function sectionFlags(kind: ObjSection['kind']): number {
  switch (kind) {
    case 'text': return SHF_ALLOC | SHF_EXECINSTR;
    case 'rodata': return SHF_ALLOC;
    default: return SHF_ALLOC | SHF_WRITE;
  }
}

/** Writes an object as a relocatable ELF32 file. */
export function writeObject(obj: ObjectFile): Uint8Array {
  const secIndex = new Map<string, number>();
  obj.sections.forEach((s, i) => secIndex.set(s.name, i + 1));
  const symbols: ElfSymbol[] = [];
  const symIndex = new Map<string, number>();
  symbols.push({ name: obj.source.split('/').pop() ?? obj.source, value: 0, size: 0, bind: STB_LOCAL, type: STT_FILE, shndx: SHN_ABS });
  obj.sections.forEach((s, i) => {
    symIndex.set(`section:${s.name}`, symbols.length);
    symbols.push({ name: '', value: 0, size: 0, bind: STB_LOCAL, type: STT_SECTION, shndx: i + 1 });
  });
  for (const s of obj.symbols) {
    symIndex.set(s.name, symbols.length);
    symbols.push({
      name: s.name, value: s.value, size: s.size, bind: s.global ? STB_GLOBAL : STB_LOCAL,
      type: s.kind === 'func' ? STT_FUNC : s.kind === 'object' ? STT_OBJECT : STT_NOTYPE,
      shndx: s.extern ? SHN_UNDEF : s.section === null ? SHN_ABS : secIndex.get(s.section) ?? SHN_ABS,
    });
  }
  const relocs = new Map<number, ElfReloc[]>();
  for (const r of obj.relocs) {
    const si = secIndex.get(r.section)! - 1;
    const list = relocs.get(si) ?? [];
    list.push({ offset: r.offset, type: r.type, sym: r.symbol === '' ? -1 : symIndex.get(r.symbol)!, addend: r.addend });
    relocs.set(si, list);
  }
  const files = [...new Set(obj.lines.map((l) => l.file))];
  return writeElf({
    type: ET_REL, entry: 0,
    sections: obj.sections.map((s) => ({
      name: s.name, type: s.kind === 'bss' ? SHT_NOBITS : SHT_PROGBITS, flags: sectionFlags(s.kind), addr: 0,
      data: s.kind === 'bss' ? new Uint8Array(0) : s.data, size: s.size, align: s.align,
    })),
    symbols, relocs,
    lines: { files, entries: obj.lines.map((l) => ({ section: secIndex.get(l.section)!, addr: l.offset, file: files.indexOf(l.file), line: l.line })) },
  });
}

/** Reads a relocatable ELF32 file (ours or the compiler's) as an ObjectFile. */
export function readObject(bytes: Uint8Array, name: string): ObjectFile {
  const elf = readElf(bytes, name);
  if (elf.type !== ET_REL) throw new ElfError(`${name}: not a relocatable object (ET_REL)`);
  const alloc = new Map<number, string>();
  const sections: ObjSection[] = [];
  elf.sections.forEach((s, i) => {
    if (!(s.flags & SHF_ALLOC)) return;
    alloc.set(i, s.name);
    sections.push({
      name: s.name, kind: s.type === SHT_NOBITS ? 'bss' : sectionKind(s.name) === 'bss' ? 'data' : (s.flags & SHF_EXECINSTR ? 'text' : sectionKind(s.name)),
      data: s.type === SHT_NOBITS ? new Uint8Array(0) : s.data, size: s.size, align: Math.max(1, s.align),
    });
  });
  const obj: ObjectFile = { source: name, sections, symbols: [], relocs: [], lines: [] };
  elf.symbols.forEach((s, i) => {
    if (i === 0 || s.type === STT_FILE || s.type === STT_SECTION) return;
    const extern = s.shndx === SHN_UNDEF;
    const section = extern || s.shndx === SHN_ABS ? null : alloc.get(s.shndx) ?? null;
    obj.symbols.push({
      name: s.name, section, value: s.value, size: s.size, global: s.bind !== STB_LOCAL, extern,
      kind: s.type === STT_FUNC ? 'func' : s.type === STT_OBJECT ? 'object' : 'none',
    });
  });
  for (const [si, list] of elf.relocs) {
    const section = alloc.get(si);
    if (!section) continue;
    for (const r of list) {
      const sym = elf.symbols[r.sym];
      let symbol = '';
      let addend = r.addend;
      if (r.sym !== 0 && sym) {
        if (sym.type === STT_SECTION) symbol = `section:${alloc.get(sym.shndx)}`;
        else if (sym.bind === STB_LOCAL && sym.shndx !== SHN_UNDEF && sym.shndx !== SHN_ABS) {
          symbol = `section:${alloc.get(sym.shndx)}`; // a local: its section plus its value
          addend += sym.value;
        } else if (sym.shndx === SHN_ABS) addend += sym.value;
        else symbol = sym.name;
      }
      obj.relocs.push({ section, offset: r.offset, type: r.type, symbol, addend });
    }
  }
  for (const e of elf.lines.entries) {
    const section = alloc.get(e.section);
    if (section) obj.lines.push({ section, offset: e.addr, file: elf.lines.files[e.file] ?? '?', line: e.line });
  }
  return obj;
}
