// ELF32 little-endian objects and executables for toy86 (SPEC §3.2): the writer used by the
// assembler, linker and compiler, and the reader used by the linker, objdump, the debugger and the
// machine's loader. Layout follows the System V gABI so that `readelf -a` reads every file.
//
// toy86 specifics (docs/asm.md):
//   e_machine = EM_TOY86 (0x7486), not EM_386: the encoding is toy86's own.
//   Relocations are RELA: R_TOY86_32 (S + A), R_TOY86_PC32 (S + A - P), R_TOY86_16 and
//   R_TOY86_8 (S + A), R_TOY86_PC8 (S + A - P); a value out of a short field's range is a link
//   error.
//   The line table is the section `.toy86.lines` (see LineEntry).

export const EM_TOY86 = 0x7486;
export const ET_REL = 1;
export const ET_EXEC = 2;

export const SHT_NULL = 0, SHT_PROGBITS = 1, SHT_SYMTAB = 2, SHT_STRTAB = 3, SHT_RELA = 4, SHT_NOBITS = 8;
export const SHF_WRITE = 1, SHF_ALLOC = 2, SHF_EXECINSTR = 4, SHF_INFO_LINK = 0x40;
export const PT_LOAD = 1;
export const PF_X = 1, PF_W = 2, PF_R = 4;
export const STB_LOCAL = 0, STB_GLOBAL = 1;
export const STT_NOTYPE = 0, STT_OBJECT = 1, STT_FUNC = 2, STT_SECTION = 3, STT_FILE = 4;
export const SHN_UNDEF = 0, SHN_ABS = 0xfff1;

export const R_TOY86_NONE = 0, R_TOY86_32 = 1, R_TOY86_PC32 = 2, R_TOY86_16 = 3, R_TOY86_8 = 4, R_TOY86_PC8 = 5;

export const LINES_SECTION = '.toy86.lines';
const LINES_MAGIC = 0x314e4c54; // "TLN1"

export interface ElfSection {
  name: string;
  type: number;
  flags: number;
  addr: number;
  /** Contents (empty for NOBITS). */
  data: Uint8Array;
  /** Size (for NOBITS, the size it occupies in memory). */
  size: number;
  align: number;
  link: number;
  info: number;
  entsize: number;
}

export interface ElfSymbol {
  name: string;
  value: number;
  size: number;
  bind: number;
  type: number;
  /** Section index, SHN_UNDEF or SHN_ABS. */
  shndx: number;
}

export interface ElfReloc {
  /** Offset of the field in its section. */
  offset: number;
  type: number;
  /** Index into the symbol table. */
  sym: number;
  addend: number;
}

export interface ElfSegment {
  vaddr: number;
  paddr: number;
  offset: number;
  filesz: number;
  memsz: number;
  flags: number;
  align: number;
}

/** One line-table row: code at `addr` (section-relative in objects) came from file:line. */
export interface LineEntry {
  /** Section index in objects; 0 in executables, where addr is absolute. */
  section: number;
  addr: number;
  file: number;
  line: number;
}

export interface LineTable {
  files: string[];
  entries: LineEntry[];
}

export interface ElfFile {
  type: number;
  entry: number;
  /** Sections, index 0 being the null section. */
  sections: ElfSection[];
  symbols: ElfSymbol[];
  /** Relocations by the index of the section they apply to. */
  relocs: Map<number, ElfReloc[]>;
  segments: ElfSegment[];
  lines: LineTable;
}

/** A malformed file: the message says where and why. */
export class ElfError extends Error {}

const utf8 = new TextDecoder();
const encoder = new TextEncoder();

function cstr(b: Uint8Array, off: number): string {
  let end = off;
  while (end < b.length && b[end] !== 0) end++;
  return utf8.decode(b.subarray(off, end));
}

