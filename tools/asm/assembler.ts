// The assembler (SPEC §3.1): preprocessed lines → an object (sections, symbols, relocations and
// a line table), ready for writeObject (relocatable ELF) or the linker.
//
// Forms are chosen from the instruction table (emulator/isa/table.ts) by operand kinds, taking the
// shortest encoding that fits. Sizes that depend on labels (rel8 or rel32, s8 or i32, disp8 or
// disp32) are settled by repeated passes that start short and only ever grow, so they converge.

import { symbolName } from './expr.js';
import { FORMS_BY_MNEMONIC, type Form, type OperandKind } from '../../emulator/isa/table.js';
import {
  encode, layoutOf, REG32, REG16, REG8, CREG, NO_REG, isMemKind, isRegKind, type Operand as EncOperand,
} from '../../emulator/isa/encoding.js';
import { R_TOY86_32, R_TOY86_PC32, R_TOY86_16, R_TOY86_8, R_TOY86_PC8 } from './elf.js';
import { AsmError, preprocess, type Line, type Token } from './lexer.js';
import { parseExpr, evaluate, type Expr, type Value, type Scope } from './expr.js';

// ---- parsed statements -----------------------------------------------------------------------

type RegOp = { t: 'reg'; kind: 'r8' | 'r16' | 'r32' | 'cr'; reg: number; name: string; at: Token };
type MemOp = { t: 'mem'; size: 0 | 8 | 16 | 32; base: number; index: number; scale: number; disp: Expr | null; at: Token };
type ImmOp = { t: 'imm'; expr: Expr; keyword: '' | 'byte' | 'word' | 'dword' | 'short' | 'near'; at: Token };
type ParsedOperand = RegOp | MemOp | ImmOp;

interface InsnItem {
  k: 'insn';
  mnemonic: string;
  operands: ParsedOperand[];
  forms: readonly Form[];
  /** Grows only: the length chosen in the last pass. */
  length: number;
  at: Token;
}
interface DataItem { k: 'data'; width: 1 | 2 | 4; values: (Expr | Uint8Array)[]; times: Expr | null; at: Token }
interface ResItem { k: 'res'; width: 1 | 2 | 4; count: Expr; times: Expr | null; at: Token }
interface AlignItem { k: 'align'; n: Expr; at: Token }
interface LabelItem { k: 'label'; name: string; at: Token }
type Item = InsnItem | DataItem | ResItem | AlignItem | LabelItem;

interface SectionSource {
  name: string;
  items: Item[];
  /** Item offsets of the current pass. */
  offsets: number[];
  size: number;
  align: number;
}

// ---- the result ------------------------------------------------------------------------------

export interface ObjSection {
  name: string;
  kind: 'text' | 'rodata' | 'data' | 'bss';
  data: Uint8Array;
  size: number;
  align: number;
}
export interface ObjSymbol {
  name: string;
  /** Section name, or null for absolute (equ) symbols and for externs (see `extern`). */
  section: string | null;
  value: number;
  size: number;
  global: boolean;
  extern: boolean;
  kind: 'func' | 'object' | 'none';
}
export interface ObjReloc {
  section: string;
  offset: number;
  type: number;
  /** Symbol name (a label, an extern or a section's start as `section:.text`), or '' for none (S = 0). */
  symbol: string;
  addend: number;
}
export interface ObjLine { section: string; offset: number; file: string; line: number }

export interface ObjectFile {
  source: string;
  sections: ObjSection[];
  symbols: ObjSymbol[];
  relocs: ObjReloc[];
  lines: ObjLine[];
}

/** The kind of a section from its name: .text*, .rodata*, .bss*, anything else is data. */
export function sectionKind(name: string): ObjSection['kind'] {
  if (name.startsWith('.text')) return 'text';
  if (name.startsWith('.rodata')) return 'rodata';
  if (name.startsWith('.bss')) return 'bss';
  return 'data';
}

// ---- parsing ---------------------------------------------------------------------------------

const DATA = new Map<string, 1 | 2 | 4>([['db', 1], ['dw', 2], ['dd', 4]]);
const RES = new Map<string, 1 | 2 | 4>([['resb', 1], ['resw', 2], ['resd', 4]]);
const PREFIXES = new Set(['rep', 'repe', 'repz', 'repne', 'repnz']);
const SIZE_WORDS = new Map<string, 8 | 16 | 32>([['byte', 8], ['word', 16], ['dword', 32]]);
const NO_SUCH_BYTE_REGS = new Set(['ah', 'bh', 'ch', 'dh', 'spl', 'bpl', 'sil', 'dil']);

function fail(t: Token, why: string): never {
  throw new AsmError(t.file, t.line, t.col, why);
}

function register(name: string): { kind: RegOp['kind']; reg: number } | null {
  const n = name.toLowerCase();
  let i = (REG32 as readonly string[]).indexOf(n);
  if (i >= 0) return { kind: 'r32', reg: i };
  i = (REG16 as readonly string[]).indexOf(n);
  if (i >= 0) return { kind: 'r16', reg: i };
  i = (REG8 as readonly string[]).indexOf(n);
  if (i >= 0) return { kind: 'r8', reg: i };
  i = (CREG as readonly string[]).indexOf(n);
  if (i >= 0 && n !== '') return { kind: 'cr', reg: i };
  return null;
}

