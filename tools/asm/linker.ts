// The linker (SPEC §3.2): objects → an ELF32 executable. Sections of the same kind are merged in
// input order; the kinds are laid out text, rodata, data, bss, each starting on a 4 KiB page, the
// first at `base` (ld's -Ttext). Globals are resolved across objects, relocations applied, and the
// symbol and line tables carried over with absolute addresses. p_paddr = p_vaddr − loadOffset.

import {
  writeElf, ET_EXEC, SHT_PROGBITS, SHT_NOBITS, PT_LOAD, PF_R, PF_W, PF_X, STB_LOCAL, STB_GLOBAL,
  STT_FUNC, STT_OBJECT, STT_NOTYPE, STT_FILE, SHN_ABS, R_TOY86_32, R_TOY86_PC32, R_TOY86_16, R_TOY86_8, R_TOY86_PC8,
  type ElfSymbol, type LineEntry,
} from './elf.js';
import { sectionFlags } from './object.js';
import type { ObjectFile, ObjSection } from './assembler.js';

/** A problem that is not in one source line: undefined or duplicate symbols, ranges. */
export class LinkError extends Error {}

export interface LinkOptions {
  /** Address of the first section (default 0x08048000). */
  base?: number;
  /** p_paddr = p_vaddr − loadOffset (default 0). */
  loadOffset?: number;
  /** The entry symbol (default _start). */
  entry?: string;
}

export const DEFAULT_BASE = 0x08048000;
const KINDS: ObjSection['kind'][] = ['text', 'rodata', 'data', 'bss'];
const OUT_NAME: Record<ObjSection['kind'], string> = { text: '.text', rodata: '.rodata', data: '.data', bss: '.bss' };

