// Symbols and source lines for the debugger (docs/debugger.md, "Locations"): one Program per ELF
// file — the kernel, and every user program on the attached disk — with its symbols by address
// and by name (local symbols keep the source file they came from, so `proc.ts::nslots` and
// `swap.ts::nslots` can be told apart), its `.toy86.lines` table, and what the TypeScript source
// says about a function's parameters and a variable's type.

import { readFileSync, existsSync } from 'node:fs';
import { join, dirname, resolve, isAbsolute, relative, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decode } from '../../emulator/isa/encoding.js';
import { formatInstruction } from '../../emulator/isa/disasm.js';
import { readElf, SHF_ALLOC, SHF_EXECINSTR, STT_FILE, STT_SECTION, STT_FUNC, STB_GLOBAL, SHN_ABS, type ElfFile } from '../asm/elf.js';

declare const TOY86_ROOT: string | undefined;
/** The repository's root (where kernel/ and userland/ are). */
export const ROOT = typeof TOY86_ROOT === 'string' ? TOY86_ROOT : join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Sym {
  name: string;
  addr: number;
  size: number;
  type: number;
  global: boolean;
  /** Section index. */
  shndx: number;
  /** For a local symbol, the source file it belongs to (the STT_FILE symbol before it). */
  file: string | null;
}

export interface LineRow {
  addr: number;
  file: string;
  line: number;
}

/** A function's signature as its TypeScript source declares it. */
export interface Signature {
  params: { name: string; type: string }[];
  ret: string;
}

/**
 * Where a compiled function keeps a parameter after its prologue. toy86 cc (tools/cc/gen.ts)
 * copies a parameter it gives a register (EBX, ESI or EDI) from [ebp+8+4i] into it in the
 * prologue and from then on uses the register: the frame's word keeps the value the caller passed.
 * `reg` is that register or null (the parameter lives in the frame); `assigned` says whether the
 * function's source assigns to it (then a register copy is the only current value, and where the
 * register stops holding it is not recorded).
 */
export interface ParamHome { reg: string | null; assigned: boolean }

/** An @unmanaged class as toy86 cc lays it out (SPEC §3.3): fields in order, natural alignment. */
export interface StructLayout {
  name: string;
  size: number;
  align: number;
  /** type: the field's TypeScript type; a class's name means the structure embedded there. */
  fields: { name: string; offset: number; type: string; size: number }[];
}

const PRIMITIVE_SIZES: Record<string, number> = { u8: 1, i8: 1, bool: 1, boolean: 1, u16: 2, i16: 2, u32: 4, i32: 4, usize: 4, isize: 4, number: 4, string: 4 };

/**
 * The @unmanaged classes of some source files, laid out as tools/cc/lower.ts lays them out. A
 * class with a field whose type is not known here (a type alias, say) is left out, never guessed.
 */
export function structLayouts(files: string[]): Map<string, StructLayout> {
  const decls = new Map<string, { name: string; type: string }[]>();
  for (const f of files) {
    if (!f.endsWith('.ts')) continue;
    const text = (sourceLines(f) ?? []).join('\n').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
    for (const m of text.matchAll(/@unmanaged\s+(?:export\s+)?(?:declare\s+)?class\s+(\w+)\s*\{([^{}]*)\}/g)) {
      const fields: { name: string; type: string }[] = [];
      for (const part of m[2].split(';').map((x) => x.trim()).filter(Boolean)) {
        const fm = /^(?:readonly\s+)?(\w+)\s*[!?]?\s*:\s*([\s\S]+)$/.exec(part);
        fields.push(fm ? { name: fm[1], type: fm[2].trim() } : { name: '', type: '' });
      }
      decls.set(m[1], fields);
    }
  }
  const out = new Map<string, StructLayout>();
  const busy = new Set<string>();
  const layout = (name: string): StructLayout | null => {
    const have = out.get(name);
    if (have) return have;
    const fields = decls.get(name);
    if (!fields || busy.has(name)) return null;
    busy.add(name);
    let off = 0, align = 1;
    const laid: StructLayout['fields'] = [];
    let ok = true;
    for (const f of fields) {
      let size: number, a: number;
      if (!f.name) { ok = false; break; }
      if (PRIMITIVE_SIZES[f.type] !== undefined) { size = PRIMITIVE_SIZES[f.type]; a = size; }
      else if (/=>/.test(f.type)) { size = 4; a = 4; } // a function: its address
      else {
        const inner = /^\w+$/.test(f.type) ? layout(f.type) : null;
        if (!inner) { ok = false; break; }
        size = inner.size; a = inner.align;
      }
      off = Math.ceil(off / a) * a;
      laid.push({ name: f.name, offset: off, type: f.type, size });
      off += size;
      align = Math.max(align, a);
    }
    busy.delete(name);
    if (!ok) return null;
    const l: StructLayout = { name, size: Math.ceil(off / align) * align, align, fields: laid };
    out.set(name, l);
    return l;
  };
  for (const name of decls.keys()) layout(name);
  return out;
}