const isPunct = (t: Token, p: string) => t.kind === 'punct' && t.text === p;

/** Parses `[base + index*scale + disp]` from the token after '['. */
function parseMemory(tokens: Token[], pos: number, size: MemOp['size'], open: Token): [MemOp, number] {
  let end = pos;
  let depth = 0;
  while (tokens[end].kind !== 'eol' && !(depth === 0 && isPunct(tokens[end], ']'))) {
    if (isPunct(tokens[end], '[')) fail(tokens[end], "unexpected '[' inside a memory operand");
    if (isPunct(tokens[end], '(')) depth++;
    if (isPunct(tokens[end], ')')) depth--;
    end++;
  }
  if (!isPunct(tokens[end], ']')) fail(tokens[end], "expected ']' to close the memory operand");
  if (end === pos) fail(tokens[end], 'empty memory operand');
  // Split the contents into top-level terms with their signs.
  const terms: { sign: '+' | '-'; toks: Token[]; at: Token }[] = [];
  let sign: '+' | '-' = '+';
  let cur: Token[] = [];
  depth = 0;
  for (let i = pos; i < end; i++) {
    const t = tokens[i];
    if (isPunct(t, '(')) depth++;
    if (isPunct(t, ')')) depth--;
    if (depth === 0 && (isPunct(t, '+') || isPunct(t, '-')) && cur.length > 0) {
      terms.push({ sign, toks: cur, at: cur[0] });
      sign = t.text as '+' | '-';
      cur = [];
      continue;
    }
    if (cur.length === 0 && (isPunct(t, '+') || isPunct(t, '-')) && depth === 0) {
      if (t.text === '-') sign = sign === '-' ? '+' : '-';
      continue;
    }
    cur.push(t);
  }
  if (cur.length) terms.push({ sign, toks: cur, at: cur[0] });
  else fail(tokens[end], 'expected a term before \']\'');

  const m: MemOp = { t: 'mem', size, base: NO_REG, index: NO_REG, scale: 1, disp: null, at: open };
  const addDisp = (e: Expr, s: '+' | '-', at: Token) => {
    const signed: Expr = s === '-' ? { op: 'neg', a: e, at } : e;
    m.disp = m.disp ? { op: '+', a: m.disp, b: signed, at } : signed;
  };
  for (const term of terms) {
    const regAt = term.toks.findIndex((t) => t.kind === 'ident' && register(t.text));
    if (regAt < 0) {
      const eol: Token = { ...term.toks[term.toks.length - 1], kind: 'eol', text: '' };
      const [e, next] = parseExpr([...term.toks, eol], 0);
      if (next !== term.toks.length) fail(term.toks[next], `unexpected '${term.toks[next].text}' in a memory operand`);
      addDisp(e, term.sign, term.at);
      continue;
    }
    const r = register(term.toks[regAt].text)!;
    if (r.kind !== 'r32') fail(term.toks[regAt], `addresses take 32-bit registers, not ${term.toks[regAt].text}`);
    if (term.sign === '-') fail(term.at, 'a register cannot be subtracted in an address');
    let scale = 0;
    if (term.toks.length === 3 && isPunct(term.toks[1], '*')) {
      const other = term.toks[regAt === 0 ? 2 : 0];
      if (other.kind !== 'number') fail(other, 'the scale must be 1, 2, 4 or 8');
      scale = other.value;
      if (![1, 2, 4, 8].includes(scale)) fail(other, 'the scale must be 1, 2, 4 or 8');
    } else if (term.toks.length !== 1) {
      fail(term.toks[regAt === 0 ? 1 : 0], 'expected register, register*scale or a constant in an address');
    }
    if (scale === 0) {
      if (m.base === NO_REG) m.base = r.reg;
      else if (m.index === NO_REG) { m.index = r.reg; m.scale = 1; }
      else fail(term.at, 'an address takes at most two registers');
    } else {
      if (m.index !== NO_REG) fail(term.at, 'an address takes one scaled index register');
      m.index = r.reg;
      m.scale = scale;
    }
  }
  return [m, end + 1];
}

/** Parses one operand at tokens[pos]. */
function parseOperand(tokens: Token[], pos: number): [ParsedOperand, number] {
  let i = pos;
  let keyword: ImmOp['keyword'] = '';
  let size: MemOp['size'] = 0;
  for (;;) {
    const t = tokens[i];
    if (t.kind !== 'ident') break;
    const w = t.text.toLowerCase();
    if (SIZE_WORDS.has(w)) { size = SIZE_WORDS.get(w)!; keyword = w as ImmOp['keyword']; i++; continue; }
    if (w === 'short' || w === 'near') { keyword = w; i++; continue; }
    if (w === 'ptr' || w === 'strict') { i++; continue; }
    break;
  }
  const t = tokens[i];
  if (isPunct(t, '[')) {
    if (keyword === 'short' || keyword === 'near') fail(t, `'${keyword}' applies to branch targets, not memory`);
    return parseMemory(tokens, i + 1, size, t);
  }
  if (t.kind === 'ident') {
    const r = register(t.text);
    const after = tokens[i + 1];
    if (r && (after.kind === 'eol' || isPunct(after, ','))) {
      if (keyword) fail(tokens[pos], `'${keyword}' cannot be applied to a register`);
      return [{ t: 'reg', kind: r.kind, reg: r.reg, name: t.text.toLowerCase(), at: t }, i + 1];
    }
    if (NO_SUCH_BYTE_REGS.has(t.text.toLowerCase())) {
      fail(t, `toy86 has no register ${t.text} (its byte registers are al cl dl bl)`);
    }
  }
  const [expr, next] = parseExpr(tokens, i);
  return [{ t: 'imm', expr, keyword, at: tokens[pos] }, next];
}