/** Links objects into an executable image. */
export function link(objects: ObjectFile[], opts: LinkOptions = {}): Uint8Array {
  const base = (opts.base ?? DEFAULT_BASE) >>> 0;
  const loadOffset = opts.loadOffset ?? 0;
  const entryName = opts.entry ?? '_start';

  // Place every object section: its address in the output.
  const where = new Map<string, number>(); // `${objIndex}:${section}` → address
  const groups: { kind: ObjSection['kind']; start: number; size: number; data: Uint8Array; align: number }[] = [];
  let addr = base;
  for (const kind of KINDS) {
    const parts: { obj: number; s: ObjSection }[] = [];
    objects.forEach((o, i) => o.sections.forEach((s) => { if (s.kind === kind) parts.push({ obj: i, s }); }));
    if (parts.length === 0) continue;
    // The first section starts at the base itself (as ld's -Ttext); each later one on a new
    // page, so that each can have its own page rights.
    if (groups.length > 0) addr = Math.ceil(addr / 4096) * 4096;
    const start = addr;
    let align = 1;
    for (const p of parts) {
      addr = Math.ceil(addr / p.s.align) * p.s.align;
      align = Math.max(align, p.s.align);
      where.set(`${p.obj}:${p.s.name}`, addr);
      addr += p.s.size;
    }
    const size = addr - start;
    const data = new Uint8Array(kind === 'bss' ? 0 : size);
    for (const p of parts) if (kind !== 'bss') data.set(p.s.data.subarray(0, p.s.size), where.get(`${p.obj}:${p.s.name}`)! - start);
    if (addr > 0x100000000) throw new LinkError(`the program does not fit below 4 GiB when linked at 0x${base.toString(16)}`);
    groups.push({ kind, start, size, data, align: start % 4096 === 0 ? Math.max(align, 4096) : align });
  }

  // Globals across objects.
  const globals = new Map<string, { obj: number; value: number; section: string | null }>();
  objects.forEach((o, i) => {
    for (const s of o.symbols) {
      if (!s.global || s.extern) continue;
      const prev = globals.get(s.name);
      if (prev) throw new LinkError(`duplicate definition of '${s.name}' in ${objects[prev.obj].source} and ${o.source}`);
      globals.set(s.name, { obj: i, value: s.value, section: s.section });
    }
  });
  const symbolAddress = (objIndex: number, name: string, from: string): number => {
    if (name === '') return 0;
    if (name.startsWith('section:')) return where.get(`${objIndex}:${name.slice(8)}`)!;
    const g = globals.get(name);
    if (!g) throw new LinkError(`undefined symbol '${name}' (referenced from ${from})`);
    return g.section === null ? g.value : where.get(`${g.obj}:${g.section}`)! + g.value;
  };

  // Relocations.
  objects.forEach((o, i) => {
    for (const r of o.relocs) {
      const secAddr = where.get(`${i}:${r.section}`)!;
      const group = groups.find((g) => secAddr >= g.start && secAddr < g.start + Math.max(g.size, 1))!;
      const p = secAddr + r.offset;
      const S = symbolAddress(i, r.symbol, o.source);
      const at = p - group.start;
      const put = (v: number, width: number) => { for (let k = 0; k < width; k++) group.data[at + k] = (v >>> (8 * k)) & 0xff; };
      const what = r.symbol.startsWith('section:') ? `an address in ${r.symbol.slice(8)}` : `'${r.symbol}'`;
      switch (r.type) {
        case R_TOY86_32: put((S + r.addend) | 0, 4); break;
        case R_TOY86_PC32: put((S + r.addend - p) | 0, 4); break;
        case R_TOY86_16: {
          const v = S + r.addend;
          if (v < -32768 || v > 0xffff) throw new LinkError(`${o.source}: ${what} (0x${(v >>> 0).toString(16)}) does not fit a 16-bit field`);
          put(v, 2);
          break;
        }
        case R_TOY86_8: {
          const v = S + r.addend;
          if (v < -128 || v > 0xff) throw new LinkError(`${o.source}: ${what} (0x${(v >>> 0).toString(16)}) does not fit an 8-bit field`);
          put(v, 1);
          break;
        }
        case R_TOY86_PC8: {
          const v = S + r.addend - p;
          if (v < -128 || v > 127) throw new LinkError(`${o.source}: a short branch to ${what} is ${v} bytes away: out of reach (use a near branch)`);
          put(v, 1);
          break;
        }
        default: throw new LinkError(`${o.source}: unknown relocation type ${r.type}`);
      }
    }
  });

  const entry = globals.get(entryName);
  if (!entry) throw new LinkError(`no entry point: no global symbol '${entryName}' in ${objects.map((o) => o.source).join(', ')}`);
  const entryAddr = symbolAddress(entry.obj, entryName, '');

  // Output sections, symbols and lines.
  const outIndex = new Map<ObjSection['kind'], number>();
  groups.forEach((g, i) => outIndex.set(g.kind, i + 1));
  const sectionOfAddr = (a: number) => {
    const i = groups.findIndex((g) => a >= g.start && a <= g.start + g.size);
    return i < 0 ? SHN_ABS : i + 1;
  };
  const symbols: ElfSymbol[] = [];
  objects.forEach((o, i) => {
    symbols.push({ name: o.source.split('/').pop() ?? o.source, value: 0, size: 0, bind: STB_LOCAL, type: STT_FILE, shndx: SHN_ABS });
    for (const s of o.symbols) {
      if (s.extern) continue;
      const value = s.section === null ? s.value : where.get(`${i}:${s.section}`)! + s.value;
      symbols.push({
        name: s.name, value, size: s.size, bind: s.global ? STB_GLOBAL : STB_LOCAL,
        type: s.kind === 'func' ? STT_FUNC : s.kind === 'object' ? STT_OBJECT : STT_NOTYPE,
        shndx: s.section === null ? SHN_ABS : sectionOfAddr(value),
      });
    }
  });
  const files: string[] = [];
  const entries: LineEntry[] = [];
  objects.forEach((o, i) => {
    for (const l of o.lines) {
      let f = files.indexOf(l.file);
      if (f < 0) { f = files.length; files.push(l.file); }
      entries.push({ section: 0, addr: where.get(`${i}:${l.section}`)! + l.offset, file: f, line: l.line });
    }
  });
  entries.sort((a, b) => a.addr - b.addr);

  const flags = (k: ObjSection['kind']) => (k === 'text' ? PF_R | PF_X : k === 'rodata' ? PF_R : PF_R | PF_W);
  return writeElf({
    type: ET_EXEC, entry: entryAddr,
    sections: groups.map((g) => ({
      name: OUT_NAME[g.kind], type: g.kind === 'bss' ? SHT_NOBITS : SHT_PROGBITS, flags: sectionFlags(g.kind),
      addr: g.start, data: g.data, size: g.size, align: g.align,
    })),
    symbols,
    segments: groups.map((g, i) => ({
      vaddr: g.start, paddr: (g.start - loadOffset) >>> 0, memsz: g.size, flags: flags(g.kind), sections: [i],
    })),
    lines: { files, entries },
  });
}
