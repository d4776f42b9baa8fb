// The compiler's intermediate form (docs/language.md): what `lower` makes of the TypeScript syntax
// tree and `gen` turns into toy86 assembly. Every expression is typed; every name is resolved to
// a local variable, a global, a function or a constant; structures are resolved to offsets.

/** A source position, for messages and the line table. */
export interface Pos { file: string; line: number; col: number }

/** A structure: an @unmanaged class laid out in memory. */
export interface Struct {
  name: string;
  fields: Map<string, Field>;
  size: number;
  align: number;
}
export interface Field { name: string; offset: number; ty: Ty }

/** A function type: parameters and result. */
export interface Sig { params: Ty[]; ret: Ty }

export type Ty =
  | { k: 'int'; size: 1 | 2 | 4; signed: boolean; name: string }
  | { k: 'bool' }
  | { k: 'void' }
  /** A string literal's value: the address of NUL-terminated bytes. */
  | { k: 'str' }
  /** A structure, reached through its address (the value is the address). */
  | { k: 'struct'; s: Struct }
  /** A function value: its address. */
  | { k: 'fn'; sig: Sig };

export const I8: Ty = { k: 'int', size: 1, signed: true, name: 'i8' };
export const U8: Ty = { k: 'int', size: 1, signed: false, name: 'u8' };
export const I16: Ty = { k: 'int', size: 2, signed: true, name: 'i16' };
export const U16: Ty = { k: 'int', size: 2, signed: false, name: 'u16' };
export const I32: Ty = { k: 'int', size: 4, signed: true, name: 'i32' };
export const U32: Ty = { k: 'int', size: 4, signed: false, name: 'u32' };
export const USIZE: Ty = { k: 'int', size: 4, signed: false, name: 'usize' };
export const BOOL: Ty = { k: 'bool' };
export const VOID: Ty = { k: 'void' };
export const STR: Ty = { k: 'str' };

/** Bytes a value of the type takes in memory (a structure field, a global, load/store). */
export function sizeOf(t: Ty): number {
  switch (t.k) {
    case 'int': return t.size;
    case 'bool': return 1;
    case 'void': return 0;
    case 'struct': return t.s.size;
    default: return 4;
  }
}

/** Bytes of a value of the type in a variable, a global or an argument: a structure is its address. */
export function valueSize(t: Ty): number {
  return t.k === 'struct' ? 4 : sizeOf(t);
}

/** Whether values of the type are compared and divided as unsigned numbers. */
export function isUnsigned(t: Ty): boolean {
  return t.k === 'int' ? !t.signed : t.k !== 'bool';
}

export function tyName(t: Ty): string {
  switch (t.k) {
    case 'int': return t.name;
    case 'struct': return t.s.name;
    case 'fn': return `(${t.sig.params.map(tyName).join(', ')}) => ${tyName(t.sig.ret)}`;
    case 'str': return 'string';
    default: return t.k;
  }
}

/** A local variable or parameter of a function. */
export interface Var {
  name: string;
  ty: Ty;
  /** Parameter index, or -1 for a local. */
  param: number;
  /** Uses weighted by loop depth (for register allocation). */
  weight: number;
  id: number;
}

export type BinOp = '+' | '-' | '*' | '/' | '%' | '&' | '|' | '^' | '<<' | '>>' | '>>>' | 'rotl';
export type CmpOp = '<' | '<=' | '>' | '>=' | '==' | '!=';

export type Expr =
  | { e: 'const'; v: number; ty: Ty }
  /** A link-time address: a symbol plus a constant. */
  | { e: 'addr'; sym: string; add: number; ty: Ty }
  | { e: 'var'; v: Var; ty: Ty }
  /** A global variable: memory at a symbol. */
  | { e: 'global'; sym: string; ty: Ty }
  /** Memory at base + off (load<T>, a structure field). */
  | { e: 'mem'; base: Expr; off: number; ty: Ty }
  | { e: 'neg' | 'not' | 'lnot'; a: Expr; ty: Ty }
  | { e: 'bin'; op: BinOp; a: Expr; b: Expr; unsigned: boolean; ty: Ty }
  | { e: 'cmp'; op: CmpOp; a: Expr; b: Expr; unsigned: boolean; ty: Ty }
  | { e: 'and' | 'or'; a: Expr; b: Expr; ty: Ty }
  | { e: 'cond'; c: Expr; a: Expr; b: Expr; ty: Ty }
  /** target = value; or target op= value; the expression's value is what was stored. */
  | { e: 'assign'; target: LValue; op: BinOp | null; unsigned: boolean; value: Expr; ty: Ty }
  /** x++ / x-- (post: the value is the old one). */
  | { e: 'post'; target: LValue; delta: number; ty: Ty }
  | { e: 'call'; fn: string | Expr; args: Expr[]; ty: Ty }
  /** An instruction only assembly could say (cli, inb, rcr2, ...). */
  | { e: 'intr'; name: string; args: Expr[]; ty: Ty }
  /** The value converted to a narrower type (wrapped: zero- or sign-extended from its size). */
  | { e: 'wrap'; a: Expr; ty: Ty }
  /** Memory store: store<T>(ptr, value, offset). The value of the expression is void. */
  | { e: 'store'; target: Extract<Expr, { e: 'mem' }>; value: Expr; ty: Ty }
  /** Expressions evaluated in order for their effects, then the last for its value. */
  | { e: 'seq'; first: Expr[]; last: Expr; ty: Ty };

export type LValue = Extract<Expr, { e: 'var' } | { e: 'global' } | { e: 'mem' }>;

export type Stmt =
  | { s: 'expr'; e: Expr; pos: Pos }
  | { s: 'if'; c: Expr; then: Stmt[]; else: Stmt[]; pos: Pos }
  | { s: 'loop'; kind: 'while' | 'do' | 'for'; c: Expr | null; body: Stmt[]; update: Expr | null; pos: Pos }
  | { s: 'switch'; disc: Expr; cases: { values: number[] | null; body: Stmt[] }[]; pos: Pos }
  | { s: 'break' | 'continue'; pos: Pos }
  | { s: 'return'; e: Expr | null; pos: Pos }
  | { s: 'block'; body: Stmt[]; pos: Pos };

export interface Func {
  name: string;
  global: boolean;
  sig: Sig;
  params: Var[];
  locals: Var[];
  body: Stmt[];
  pos: Pos;
}

/** Static data: a global variable, static memory, a string. */
export interface Data {
  sym: string;
  global: boolean;
  align: number;
  /** bss: `size` zero bytes; else the items in order. */
  size: number;
  items: DataItem[] | null;
  readonly: boolean;
  pos: Pos;
}
export type DataItem = { width: 1 | 2 | 4; value: number; sym?: string };

/** One compiled source file. */
export interface Unit {
  file: string;
  funcs: Func[];
  data: Data[];
  externs: Set<string>;
}