/** Parses a comma-separated operand list up to the end of the line. */
function parseOperands(tokens: Token[], pos: number): ParsedOperand[] {
  const ops: ParsedOperand[] = [];
  let i = pos;
  if (tokens[i].kind === 'eol') return ops;
  for (;;) {
    const [op, next] = parseOperand(tokens, i);
    ops.push(op);
    i = next;
    if (tokens[i].kind === 'eol') return ops;
    if (!isPunct(tokens[i], ',')) fail(tokens[i], `expected ',' or the end of the line, found '${tokens[i].text}'`);
    i++;
  }
}

/** Parses data values: expressions, and strings (which give their bytes). */
function parseData(tokens: Token[], pos: number, width: number): (Expr | Uint8Array)[] {
  const vals: (Expr | Uint8Array)[] = [];
  let i = pos;
  if (tokens[i].kind === 'eol') fail(tokens[i], 'expected data after the directive');
  for (;;) {
    const t = tokens[i];
    const after = tokens[i + 1];
    if (t.kind === 'string' && (after.kind === 'eol' || isPunct(after, ','))) {
      // A string gives its bytes, each padded to the data width (as NASM does).
      const bytes = new TextEncoder().encode(t.text);
      const padded = new Uint8Array(Math.ceil(bytes.length / width) * width);
      padded.set(bytes);
      vals.push(padded);
      i++;
    } else {
      const [e, next] = parseExpr(tokens, i);
      vals.push(e);
      i = next;
    }
    if (tokens[i].kind === 'eol') return vals;
    if (!isPunct(tokens[i], ',')) fail(tokens[i], `expected ',' or the end of the line, found '${tokens[i].text}'`);
    i++;
  }
}

// ---- the assembler ---------------------------------------------------------------------------

interface SymbolDef {
  kind: 'label' | 'equ';
  section: string;
  item: number;
  expr?: Expr;
  at: Token;
}

class Assembly implements Scope {
  readonly sections = new Map<string, SectionSource>();
  readonly symbols = new Map<string, SymbolDef>();
  readonly globals = new Map<string, Token>();
  readonly externs = new Map<string, Token>();
  private current!: SectionSource;
  private lastGlobal = '';
  // Evaluation context.
  here: Value = { add: 0, section: null, extern: null };
  sectionStart: Value = { add: 0, section: null, extern: null };
  /** Set in the final pass: unknown symbols are errors. */
  final = false;
  private evaluating = new Set<string>();

  constructor(readonly source: string) {
    this.switchSection('.text');
  }

  private switchSection(name: string): void {
    let s = this.sections.get(name);
    if (!s) {
      s = { name, items: [], offsets: [], size: 0, align: 1 };
      this.sections.set(name, s);
    }
    this.current = s;
  }

  private qualify(name: string, at: Token): string {
    if (name.startsWith('$')) return symbolName(name); // `$add:` is the label add
    if (name.startsWith('.') && name.length > 1) {
      if (!this.lastGlobal) fail(at, `local label ${name} has no label before it to belong to`);
      return this.lastGlobal + name;
    }
    return name;
  }

  private define(name: string, def: SymbolDef): void {
    const prev = this.symbols.get(name);
    if (prev) fail(def.at, `duplicate label '${name}' (first defined at ${prev.at.file}:${prev.at.line})`);
    if (!def.at.text.startsWith('$') && (register(name) || FORMS_BY_MNEMONIC.has(name.toLowerCase()))) {
      fail(def.at, `'${name}' is a register or instruction name, not a label (write $${name} for a symbol of that name)`);
    }
    this.symbols.set(name, def);
  }

  private addLabel(tok: Token): void {
    const name = this.qualify(tok.text, tok);
    if (!tok.text.startsWith('.')) this.lastGlobal = name;
    this.define(name, { kind: 'label', section: this.current.name, item: this.current.items.length, at: tok });
    this.current.items.push({ k: 'label', name, at: tok });
  }

  /** Parses one source line into items. */
  parseLine(line: Line): void {
    const tk = line.tokens;
    let i = 0;
    const first = tk[0];
    // A label: `name:`, or `name` before a data directive or equ (as NASM allows).
    if (first.kind === 'ident' && isPunct(tk[1], ':')) {
      this.addLabel(first);
      i = 2;
    } else if (first.kind === 'ident' && tk[1].kind === 'ident') {
      const w = tk[1].text.toLowerCase();
      if (w === 'equ') {
        const name = this.qualify(first.text, first);
        const [e, next] = parseExpr(tk, 2);
        if (tk[next].kind !== 'eol') fail(tk[next], `unexpected '${tk[next].text}' after the expression`);
        this.recordOwners(line);
        // `$` in an equ is where the equ stands (NASM: `len equ $ - msg`): a zero-size marker
        // item records the place.
        this.define(name, { kind: 'equ', section: this.current.name, item: this.current.items.length, expr: e, at: first });
        this.current.items.push({ k: 'label', name: '', at: first });
        return;
      }
      if (DATA.has(w) || RES.has(w) || w === 'times') {
        this.addLabel(first);
        i = 1;
      }
    }
    this.recordOwners(line);
    if (tk[i].kind === 'eol') return;
    this.parseStatement(tk, i, null);
  }