/** A source file name as the debugger shows it: relative to the repository when it lies inside. */
export function displayPath(file: string): string {
  if (isAbsolute(file)) {
    const r = relative(ROOT, file);
    return r && !r.startsWith('..') && !isAbsolute(r) ? r : file;
  }
  let f = file.replace(/^\.\//, '');
  // Built from another working directory: drop leading parts until the path names a file here.
  if (!existsSync(resolve(ROOT, f))) {
    const parts = f.split('/');
    for (let i = 1; i < parts.length; i++) {
      const rest = parts.slice(i).join('/');
      if (existsSync(resolve(ROOT, rest))) { f = rest; break; }
    }
  }
  return f;
}

const sourceCache = new Map<string, string[] | null>();

/** The lines of a source file (by its display path), or null when it cannot be read. */
export function sourceLines(file: string): string[] | null {
  if (sourceCache.has(file)) return sourceCache.get(file)!;
  let lines: string[] | null = null;
  for (const p of isAbsolute(file) ? [file] : [resolve(file), resolve(ROOT, file)]) {
    try { lines = readFileSync(p, 'utf8').split('\n'); break; } catch { /* next */ }
  }
  sourceCache.set(file, lines);
  return lines;
}

/** Line n (1-based) of a source file, or null. */
export function sourceLine(file: string, n: number): string | null {
  const lines = sourceLines(file);
  return lines && n >= 1 && n <= lines.length ? lines[n - 1] : null;
}

/** Does `file` (a display path) answer to the name a user wrote (`trap.ts`, `kernel/trap.ts`, an absolute path)? */
export function fileMatches(file: string, wanted: string): boolean {
  const w = displayPath(wanted);
  return file === w || file.endsWith('/' + w) || basename(file) === w;
}

export class Program {
  readonly syms: Sym[];
  readonly byName = new Map<string, Sym[]>();
  readonly lines: LineRow[];
  readonly files: string[];
  /** Allocated sections: [start, end) and whether they hold code. */
  readonly sections: { name: string; start: number; end: number; exec: boolean; index: number; data: Uint8Array }[];
  private readonly sigCache = new Map<string, Signature | null>();
  private readonly typeCache = new Map<string, string | null>();
  private readonly homeCache = new Map<string, ParamHome[]>();

  /**
   * name: how the debugger calls it (`kernel`, or the program's file name); path: where it came
   * from (`/bin/cow` on the disk, or the kernel's file).
   */
  constructor(readonly name: string, readonly path: string, readonly elf: ElfFile, readonly isKernel: boolean) {
    const syms: Sym[] = [];
    let file: string | null = null;
    for (const s of elf.symbols) {
      if (s.type === STT_FILE) { file = s.name; continue; }
      if (!s.name || s.type === STT_SECTION || s.shndx === 0 || s.shndx === SHN_ABS) continue;
      const sym: Sym = { name: s.name, addr: s.value >>> 0, size: s.size, type: s.type, global: s.bind === STB_GLOBAL, shndx: s.shndx, file: s.bind === STB_GLOBAL ? null : file };
      syms.push(sym);
      const list = this.byName.get(s.name);
      if (list) list.push(sym); else this.byName.set(s.name, [sym]);
    }
    // Globals before locals of the same name.
    for (const list of this.byName.values()) list.sort((a, b) => Number(b.global) - Number(a.global));
    this.syms = syms.filter((s) => !isLabel(s.name)).sort((a, b) => a.addr - b.addr || Number(b.global) - Number(a.global));
    this.files = elf.lines.files.map(displayPath);
    this.lines = elf.lines.entries.filter((e) => e.section === 0)
      .map((e) => ({ addr: e.addr >>> 0, file: this.files[e.file], line: e.line }))
      .sort((a, b) => a.addr - b.addr);
    this.sections = [];
    elf.sections.forEach((s, index) => {
      if (s.flags & SHF_ALLOC && s.size > 0) {
        this.sections.push({ name: s.name, start: s.addr >>> 0, end: (s.addr >>> 0) + s.size, exec: (s.flags & SHF_EXECINSTR) !== 0, index, data: s.data });
      }
    });
  }

  static fromImage(name: string, path: string, image: Uint8Array, isKernel: boolean): Program {
    return new Program(name, path, readElf(image, path), isKernel);
  }

  /** The allocated section holding addr, if any. */
  sectionAt(addr: number) {
    const a = addr >>> 0;
    return this.sections.find((s) => a >= s.start && a < s.end) ?? null;
  }

  /** The closest symbol at or below addr in the same section (not a local label). */
  symbolAt(addr: number): Sym | null {
    const a = addr >>> 0;
    const sec = this.sectionAt(a);
    if (!sec) return null;
    let lo = 0, hi = this.syms.length - 1, best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.syms[mid].addr <= a) { best = mid; lo = mid + 1; } else hi = mid - 1;
    }
    // The closest symbols in the section; of several at one address, the one whose size covers
    // addr (a variable rather than a label at its start), else the first (globals sort first).
    let group: Sym[] = [];
    for (let i = best; i >= 0; i--) {
      const s = this.syms[i];
      if (s.addr < sec.start) break;
      if (s.shndx !== sec.index) continue;
      if (group.length && s.addr !== group[0].addr) break;
      group.push(s);
    }
    if (!group.length) return null;
    group = group.reverse();
    return group.find((s) => s.size > 0 && a < s.addr + s.size) ?? group[0];
  }

  /** The function (code symbol) containing addr. */
  functionAt(addr: number): Sym | null {
    const s = this.symbolAt(addr);
    return s && this.sectionAt(s.addr)?.exec ? s : null;
  }

  /** Where the next symbol after `sym` starts (the end of an assembly function without a size). */
  endOf(sym: Sym): number {
    if (sym.size > 0) return sym.addr + sym.size;
    const i = this.syms.indexOf(sym);
    for (let j = i + 1; j < this.syms.length; j++) if (this.syms[j].addr > sym.addr) return this.syms[j].addr;
    return this.sectionAt(sym.addr)?.end ?? sym.addr + 1;
  }

  /** Symbols named `name`, optionally only those of a source file (for locals). */
  lookup(name: string, file?: string): Sym[] {
    const list = this.byName.get(name) ?? [];
    if (file === undefined) return list;
    return list.filter((s) => {
      if (s.file && (s.file === basename(file) || fileMatches(s.file, file))) return true;
      const f = this.fileOfSymbol(s);
      return f !== null && fileMatches(f, file);
    });
  }

  /** The source file a symbol comes from: its line table entry, or its STT_FILE group. */
  fileOfSymbol(s: Sym): string | null {
    const row = this.lineAt(s.addr);
    if (row && row.addr >= s.addr) return row.file;
    if (s.file) return this.files.find((f) => basename(f) === s.file) ?? s.file;
    return row?.file ?? null;
  }

  private rowIndex(addr: number): number {
    const a = addr >>> 0;
    let lo = 0, hi = this.lines.length - 1, best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.lines[mid].addr <= a) { best = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return best;
  }

  /** The line-table row covering addr (within the same function), or null. */
  lineAt(addr: number): LineRow | null {
    const i = this.rowIndex(addr);
    if (i < 0) return null;
    const row = this.lines[i];
    const f = this.functionAt(addr);
    if (!f || row.addr < f.addr) return null;
    return row;
  }

  /** Is addr the first address of a line-table row? */
  isLineStart(addr: number): boolean {
    const i = this.rowIndex(addr);
    if (i < 0 || this.lines[i].addr !== addr >>> 0) return false;
    // A row that only repeats the line before it (in the same function) does not start a line.
    if (i === 0) return true;
    const prev = this.lines[i - 1], row = this.lines[i];
    return prev.line !== row.line || prev.file !== row.file || this.functionAt(prev.addr) !== this.functionAt(row.addr);
  }

  /** Where gdb would put a breakpoint on a function: after its prologue (the second line's code). */
  afterPrologue(f: Sym): number {
    const i = this.rowIndex(f.addr);
    if (i < 0 || this.lines[i].addr !== f.addr || !this.lines[i].file.endsWith('.ts')) return f.addr;
    const end = this.endOf(f);
    for (let j = i + 1; j < this.lines.length && this.lines[j].addr < end; j++) {
      if (this.lines[j].line !== this.lines[i].line || this.lines[j].file !== this.lines[i].file) return this.lines[j].addr;
    }
    return f.addr;
  }

  /** Is the function TypeScript (an EBP frame, parameters in its source)? */
  isCompiled(f: Sym): boolean {
    const i = this.rowIndex(f.addr);
    return i >= 0 && this.lines[i].addr === f.addr && this.lines[i].file.endsWith('.ts');
  }

  /** The code addresses of file:line (the first row of the line, or of the next line with code). */
  addressesOfLine(file: string, line: number): { addr: number; line: number; file: string } | null {
    let best: { addr: number; line: number; file: string } | null = null;
    for (const r of this.lines) {
      if (!fileMatches(r.file, file) || r.line < line) continue;
      if (!best || r.line < best.line || (r.line === best.line && r.addr < best.addr)) best = { addr: r.addr, line: r.line, file: r.file };
    }
    return best;
  }

  /** Does the program's line table name this file? */
  hasFile(file: string): boolean {
    return this.files.some((f) => fileMatches(f, file));
  }

  /** The parameters and result type of a TypeScript function, from its source. */
  signature(f: Sym): Signature | null {
    if (this.sigCache.has(f.name + '@' + f.addr)) return this.sigCache.get(f.name + '@' + f.addr)!;
    let sig: Signature | null = null;
    const row = this.isCompiled(f) ? this.lines[this.rowIndex(f.addr)] : null;
    const lines = row ? sourceLines(row.file) : null;
    if (row && lines) {
      const text = lines.slice(row.line - 1, row.line + 9).join(' ');
      const m = new RegExp(`function\\s+${escapeRe(f.name)}\\s*\\(([^)]*)\\)\\s*(?::\\s*([\\w.<>\\[\\]| ]+?))?\\s*\\{`).exec(text);
      if (m) {
        const params = m[1].split(',').map((p) => p.trim()).filter(Boolean).map((p) => {
          const pm = /^(\w+)\??\s*(?::\s*([^=]+))?/.exec(p);
          return { name: pm ? pm[1] : p, type: pm && pm[2] ? pm[2].trim() : 'i32' };
        });
        sig = { params, ret: (m[2] ?? 'void').trim() };
      }
    }
    this.sigCache.set(f.name + '@' + f.addr, sig);
    return sig;
  }

  private layoutCache: Map<string, StructLayout> | null = null;

  /** The program's @unmanaged classes (from its TypeScript sources), by name. */
  structs(): Map<string, StructLayout> {
    return this.layoutCache ??= structLayouts(this.files);
  }

  /** Where each parameter of a compiled function lives (ParamHome), by index; [] when unknown. */
  paramHomes(f: Sym): ParamHome[] {
    const key = f.name + '@' + f.addr;
    const cached = this.homeCache.get(key);
    if (cached) return cached;
    const sig = this.signature(f);
    const homes: ParamHome[] = sig ? sig.params.map(() => ({ reg: null, assigned: false })) : [];
    if (sig) {
      // The prologue: push ebp; mov ebp, esp; [sub esp, N]; push ebx/esi/edi...; then a
      // `mov REG, [ebp+8+4i]` for each parameter kept in a register.
      const sec = this.sectionAt(f.addr);
      const byteAt = (a: number) => {
        const o = (a >>> 0) - (sec ? sec.start : 0);
        return sec && o >= 0 && o < sec.data.length ? sec.data[o] : -1;
      };
      let a = f.addr >>> 0;
      for (let k = 0; sec && k < 16; k++) {
        const d = decode(byteAt, a);
        if (!d) break;
        const text = formatInstruction(d, a, () => null);
        const mv = /^mov (ebx|esi|edi), \[ebp\+0x([0-9a-f]+)\]$/.exec(text);
        if (mv) {
          const i = (parseInt(mv[2], 16) - 8) / 4;
          if (Number.isInteger(i) && i >= 0 && i < homes.length) homes[i].reg = mv[1];
        } else if (!/^(push ebp|mov ebp, esp|sub esp, \S+|push e(bx|si|di))$/.test(text)) break;
        a = (a + d.length) >>> 0;
      }
      // Assignments in the function's body: its source lines, from the line table.
      const first = this.rowIndex(f.addr);
      if (first >= 0) {
        const file = this.lines[first].file;
        const end = this.endOf(f);
        let lo = Infinity, hi = -1;
        for (let j = first; j < this.lines.length && this.lines[j].addr < end; j++) {
          if (this.lines[j].file !== file) continue;
          lo = Math.min(lo, this.lines[j].line); hi = Math.max(hi, this.lines[j].line);
        }
        const text = (sourceLines(file) ?? []).slice(lo, hi).map((l) => l.replace(/\/\/.*$/, '')).join('\n');
        sig.params.forEach((p, i) => {
          const n = escapeRe(p.name);
          homes[i].assigned = new RegExp(`(?<![\\w.$])${n}\\s*(?:[-+*/%&|^]|<<|>>>?|\\*\\*)?=(?!=)|(?:\\+\\+|--)\\s*${n}(?![\\w$])|(?<![\\w.$])${n}\\s*(?:\\+\\+|--)|(?:let|const|var)\\s+${n}(?![\\w$])`).test(text);
        });
      }
    }
    this.homeCache.set(key, homes);
    return homes;
  }

  /**
   * A module-level variable's declared type, from its TypeScript source: `u32`, `usize`, ... or
   * `memory.data` for a block whose name stands for its address; null when unknown.
   */
  variableType(s: Sym): string | null {
    const key = `${s.name}@${s.addr}`;
    if (this.typeCache.has(key)) return this.typeCache.get(key)!;
    let found: string | null = null;
    const candidates = s.file ? this.files.filter((f) => basename(f) === s.file) : this.files;
    const re = new RegExp(`^\\s*(?:export\\s+)?(?:let|const|var)\\s+${escapeRe(s.name)}\\s*(?::\\s*(\\w+))?\\s*=\\s*(.*)$`);
    for (const f of candidates) {
      if (!f.endsWith('.ts')) continue;
      for (const l of sourceLines(f) ?? []) {
        const m = re.exec(l);
        if (!m) continue;
        if (/^memory\.data\b/.test(m[2])) found = 'memory.data';
        else if (m[1]) found = m[1];
        else if (/^(true|false)\b/.test(m[2])) found = 'bool';
        else if (/^-?\d/.test(m[2])) found = 'i32';
        else found = null;
        break;
      }
      if (found) break;
    }
    this.typeCache.set(key, found);
    return found;
  }
}

/** Assembler-local labels (`handlePageFault.L28`, `kinit.L3_c`) are not symbols a person names. */
function isLabel(name: string): boolean {
  return /\.L\d/.test(name);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Is this symbol code? */
export function isCode(p: Program, s: Sym): boolean {
  return s.type === STT_FUNC || (p.sectionAt(s.addr)?.exec ?? false);
}