/** Parses an ELF32 toy86 file; throws ElfError with the reason when it is not one. */
export function readElf(bytes: Uint8Array, what = 'file'): ElfFile {
  const fail = (why: string): never => { throw new ElfError(`${what}: not a toy86 ELF32 file: ${why}`); };
  if (bytes.length < 52) fail('too short for an ELF header');
  if (bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) fail('no ELF magic');
  if (bytes[4] !== 1) fail('not 32-bit (EI_CLASS)');
  if (bytes[5] !== 1) fail('not little-endian (EI_DATA)');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (o: number) => { if (o + 2 > bytes.length) fail(`truncated at offset ${o}`); return dv.getUint16(o, true); };
  const u32 = (o: number) => { if (o + 4 > bytes.length) fail(`truncated at offset ${o}`); return dv.getUint32(o, true); };
  const type = u16(16);
  const machine = u16(18);
  if (machine !== EM_TOY86) fail(`e_machine is 0x${machine.toString(16)}, not toy86's 0x${EM_TOY86.toString(16)}`);
  const entry = u32(24);
  const phoff = u32(28), shoff = u32(32);
  const phentsize = u16(42), phnum = u16(44), shentsize = u16(46), shnum = u16(48), shstrndx = u16(50);
  if (phnum && phentsize !== 32) fail('bad program header size');
  if (shnum && shentsize !== 40) fail('bad section header size');

  const sections: ElfSection[] = [];
  const names: number[] = [];
  for (let i = 0; i < shnum; i++) {
    const o = shoff + 40 * i;
    const stype = u32(o + 4);
    const off = u32(o + 16), size = u32(o + 20);
    if (stype !== SHT_NOBITS && stype !== SHT_NULL && off + size > bytes.length) fail(`section ${i} lies outside the file`);
    names.push(u32(o));
    sections.push({
      name: '', type: stype, flags: u32(o + 8), addr: u32(o + 12),
      data: stype === SHT_NOBITS || stype === SHT_NULL ? new Uint8Array(0) : bytes.slice(off, off + size),
      size, link: u32(o + 24), info: u32(o + 28), align: u32(o + 32), entsize: u32(o + 36),
    });
  }
  if (shnum && shstrndx < shnum) {
    const strs = sections[shstrndx].data;
    sections.forEach((s, i) => { s.name = cstr(strs, names[i]); });
  }

  const symbols: ElfSymbol[] = [];
  const symtabIndex = sections.findIndex((s) => s.type === SHT_SYMTAB);
  if (symtabIndex >= 0) {
    const st = sections[symtabIndex];
    const strtab = sections[st.link]?.data ?? new Uint8Array(0);
    const sdv = new DataView(st.data.buffer, st.data.byteOffset, st.data.byteLength);
    for (let o = 0; o + 16 <= st.data.length; o += 16) {
      const info = st.data[o + 12];
      symbols.push({
        name: cstr(strtab, sdv.getUint32(o, true)), value: sdv.getUint32(o + 4, true),
        size: sdv.getUint32(o + 8, true), bind: info >> 4, type: info & 15, shndx: sdv.getUint16(o + 14, true),
      });
    }
  }

  const relocs = new Map<number, ElfReloc[]>();
  sections.forEach((s) => {
    if (s.type !== SHT_RELA) return;
    const rdv = new DataView(s.data.buffer, s.data.byteOffset, s.data.byteLength);
    const list: ElfReloc[] = [];
    for (let o = 0; o + 12 <= s.data.length; o += 12) {
      const info = rdv.getUint32(o + 4, true);
      list.push({ offset: rdv.getUint32(o, true), type: info & 0xff, sym: info >>> 8, addend: rdv.getInt32(o + 8, true) });
    }
    relocs.set(s.info, list);
  });

  const segments: ElfSegment[] = [];
  for (let i = 0; i < phnum; i++) {
    const o = phoff + 32 * i;
    const seg = {
      type: u32(o), offset: u32(o + 4), vaddr: u32(o + 8), paddr: u32(o + 12), filesz: u32(o + 16),
      memsz: u32(o + 20), flags: u32(o + 24), align: u32(o + 28),
    };
    if (seg.type !== PT_LOAD) continue;
    if (seg.offset + seg.filesz > bytes.length) fail(`segment ${i} lies outside the file`);
    if (seg.filesz > seg.memsz) fail(`segment ${i} has p_filesz > p_memsz`);
    segments.push(seg);
  }

  const linesSection = sections.find((s) => s.name === LINES_SECTION);
  const lines = linesSection ? parseLines(linesSection.data, fail) : { files: [], entries: [] };
  return { type, entry, sections, symbols, relocs, segments, lines };
}