  private parseStatement(tk: Token[], i: number, times: Expr | null): void {
    const t = tk[i];
    if (t.kind !== 'ident') fail(t, `expected an instruction or directive, found '${t.text}'`);
    const w = t.text.toLowerCase();
    switch (w) {
      case 'section': case 'segment': {
        const name = tk[i + 1];
        if (name.kind !== 'ident') fail(name, 'expected a section name such as .text');
        this.switchSection(name.text);
        return;
      }
      case 'global': case 'extern': {
        let j = i + 1;
        if (tk[j].kind === 'eol') fail(tk[j], `${w} needs a symbol name`);
        for (;;) {
          const n = tk[j];
          if (n.kind !== 'ident') fail(n, `expected a symbol name after ${w}`);
          (w === 'global' ? this.globals : this.externs).set(symbolName(n.text), n);
          j++;
          if (isPunct(tk[j], ':')) j += 2; // NASM's `global name:function`
          if (tk[j].kind === 'eol') return;
          if (!isPunct(tk[j], ',')) fail(tk[j], "expected ',' between symbol names");
          j++;
        }
      }
      case 'bits': return; // toy86 is always 32-bit
      case 'align': {
        const [e, next] = parseExpr(tk, i + 1);
        if (tk[next].kind !== 'eol') fail(tk[next], `unexpected '${tk[next].text}' after align`);
        this.current.items.push({ k: 'align', n: e, at: t });
        return;
      }
      case 'times': {
        if (times) fail(t, 'times cannot repeat times');
        const [count, next] = parseExpr(tk, i + 1);
        if (tk[next].kind === 'eol') fail(tk[next], 'times needs something to repeat');
        const w2 = tk[next].kind === 'ident' ? tk[next].text.toLowerCase() : '';
        if (DATA.has(w2) || RES.has(w2)) return this.parseStatement(tk, next, count);
        // An instruction: the count must be a constant now, and each copy is its own item.
        if (usesHere(count)) fail(tk[i + 1], 'times before an instruction needs a constant count; $ and $$ are not known yet (use times with db to pad)');
        const n = evaluate(count, this);
        if (!n || n.section !== null || n.extern !== null) fail(tk[i + 1], 'times before an instruction needs a constant count');
        if (n.add < 0 || n.add > 1_000_000) fail(tk[i + 1], `times count ${n.add} is out of range`);
        for (let k = 0; k < n.add; k++) this.parseStatement(tk, next, null);
        return;
      }
    }
    if (DATA.has(w)) {
      const width = DATA.get(w)!;
      const values = parseData(tk, i + 1, width);
      if (sectionKind(this.current.name) === 'bss') fail(t, `${w} in ${this.current.name}: a bss section holds no data (use resb/resw/resd)`);
      this.current.items.push({ k: 'data', width, values, times, at: t });
      return;
    }
    if (RES.has(w)) {
      const [count, next] = parseExpr(tk, i + 1);
      if (tk[next].kind !== 'eol') fail(tk[next], `unexpected '${tk[next].text}' after ${w}`);
      this.current.items.push({ k: 'res', width: RES.get(w)!, count, times, at: t });
      return;
    }
    if (w === 'equ') fail(t, 'equ needs a name before it');
    let mnemonic = w;
    let j = i + 1;
    if (PREFIXES.has(w)) {
      const next = tk[j];
      if (next.kind !== 'ident') fail(next, `expected a string instruction after ${w}`);
      mnemonic = `${w} ${next.text.toLowerCase()}`;
      j++;
    }
    const forms = FORMS_BY_MNEMONIC.get(mnemonic);
    if (!forms) fail(t, `unknown instruction '${mnemonic}'`);
    if (times) fail(t, 'internal: times on an instruction');
    const operands = parseOperands(tk, j);
    if (sectionKind(this.current.name) === 'bss') fail(t, `an instruction in ${this.current.name}: a bss section holds no data`);
    this.current.items.push({ k: 'insn', mnemonic, operands, forms, length: 0, at: t });
  }

  // ---- evaluation --------------------------------------------------------------------------

  lookup(name: string, at: Token): Value | undefined {
    const q = name.startsWith('.') && name.length > 1 ? this.qualifyAt(name, at) : name;
    const def = this.symbols.get(q);
    if (def) {
      if (def.kind === 'equ') {
        if (this.evaluating.has(q)) fail(at, `'${name}' is defined in terms of itself`);
        this.evaluating.add(q);
        try { return this.evaluateEqu(def); } finally { this.evaluating.delete(q); }
      }
      const s = this.sections.get(def.section)!;
      const off = s.offsets[def.item];
      if (off === undefined) return undefined;
      return { add: off, section: def.section, extern: null };
    }
    if (this.externs.has(name)) return { add: 0, section: null, extern: name };
    if (this.final) fail(at, `undefined symbol '${name}'`);
    return undefined;
  }

  /** An equ's value, with `$` and `$$` taken where the equ stands. */
  private evaluateEqu(def: SymbolDef): Value | undefined {
    const here = this.here, start = this.sectionStart;
    const off = this.sections.get(def.section)!.offsets[def.item];
    this.here = { add: off ?? 0, section: def.section, extern: null };
    this.sectionStart = { add: 0, section: def.section, extern: null };
    try {
      const v = evaluate(def.expr!, this);
      return off === undefined && v !== undefined && usesHere(def.expr!) ? undefined : v;
    } finally {
      this.here = here;
      this.sectionStart = start;
    }
  }

  /** Local labels in expressions resolve against the label they follow in the source. */
  private qualifyAt(name: string, at: Token): string {
    const owner = this.localOwner.get(at);
    return (owner ?? '') + name;
  }
  /** For each token of an expression, the global label in force where it was written. */
  readonly localOwner = new Map<Token, string>();

  recordOwners(line: Line): void {
    for (const t of line.tokens) if (t.kind === 'ident' && t.text.startsWith('.')) this.localOwner.set(t, this.lastGlobal);
  }

  // ---- sizing and encoding -----------------------------------------------------------------

  /** A value as an absolute number, or null when it is an address (or not known yet). */
  private constant(v: Value | undefined): number | null {
    return v && v.section === null && v.extern === null ? v.add : null;
  }

  /**
   * The operand kinds an operand may take in a form, and whether its value fits: returns false
   * when the form cannot take it. `next` is the address after the instruction (for rel).
   */
  private fits(op: ParsedOperand, k: OperandKind, form: Form, next: Value): boolean {
    if (op.t === 'reg') {
      if (k === op.kind) return true;
      if (k === 'al') return op.kind === 'r8' && op.reg === 0;
      if (k === 'cl') return op.kind === 'r8' && op.reg === 1;
      if (k === 'ax') return op.kind === 'r16' && op.reg === 0;
      if (k === 'dx') return op.kind === 'r16' && op.reg === 2;
      if (k === 'eax') return op.kind === 'r32' && op.reg === 0;
      return false;
    }
    if (op.t === 'mem') {
      if (!isMemKind(k)) return false;
      if (k === 'm') return true;
      const size = k === 'm8' ? 8 : k === 'm16' ? 16 : 32;
      if (op.size) return op.size === size;
      // No size keyword: the other operands must imply it (checked in chooseForm).
      return true;
    }
    // Immediates.
    const v = evaluate(op.expr, this);
    const c = this.constant(v);
    const kw = op.keyword;
    switch (k) {
      case 'i32': return kw === '' || kw === 'dword';
      case 'i16': return (kw === '' || kw === 'word') && (c === null ? v !== undefined : c >= -32768 && c <= 65535);
      case 'i8': return (kw === '' || kw === 'byte') && (c === null ? v !== undefined : c >= -128 && c <= 255);
      case 's8':
        if (kw !== '' && kw !== 'byte') return false;
        if (v === undefined) return !this.final; // optimistic until known
        return c !== null && c >= -128 && c <= 127;
      case 'rel8': {
        if (kw === 'near') return false;
        if (v === undefined) return !this.final;
        // Another section, an external symbol or an absolute address: only where `short` asks
        // for it (the linker checks the distance).
        if (v.extern !== null || v.section !== next.section) return kw === 'short';
        const d = v.add - next.add;
        return d >= -128 && d <= 127;
      }
      case 'rel32': return kw !== 'short';
      default: return false;
    }
  }

  /** The size of a memory operand's displacement (0, 1, 4) given its value. */
  private dispSize(m: MemOp): number {
    if (!m.disp) return m.base === NO_REG ? 4 : 0;
    const v = evaluate(m.disp, this);
    if (m.base === NO_REG) return 4; // no base: a full address (with or without index)
    if (v === undefined) return this.final ? 4 : 1;
    const c = this.constant(v);
    if (c === null) return 4;
    if (c === 0) return 0;
    return c >= -128 && c <= 127 ? 1 : 4;
  }

  /** Does the form's memory operand get its size from the form (no keyword, no register to say)? */
  private sizeImplied(item: InsnItem, form: Form): boolean {
    const memIndex = item.operands.findIndex((o) => o.t === 'mem');
    if (memIndex < 0) return true;
    const mem = item.operands[memIndex] as MemOp;
    const k = form.operands[memIndex];
    if (mem.size || k === 'm') return true;
    // A register operand of the form's size says it; otherwise every memory form of this
    // mnemonic must agree on the size.
    // A general register operand of the form says it (mov, the ALU, test, xchg, imul: the memory
    // operand has the register's size) — except for movzx and movsx, and not a count in CL or a
    // port in DX.
    const sizing = item.operands.some((o, i) => o.t === 'reg' && (form.operands[i] === 'r8' || form.operands[i] === 'r16' || form.operands[i] === 'r32'));
    if (sizing && item.mnemonic !== 'movzx' && item.mnemonic !== 'movsx') return true;
    const sizes = new Set(item.forms.map((f) => f.operands[memIndex]).filter((x) => isMemKind(x)));
    return sizes.size === 1;
  }