function parseLines(b: Uint8Array, fail: (why: string) => never): LineTable {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.length < 16 || dv.getUint32(0, true) !== LINES_MAGIC) fail(`bad ${LINES_SECTION} section`);
  const nfiles = dv.getUint32(4, true), nentries = dv.getUint32(8, true), strsize = dv.getUint32(12, true);
  const strOff = 16 + 4 * nfiles + 12 * nentries;
  if (strOff + strsize > b.length) fail(`truncated ${LINES_SECTION} section`);
  const files: string[] = [];
  for (let i = 0; i < nfiles; i++) files.push(cstr(b, strOff + dv.getUint32(16 + 4 * i, true)));
  const entries: LineEntry[] = [];
  for (let i = 0; i < nentries; i++) {
    const o = 16 + 4 * nfiles + 12 * i;
    entries.push({ addr: dv.getUint32(o, true), section: dv.getUint16(o + 4, true), file: dv.getUint16(o + 6, true), line: dv.getUint32(o + 8, true) });
  }
  return { files, entries };
}

/** Encodes a line table as the contents of `.toy86.lines`. */
export function encodeLines(t: LineTable): Uint8Array {
  const strs: number[] = [];
  const offs = t.files.map((f) => {
    const o = strs.length;
    strs.push(...encoder.encode(f), 0);
    return o;
  });
  const out = new Uint8Array(16 + 4 * t.files.length + 12 * t.entries.length + strs.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, LINES_MAGIC, true);
  dv.setUint32(4, t.files.length, true);
  dv.setUint32(8, t.entries.length, true);
  dv.setUint32(12, strs.length, true);
  offs.forEach((o, i) => dv.setUint32(16 + 4 * i, o, true));
  t.entries.forEach((e, i) => {
    const o = 16 + 4 * t.files.length + 12 * i;
    dv.setUint32(o, e.addr >>> 0, true);
    dv.setUint16(o + 4, e.section, true);
    dv.setUint16(o + 6, e.file, true);
    dv.setUint32(o + 8, e.line, true);
  });
  out.set(strs, 16 + 4 * t.files.length + 12 * t.entries.length);
  return out;
}

export interface WritableSection {
  name: string;
  type: number;
  flags: number;
  addr: number;
  data: Uint8Array;
  /** Memory size (NOBITS); defaults to data.length. */
  size?: number;
  align: number;
}

export interface SegmentSpec {
  vaddr: number;
  paddr: number;
  memsz: number;
  flags: number;
  /** Index into the image's sections of the sections this segment holds, in address order. */
  sections: number[];
}

export interface ElfOutput {
  type: number;
  entry: number;
  sections: WritableSection[];
  /** Symbols; shndx refers to 1-based section numbers as they will appear (sections[i] → i + 1). */
  symbols: ElfSymbol[];
  /** Relocations keyed by index into `sections`; sym indexes `symbols` (0-based, the null symbol excluded). */
  relocs?: Map<number, ElfReloc[]>;
  segments?: SegmentSpec[];
  lines?: LineTable;
}

/**
 * Writes an ELF32 file. Section i of `out.sections` becomes section i + 1; after them come
 * .rela.* sections, .toy86.lines, .symtab, .strtab and .shstrtab. Symbols are reordered locals
 * first (as the gABI requires) and relocation symbol indices are remapped to match. Segments
 * are laid out so that p_offset ≡ p_vaddr (mod 4096).
 */