  private formLength(item: InsnItem, form: Form): number {
    const l = layoutOf(form);
    const mem = item.operands.find((o) => o.t === 'mem') as MemOp | undefined;
    return l.fixedLength + (mem ? this.dispSize(mem) : 0);
  }

  /** Chooses the shortest form that takes the operands (never shorter than the last pass's). */
  chooseForm(item: InsnItem, offset: number, sectionName: string): { form: Form; length: number; swapped: boolean } {
    let best: { form: Form; length: number; swapped: boolean } | null = null;
    let sizeless = false;
    const tryOrder = (ops: ParsedOperand[], swapped: boolean) => {
      for (const f of item.forms) {
        if (f.operands.length !== ops.length) continue;
        const len = this.formLength({ ...item, operands: ops }, f);
        const next: Value = { add: offset + len, section: sectionName, extern: null };
        if (!ops.every((op, i) => this.fits(op, f.operands[i], f, next))) continue;
        if (!this.sizeImplied({ ...item, operands: ops }, f)) { sizeless = true; continue; }
        if (len < item.length) continue;
        if (!best || len < best.length) best = { form: f, length: len, swapped };
      }
    };
    tryOrder(item.operands, false);
    // TEST and XCHG are commutative: `test [m], r` is written either way round.
    if (!best && (item.mnemonic === 'test' || item.mnemonic === 'xchg') && item.operands.length === 2) {
      tryOrder([item.operands[1], item.operands[0]], true);
    }
    if (!best) {
      // Grown past every form in an earlier pass (cannot happen) or no form takes these operands.
      if (item.length > 0) {
        const again = { ...item, length: 0 };
        const r = this.chooseForm(again, offset, sectionName);
        if (r.length >= item.length) return r;
      }
      if (sizeless) fail(item.at, `operation size not specified: write byte, word or dword before the memory operand`);
      this.explainNoForm(item, offset, sectionName);
    }
    return best!;
  }

  /** Says as precisely as it can why no form takes an instruction's operands. */
  private explainNoForm(item: InsnItem, offset: number, sectionName: string): never {
    const ops = item.operands;
    const bits = (k: string) => (k === 'r8' ? 8 : k === 'r16' ? 16 : 32);
    const regs = ops.filter((o) => o.t === 'reg' && o.kind !== 'cr') as RegOp[];
    const sizeFree = item.mnemonic === 'movzx' || item.mnemonic === 'movsx' || item.mnemonic === 'in' || item.mnemonic === 'out'
      || ['shl', 'sal', 'shr', 'sar', 'rol', 'ror'].includes(item.mnemonic);
    if (!sizeFree && regs.length === 2 && regs[0].kind !== regs[1].kind) {
      fail(regs[1].at, `operand sizes do not match: ${regs[0].name} is ${bits(regs[0].kind)}-bit, ${regs[1].name} is ${bits(regs[1].kind)}-bit`);
    }
    for (const [i, op] of ops.entries()) {
      if (op.t !== 'imm') continue;
      const v = evaluate(op.expr, this);
      // A short branch that cannot reach.
      if (op.keyword === 'short' && v && v.extern === null && v.section === sectionName) {
        const d = v.add - (offset + 2);
        fail(op.at, `a short branch reaches -128 to 127 bytes; this target is ${d} bytes away`);
      }
      // A value too wide for every immediate field at this position.
      const c = this.constant(v);
      if (c === null) continue;
      const kinds = item.forms.filter((f) => f.operands.length === ops.length && ops.every((o, j) => j === i || this.fits(o, f.operands[j], f, { add: 0, section: sectionName, extern: null })))
        .map((f) => f.operands[i]).filter((k) => k === 'i8' || k === 'i16' || k === 's8' || k === 'i32');
      if (kinds.length && !kinds.includes('i32')) {
        const width = kinds.includes('i16') ? 16 : 8;
        fail(op.at, `value ${c} does not fit in ${width} bits`);
      }
    }
    const desc = ops.map((o) => (o.t === 'reg' ? o.name : o.t === 'mem' ? (o.size ? `m${o.size}` : 'memory') : 'immediate')).join(', ');
    fail(item.at, `${item.mnemonic} does not take ${desc ? `these operands (${desc})` : 'no operands'}; see docs/isa.md for its forms`);
  }

  /** Lays out every section once; returns whether anything moved. */
  pass(): boolean {
    let changed = false;
    for (const s of this.sections.values()) {
      let off = 0;
      this.sectionStart = { add: 0, section: s.name, extern: null };
      s.items.forEach((item, idx) => {
        this.here = { add: off, section: s.name, extern: null };
        if (s.offsets[idx] !== off) { changed = true; s.offsets[idx] = off; }
        off += this.itemSize(item, off, s);
      });
      if (s.size !== off) { changed = true; s.size = off; }
    }
    return changed;
  }

  private count(e: Expr | null, at: Token, what: string): number {
    if (!e) return 1;
    const v = evaluate(e, this);
    if (v === undefined) {
      if (this.final) fail(at, `${what} must be a constant`);
      return 0;
    }
    const c = this.constant(v);
    if (c === null) fail(at, `${what} must be a constant, not an address`);
    if (c < 0 || c > 256 * 1024 * 1024) fail(at, `${what} ${c} is out of range`);
    return c;
  }

  private itemSize(item: Item, off: number, s: SectionSource): number {
    switch (item.k) {
      case 'label': return 0;
      case 'align': {
        const n = this.count(item.n, item.at, 'the alignment');
        if (n === 0 || (n & (n - 1)) !== 0) fail(item.at, 'align needs a power of two');
        s.align = Math.max(s.align, n);
        return (n - (off % n)) % n;
      }
      case 'res': return item.width * this.count(item.count, item.at, 'the reservation size') * this.count(item.times, item.at, 'the times count');
      case 'data': {
        const one = item.values.reduce((n, v) => n + (v instanceof Uint8Array ? v.length : item.width), 0);
        return one * this.count(item.times, item.at, 'the times count');
      }
      case 'insn': {
        const r = this.chooseForm(item, off, s.name);
        item.length = Math.max(item.length, r.length);
        return item.length;
      }
    }
  }

  /** The final pass: bytes, relocations, lines. */
  emit(): ObjectFile {
    this.final = true;
    this.pass();
    const relocs: ObjReloc[] = [];
    const lines: ObjLine[] = [];
    const sections: ObjSection[] = [];
    for (const s of this.sections.values()) {
      const kind = sectionKind(s.name);
      const data = new Uint8Array(kind === 'bss' ? 0 : s.size);
      this.sectionStart = { add: 0, section: s.name, extern: null };
      s.items.forEach((item, idx) => {
        const off = s.offsets[idx];
        this.here = { add: off, section: s.name, extern: null };
        if (item.k === 'data') this.emitData(item, off, s, data, relocs, lines);
        else if (item.k === 'insn') this.emitInsn(item, off, s, data, relocs, lines);
        else if (item.k === 'align' && kind === 'text') data.fill(0, off, off + this.itemSize(item, off, s)); // NOPs are opcode 0
      });
      if (s.size > 0 || this.symbolsIn(s.name)) sections.push({ name: s.name, kind, data, size: s.size, align: s.align });
    }
    return { source: this.source, sections, symbols: this.collectSymbols(), relocs, lines };
  }

  private symbolsIn(section: string): boolean {
    for (const d of this.symbols.values()) if (d.kind === 'label' && d.section === section) return true;
    return false;
  }

  private field(v: Value, width: 1 | 2 | 4, s: SectionSource, at: number, data: Uint8Array, relocs: ObjReloc[], tok: Token, signed: boolean): void {
    let value = v.add;
    if (v.section !== null || v.extern !== null) {
      relocs.push({
        section: s.name, offset: at, type: width === 4 ? R_TOY86_32 : width === 2 ? R_TOY86_16 : R_TOY86_8,
        symbol: v.extern ?? `section:${v.section}`, addend: v.add,
      });
      value = 0;
    } else if (width < 4) {
      const lo = signed ? -(1 << (8 * width - 1)) : -(1 << (8 * width - 1));
      const hi = (1 << (8 * width)) - 1;
      if (value < lo || value > hi) fail(tok, `value ${value} does not fit in ${8 * width} bits`);
    }
    for (let k = 0; k < width; k++) data[at + k] = (value >>> (8 * k)) & 0xff;
  }

  private emitData(item: DataItem, off: number, s: SectionSource, data: Uint8Array, relocs: ObjReloc[], lines: ObjLine[]): void {
    const n = this.count(item.times, item.at, 'the times count');
    let at = off;
    lines.push({ section: s.name, offset: off, file: item.at.file, line: item.at.line });
    for (let r = 0; r < n; r++) {
      // `$` is the start of the line, or of each repetition under times (as in NASM).
      this.here = { add: at, section: s.name, extern: null };
      for (const v of item.values) {
        if (v instanceof Uint8Array) { data.set(v, at); at += v.length; continue; }
        const val = evaluate(v, this)!;
        this.field(val, item.width, s, at, data, relocs, v.at, true);
        at += item.width;
      }
    }
  }