export function writeElf(out: ElfOutput): Uint8Array {
  const chunks: { off: number; data: Uint8Array }[] = [];
  let fileSize = 52;
  const place = (data: Uint8Array, align: number): number => {
    const a = Math.max(1, align);
    fileSize = Math.ceil(fileSize / a) * a;
    const off = fileSize;
    chunks.push({ off, data });
    fileSize += data.length;
    return off;
  };

  // Program headers right after the ELF header.
  const segs = out.segments ?? [];
  const phoff = segs.length ? 52 : 0;
  if (segs.length) fileSize += 32 * segs.length;

  // Section contents; loadable sections of a segment at offsets congruent to their address.
  const secOff: number[] = [];
  out.sections.forEach((s, i) => {
    // NOBITS occupies no file space; in a segment its offset must still be ≡ its address (mod 4096).
    if (s.type === SHT_NOBITS) { secOff[i] = segs.some((g) => g.sections.includes(i)) ? s.addr & 0xfff : fileSize; return; }
    const inSeg = segs.some((g) => g.sections.includes(i));
    if (inSeg) {
      const want = s.addr & 0xfff;
      let off = Math.ceil(fileSize / Math.max(1, s.align)) * Math.max(1, s.align);
      if ((off & 0xfff) !== want) off = (off & ~0xfff) + want + ((off & 0xfff) > want ? 0x1000 : 0);
      fileSize = off;
      secOff[i] = place(s.data, 1);
      return;
    }
    secOff[i] = place(s.data, s.align);
  });

  // Symbols: locals first.
  const order = out.symbols.map((s, i) => ({ s, i })).sort((a, b) => (a.s.bind === STB_LOCAL ? 0 : 1) - (b.s.bind === STB_LOCAL ? 0 : 1) || a.i - b.i);
  const newIndex = new Map<number, number>();
  order.forEach((x, j) => newIndex.set(x.i, j + 1));
  const firstGlobal = 1 + order.filter((x) => x.s.bind === STB_LOCAL).length;
  const strtab: number[] = [0];
  const addStr = (arr: number[], s: string) => {
    if (!s) return 0;
    const o = arr.length;
    arr.push(...encoder.encode(s), 0);
    return o;
  };
  const symtab = new Uint8Array(16 * (order.length + 1));
  const sdv = new DataView(symtab.buffer);
  order.forEach(({ s }, j) => {
    const o = 16 * (j + 1);
    sdv.setUint32(o, addStr(strtab, s.name), true);
    sdv.setUint32(o + 4, s.value >>> 0, true);
    sdv.setUint32(o + 8, s.size >>> 0, true);
    symtab[o + 12] = (s.bind << 4) | (s.type & 15);
    sdv.setUint16(o + 14, s.shndx, true);
  });

  // Extra sections: relocations, lines, symtab, strtab, shstrtab.
  interface Extra { name: string; type: number; flags: number; data: Uint8Array; align: number; link: number; info: number; entsize: number }
  const extras: Extra[] = [];
  const nUser = out.sections.length;
  const relocEntries = [...(out.relocs ?? new Map<number, ElfReloc[]>()).entries()].filter(([, l]) => l.length > 0).sort((a, b) => a[0] - b[0]);
  const symtabIdx = nUser + 1 + relocEntries.length + (out.lines ? 1 : 0);
  for (const [si, list] of relocEntries) {
    const d = new Uint8Array(12 * list.length);
    const rdv = new DataView(d.buffer);
    list.forEach((r, j) => {
      rdv.setUint32(12 * j, r.offset >>> 0, true);
      rdv.setUint32(12 * j + 4, ((newIndex.get(r.sym) ?? 0) << 8) | r.type, true);
      rdv.setInt32(12 * j + 8, r.addend | 0, true);
    });
    extras.push({ name: `.rela${out.sections[si].name}`, type: SHT_RELA, flags: SHF_INFO_LINK, data: d, align: 4, link: symtabIdx, info: si + 1, entsize: 12 });
  }
  if (out.lines) extras.push({ name: LINES_SECTION, type: SHT_PROGBITS, flags: 0, data: encodeLines(out.lines), align: 4, link: 0, info: 0, entsize: 0 });
  extras.push({ name: '.symtab', type: SHT_SYMTAB, flags: 0, data: symtab, align: 4, link: symtabIdx + 1, info: firstGlobal, entsize: 16 });
  extras.push({ name: '.strtab', type: SHT_STRTAB, flags: 0, data: Uint8Array.from(strtab), align: 1, link: 0, info: 0, entsize: 0 });
  const shstr: number[] = [0];
  const userNames = out.sections.map((s) => addStr(shstr, s.name));
  const extraNames = extras.map((e) => addStr(shstr, e.name));
  const shstrName = addStr(shstr, '.shstrtab');
  extras.push({ name: '.shstrtab', type: SHT_STRTAB, flags: 0, data: Uint8Array.from(shstr), align: 1, link: 0, info: 0, entsize: 0 });
  extraNames.push(shstrName);
  const extraOff = extras.map((e) => place(e.data, e.align));

  fileSize = Math.ceil(fileSize / 4) * 4;
  const shoff = fileSize;
  const shnum = 1 + nUser + extras.length;
  fileSize += 40 * shnum;

  const file = new Uint8Array(fileSize);
  const dv = new DataView(file.buffer);
  file.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1, 0]);
  dv.setUint16(16, out.type, true);
  dv.setUint16(18, EM_TOY86, true);
  dv.setUint32(20, 1, true);
  dv.setUint32(24, out.entry >>> 0, true);
  dv.setUint32(28, phoff, true);
  dv.setUint32(32, shoff, true);
  dv.setUint32(36, 0, true);
  dv.setUint16(40, 52, true);
  dv.setUint16(42, segs.length ? 32 : 0, true);
  dv.setUint16(44, segs.length, true);
  dv.setUint16(46, 40, true);
  dv.setUint16(48, shnum, true);
  dv.setUint16(50, shnum - 1, true);
  for (const c of chunks) file.set(c.data, c.off);

  segs.forEach((g, j) => {
    const o = phoff + 32 * j;
    const first = g.sections[0];
    const filesz = g.sections.reduce((end, si) => {
      const s = out.sections[si];
      return s.type === SHT_NOBITS ? end : Math.max(end, (s.addr - g.vaddr) + s.data.length);
    }, 0);
    const offset = first !== undefined ? secOff[first] - ((out.sections[first].addr - g.vaddr) >>> 0) : 0;
    dv.setUint32(o, PT_LOAD, true);
    dv.setUint32(o + 4, offset >>> 0, true);
    dv.setUint32(o + 8, g.vaddr >>> 0, true);
    dv.setUint32(o + 12, g.paddr >>> 0, true);
    dv.setUint32(o + 16, filesz >>> 0, true);
    dv.setUint32(o + 20, g.memsz >>> 0, true);
    dv.setUint32(o + 24, g.flags, true);
    dv.setUint32(o + 28, 0x1000, true);
  });

  const sh = (i: number, name: number, type: number, flags: number, addr: number, off: number, size: number, link: number, info: number, align: number, entsize: number) => {
    const o = shoff + 40 * i;
    dv.setUint32(o, name, true); dv.setUint32(o + 4, type, true); dv.setUint32(o + 8, flags, true);
    dv.setUint32(o + 12, addr >>> 0, true); dv.setUint32(o + 16, off, true); dv.setUint32(o + 20, size >>> 0, true);
    dv.setUint32(o + 24, link, true); dv.setUint32(o + 28, info, true); dv.setUint32(o + 32, align, true);
    dv.setUint32(o + 36, entsize, true);
  };
  out.sections.forEach((s, i) => {
    sh(i + 1, userNames[i], s.type, s.flags, s.addr, secOff[i], s.size ?? s.data.length, 0, 0, Math.max(1, s.align), 0);
  });
  extras.forEach((e, j) => {
    sh(nUser + 1 + j, extraNames[j], e.type, e.flags, 0, extraOff[j], e.data.length, e.link, e.info, e.align, e.entsize);
  });
  return file;
}