  private emitInsn(item: InsnItem, off: number, s: SectionSource, data: Uint8Array, relocs: ObjReloc[], lines: ObjLine[]): void {
    const { form, length, swapped } = this.chooseForm(item, off, s.name);
    if (length !== item.length) fail(item.at, 'internal: instruction length changed in the final pass');
    const ops = swapped ? [item.operands[1], item.operands[0]] : item.operands;
    const next: Value = { add: off + length, section: s.name, extern: null };
    const pending: { operand: number; value: Value; kind: OperandKind; tok: Token }[] = [];
    let memDisp: { value: Value; tok: Token } | null = null;
    const enc: EncOperand[] = ops.map((op, i): EncOperand => {
      const k = form.operands[i];
      if (op.t === 'reg') return isRegKind(k) ? { type: 'reg', kind: k, reg: op.reg } : { type: 'fixed', kind: k };
      if (op.t === 'mem') {
        const v = op.disp ? evaluate(op.disp, this)! : { add: 0, section: null, extern: null };
        const dispSize = this.dispSize(op);
        if (v.section !== null || v.extern !== null) memDisp = { value: v, tok: op.at };
        else if (dispSize === 1 && (v.add < -128 || v.add > 127)) fail(op.at, 'internal: displacement size');
        return { type: 'mem', kind: k, mem: { base: op.base, index: op.index, scale: op.scale, disp: memDisp ? 0 : v.add, dispSize } };
      }
      const v = evaluate(op.expr, this)!;
      let value = 0;
      if (k === 'rel8' || k === 'rel32') {
        if (v.extern === null && v.section === next.section) value = v.add - next.add;
        else pending.push({ operand: i, value: v, kind: k, tok: op.at });
      } else if (v.section !== null || v.extern !== null) {
        if (k !== 'i32' && k !== 'i16' && k !== 'i8') fail(op.at, 'an address needs a full-width immediate here');
        pending.push({ operand: i, value: v, kind: k, tok: op.at });
      } else {
        value = v.add;
        if (k === 'i8' && (value < -128 || value > 255)) fail(op.at, `value ${value} does not fit in 8 bits`);
        if (k === 'i16' && (value < -32768 || value > 65535)) fail(op.at, `value ${value} does not fit in 16 bits`);
      }
      return { type: 'imm', kind: k, value };
    });
    const e = encode(form, enc);
    data.set(e.bytes, off);
    lines.push({ section: s.name, offset: off, file: item.at.file, line: item.at.line });
    if (memDisp) {
      const md = memDisp as { value: Value; tok: Token };
      relocs.push({ section: s.name, offset: off + e.dispOffset, type: R_TOY86_32, symbol: md.value.extern ?? `section:${md.value.section}`, addend: md.value.add });
    }
    for (const p of pending) {
      const at = off + e.immOffset[p.operand];
      const sym = p.value.extern ?? (p.value.section !== null ? `section:${p.value.section}` : '');
      if (p.kind === 'rel32') {
        relocs.push({ section: s.name, offset: at, type: R_TOY86_PC32, symbol: sym, addend: p.value.add - (off + length - at) });
      } else if (p.kind === 'rel8') {
        relocs.push({ section: s.name, offset: at, type: R_TOY86_PC8, symbol: sym, addend: p.value.add - (off + length - at) });
      } else {
        const w = p.kind === 'i32' ? 4 : p.kind === 'i16' ? 2 : 1;
        relocs.push({ section: s.name, offset: at, type: w === 4 ? R_TOY86_32 : w === 2 ? R_TOY86_16 : R_TOY86_8, symbol: sym, addend: p.value.add });
      }
    }
  }

  private collectSymbols(): ObjSymbol[] {
    const out: ObjSymbol[] = [];
    for (const [name, tok] of this.globals) {
      if (!this.symbols.has(name) && !this.externs.has(name)) fail(tok, `global '${name}' is not defined in this file`);
    }
    // Label sizes: to the next non-local label of the same section, or its end.
    const bySection = new Map<string, { name: string; off: number }[]>();
    for (const [name, d] of this.symbols) {
      if (d.kind !== 'label' || name.includes('.', 1) && !name.startsWith('.')) continue;
      const s = this.sections.get(d.section)!;
      const list = bySection.get(d.section) ?? [];
      list.push({ name, off: s.offsets[d.item] });
      bySection.set(d.section, list);
    }
    const sizes = new Map<string, number>();
    for (const [sec, list] of bySection) {
      list.sort((a, b) => a.off - b.off);
      const end = this.sections.get(sec)!.size;
      list.forEach((x, i) => sizes.set(x.name, (i + 1 < list.length ? list[i + 1].off : end) - x.off));
    }
    for (const [name, d] of this.symbols) {
      const global = this.globals.has(name);
      if (d.kind === 'equ') {
        const v = this.evaluateEqu(d)!;
        if (v.extern !== null) fail(d.at, `equ '${name}' cannot name an external symbol`);
        out.push({ name, section: v.section, value: v.add, size: 0, global, extern: false, kind: 'none' });
        continue;
      }
      const s = this.sections.get(d.section)!;
      out.push({
        name, section: d.section, value: s.offsets[d.item], size: sizes.get(name) ?? 0, global, extern: false,
        kind: sectionKind(d.section) === 'text' ? 'func' : 'object',
      });
    }
    for (const name of this.externs.keys()) {
      if (!this.symbols.has(name)) out.push({ name, section: null, value: 0, size: 0, global: true, extern: true, kind: 'none' });
    }
    return out;
  }
}

/**
 * Assembles one source file (with its includes). Throws AsmError for the first problem found in
 * the source; collects nothing else.
 */
export function assemble(path: string, read?: (p: string) => string): ObjectFile {
  const lines = preprocess(path, read);
  const a = new Assembly(path);
  for (const line of lines) a.parseLine(line);
  for (let i = 0; i < 200; i++) {
    if (!a.pass() && i > 0) return a.emit();
  }
  throw new AsmError(path, 0, 0, 'the layout does not settle (too many passes)');
}

/** Whether an expression refers to `$` or `$$`. */
function usesHere(e: Expr): boolean {
  if (e.op === 'here' || e.op === 'start') return true;
  const x = e as { a?: Expr; b?: Expr };
  return (x.a !== undefined && usesHere(x.a)) || (x.b !== undefined && usesHere(x.b));
}
