// Expressions of `print`, `x`, `set`, `break ... if`, `watch` and `walk` (docs/debugger.md,
// "Expressions"): C's operators and precedence over 32-bit values, registers ($eax, $cr2, $pc),
// symbols (`freecount`, `proc.ts::nslots`, `'swap.ts'::nslots`), value history ($1, $, $$2),
// convenience variables ($x), casts ((char *) p, (u32) x, {int} addr), `*` and `&`. Symbols
// follow the TypeScript subset: a `let` variable is its value, a `memory.data` block its address.

import { DebugError } from './memory.js';

export type Kind = 'int' | 'uint' | 'usize' | 'bool' | 'char' | 'ptr' | 'code' | 'eflags' | 'void' | 'struct';

export interface VType {
  kind: Kind;
  /** Size in bytes of the value (1, 2 or 4). */
  size: number;
  /** For ptr: what it points at. */
  target?: VType;
  /** A name to print (casts: `int *`). */
  name?: string;
  /**
   * An @unmanaged class: for a usize (the TypeScript subset's class-typed value, its address) the
   * class it points at; for a struct (`*tf`) the class itself.
   */
  struct?: string;
}

/** A structure's layout, as the evaluator needs it (symbols.ts StructLayout). */
export interface StructInfo {
  name: string;
  size: number;
  fields: { name: string; offset: number; type: string; size: number }[];
}

export type LValue =
  | { kind: 'mem'; addr: number; size: number }
  | { kind: 'reg'; name: string }
  | { kind: 'conv'; name: string };

export interface Value {
  /** The value: unsigned for uint/usize/ptr/code/eflags, signed for int/char. */
  v: number;
  type: VType;
  lval?: LValue;
  /** For code: the function's printed type (`bool (tf: TrapFrame, user: bool)`). */
  code?: string;
  /** Why a value that names a variable cannot be assigned (no lval), in one line. */
  readonly?: string;
  /** A structure's fields (`print *tf`), in order. */
  fields?: { name: string; value: Value }[];
}

export const T = {
  int: { kind: 'int', size: 4 } as VType,
  uint: { kind: 'uint', size: 4 } as VType,
  usize: { kind: 'usize', size: 4 } as VType,
  bool: { kind: 'bool', size: 1 } as VType,
  char: { kind: 'char', size: 1 } as VType,
  voidp: { kind: 'ptr', size: 4, target: { kind: 'void', size: 1 }, name: 'void *' } as VType,
  code: { kind: 'code', size: 4 } as VType,
  eflags: { kind: 'eflags', size: 4 } as VType,
  void: { kind: 'void', size: 0 } as VType,
};

export interface EvalContext {
  /** A register's value, or null when `name` is not a register. */
  register(name: string): Value | null;
  setRegister(name: string, v: number): void;
  readMem(addr: number, size: number): number;
  writeMem(addr: number, size: number, v: number): void;
  /** A symbol's value, or null when there is none. */
  symbol(name: string, file?: string): Value | null;
  /** $N (n > 0), $ (0), $$ (-1), $$N (-N). */
  history(rel: number, absolute: boolean): Value;
  convenience: Map<string, Value>;
  /** An @unmanaged class's layout, or null when none is known by that name. */
  struct?(name: string): StructInfo | null;
}

/** Normalises v to the type's size and signedness. */
export function fit(v: number, t: VType): number {
  const signed = t.kind === 'int' || t.kind === 'char';
  if (t.kind === 'bool') return v ? 1 : 0;
  if (t.size === 1) return signed ? (v << 24) >> 24 : v & 0xff;
  if (t.size === 2) return signed ? (v << 16) >> 16 : v & 0xffff;
  return signed ? v | 0 : v >>> 0;
}

/** Types a cast may name. */
const TYPES: Record<string, VType> = {
  'char': { kind: 'char', size: 1, name: 'char' },
  'signed char': { kind: 'char', size: 1, name: 'signed char' },
  'unsigned char': { kind: 'uint', size: 1, name: 'unsigned char' },
  'short': { kind: 'int', size: 2, name: 'short' },
  'unsigned short': { kind: 'uint', size: 2, name: 'unsigned short' },
  'int': { kind: 'int', size: 4, name: 'int' },
  'unsigned int': { kind: 'uint', size: 4, name: 'unsigned int' },
  'unsigned': { kind: 'uint', size: 4, name: 'unsigned int' },
  'long': { kind: 'int', size: 4, name: 'long' },
  'unsigned long': { kind: 'uint', size: 4, name: 'unsigned long' },
  'void': { kind: 'void', size: 1, name: 'void' },
  'bool': { kind: 'bool', size: 1, name: 'bool' },
  'i8': { kind: 'int', size: 1, name: 'i8' },
  'u8': { kind: 'uint', size: 1, name: 'u8' },
  'i16': { kind: 'int', size: 2, name: 'i16' },
  'u16': { kind: 'uint', size: 2, name: 'u16' },
  'i32': { kind: 'int', size: 4, name: 'i32' },
  'u32': { kind: 'uint', size: 4, name: 'u32' },
  'isize': { kind: 'int', size: 4, name: 'isize' },
  'usize': { kind: 'usize', size: 4, name: 'usize' },
};

/** The VType of a TypeScript type name (parameters, variables). */
export function tsType(name: string): VType {
  if (name === 'bool' || name === 'boolean') return T.bool;
  const t = TYPES[name];
  if (t && t.kind !== 'void') return t;
  // A class (Proc, TrapFrame) is its address, with the class known for `tf.err`; function types
  // are addresses too.
  if (/^[A-Za-z_]\w*$/.test(name) && name !== 'number' && name !== 'string') return { kind: 'usize', size: 4, struct: name, name };
  return T.usize;
}

type Node =
  | { k: 'num'; v: number; char?: boolean }
  | { k: 'reg'; name: string }
  | { k: 'hist'; rel: number; abs: boolean }
  | { k: 'sym'; name: string; file?: string }
  | { k: 'un'; op: string; a: Node }
  | { k: 'bin'; op: string; a: Node; b: Node }
  | { k: 'cast'; t: VType; a: Node }
  | { k: 'deref'; t: VType | null; a: Node }
  | { k: 'assign'; a: Node; b: Node }
  | { k: 'sizeof'; t: VType | null; a: Node | null }
  | { k: 'cond'; c: Node; a: Node; b: Node }
  | { k: 'field'; a: Node; name: string }
  | { k: 'structcast'; name: string; a: Node };

interface Tok { t: 'num' | 'id' | 'reg' | 'str' | 'op' | 'end'; s: string; v?: number; pos: number; dq?: boolean }

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    const start = i;
    if (/[0-9]/.test(c)) {
      const m = /^(0x[0-9a-f]+|0b[01]+|0[0-7]*|[1-9][0-9]*)(?![\w.])/i.exec(src.slice(i));
      // gdb's words for `08`, `0x`, `12ab`.
      if (!m) throw new DebugError(`Invalid number "${/^[\w.]+/.exec(src.slice(i))![0]}".`);
      const s = m[1];
      const v = /^0x/i.test(s) ? parseInt(s.slice(2), 16) : /^0b/i.test(s) ? parseInt(s.slice(2), 2) : s.length > 1 && s[0] === '0' ? parseInt(s, 8) : Number(s);
      // Values are 32 bits: a constant that does not fit is an error, not its low bits.
      if (!(v <= 0xffffffff)) throw new DebugError('Numeric constant too large.');
      out.push({ t: 'num', s, v, pos: start });
      i += s.length;
      continue;
    }
    if (c === '$') {
      const m = /^\$(\$?\d*|[A-Za-z_]\w*)?/.exec(src.slice(i))!;
      out.push({ t: 'reg', s: m[0], pos: start });
      i += m[0].length;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][\w.]*/.exec(src.slice(i))!;
      out.push({ t: 'id', s: m[0], pos: start });
      i += m[0].length;
      continue;
    }
    if (c === "'" || c === '"') {
      const end = src.indexOf(c, i + 1);
      if (end < 0) throw new DebugError(c === '"' ? 'Unterminated string in expression.' : 'Unmatched single quote.');
      const body = src.slice(i + 1, end);
      if (c === "'" && body === '') throw new DebugError('Empty character constant.');
      if (c === "'" && (body.length === 1 || /^\\./.test(body))) {
        const ch = body.length === 1 ? body.charCodeAt(0) : ({ n: 10, t: 9, r: 13, '0': 0, '\\': 92, "'": 39, a: 7, b: 8, e: 27 } as Record<string, number>)[body[1]] ?? body.charCodeAt(1);
        out.push({ t: 'num', s: src.slice(i, end + 1), v: ch, pos: start });
      } else {
        out.push({ t: 'str', s: body, pos: start, dq: c === '"' });
      }
      i = end + 1;
      continue;
    }
    const ops = ['::', '->', '<<=', '>>=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '+', '-', '*', '/', '%', '<', '>', '&', '|', '^', '!', '~', '(', ')', '{', '}', '=', '@', '?', ':', '.'];
    const op = ops.find((o) => src.startsWith(o, i));
    if (!op) throw syntax(src, i);
    out.push({ t: 'op', s: op, pos: start });
    i += op.length;
  }
  out.push({ t: 'end', s: '', pos: src.length });
  return out;
}

function syntax(src: string, pos: number): DebugError {
  return new DebugError(`A syntax error in expression, near \`${src.slice(pos)}'.`);
}

class Parser {
  private i = 0;
  private readonly toks: Tok[];
  constructor(private readonly src: string) {
    this.toks = tokenize(src);
  }
  private peek(): Tok { return this.toks[this.i]; }
  private next(): Tok { return this.toks[this.i++]; }
  private isOp(s: string): boolean { const t = this.peek(); return t.t === 'op' && t.s === s; }
  private expect(s: string): void {
    if (!this.isOp(s)) throw syntax(this.src, this.peek().pos);
    this.i++;
  }

  parse(): Node {
    if (this.peek().t === 'end') throw new DebugError('Argument required (expression to compute).');
    const n = this.assign();
    if (this.peek().t !== 'end') throw syntax(this.src, this.peek().pos);
    return n;
  }

  private assign(): Node {
    const a = this.conditional();
    if (this.isOp('=')) { this.i++; return { k: 'assign', a, b: this.assign() }; }
    // C's compound assignments: `$x += 4` is `$x = $x + 4`.
    const t = this.peek();
    if (t.t === 'op' && /^(<<|>>|[-+*/%&|^])=$/.test(t.s)) {
      this.i++;
      return { k: 'assign', a, b: { k: 'bin', op: t.s.slice(0, -1), a, b: this.assign() } };
    }
    return a;
  }

  /** C's `c ? a : b`. */
  private conditional(): Node {
    const c = this.binary(0);
    if (!this.isOp('?')) return c;
    this.i++;
    const a = this.assign();
    this.expect(':');
    return { k: 'cond', c, a, b: this.conditional() };
  }

  private static readonly LEVELS = [['||'], ['&&'], ['|'], ['^'], ['&'], ['==', '!='], ['<', '>', '<=', '>='], ['<<', '>>'], ['+', '-'], ['*', '/', '%']];

  private binary(level: number): Node {
    if (level >= Parser.LEVELS.length) return this.unary();
    let a = this.binary(level + 1);
    for (;;) {
      const t = this.peek();
      if (t.t !== 'op' || !Parser.LEVELS[level].includes(t.s)) return a;
      this.i++;
      a = { k: 'bin', op: t.s, a, b: this.binary(level + 1) };
    }
  }

  /** A type name at the current position (for casts), or null. */
  private typeName(): VType | null {
    const save = this.i;
    const words: string[] = [];
    while (this.peek().t === 'id' && /^(unsigned|signed|char|short|int|long|void|bool|[iu](8|16|32)|[iu]size)$/.test(this.peek().s)) words.push(this.next().s);
    if (!words.length) { this.i = save; return null; }
    let t: VType | undefined = TYPES[words.join(' ')] ?? (words[0] === 'unsigned' || words[0] === 'signed' ? TYPES[words.join(' ').replace(/ int$/, '')] : undefined);
    if (!t) { this.i = save; return null; }
    while (this.isOp('*')) {
      this.i++;
      t = { kind: 'ptr', size: 4, target: t, name: `${t.name ?? 'void'} *` };
    }
    return t;
  }

  private unary(): Node {
    const t = this.peek();
    // The subset's own cast: changetype<TrapFrame>(EXPR).
    if (t.t === 'id' && t.s === 'changetype' && this.toks[this.i + 1]?.s === '<') {
      this.i += 2;
      const n = this.next();
      if (n.t !== 'id') throw syntax(this.src, n.pos);
      this.expect('>');
      this.expect('(');
      const a = this.assign();
      this.expect(')');
      return this.postfix({ k: 'structcast', name: n.s, a });
    }
    // C's cast to a structure pointer: (TrapFrame *) EXPR.
    if (t.t === 'op' && t.s === '(' && this.toks[this.i + 1]?.t === 'id' && this.toks[this.i + 2]?.s === '*' && this.toks[this.i + 3]?.s === ')'
      && !/^(unsigned|signed|char|short|int|long|void|bool|[iu](8|16|32)|[iu]size)$/.test(this.toks[this.i + 1].s)) {
      const name = this.toks[this.i + 1].s;
      this.i += 4;
      return { k: 'structcast', name, a: this.unary() };
    }
    if (t.t === 'id' && t.s === 'sizeof') {
      // sizeof(TYPE) or sizeof EXPR, as C (and gdb) have it.
      this.i++;
      if (this.isOp('(')) {
        const save = this.i;
        this.i++;
        const ty = this.typeName();
        if (ty && this.isOp(')')) { this.i++; return { k: 'sizeof', t: ty, a: null }; }
        this.i = save;
      }
      return { k: 'sizeof', t: null, a: this.unary() };
    }
    if (t.t === 'op') {
      if (['-', '+', '!', '~', '&'].includes(t.s)) { this.i++; return { k: 'un', op: t.s, a: this.unary() }; }
      if (t.s === '*') { this.i++; return { k: 'deref', t: null, a: this.unary() }; }
      if (t.s === '(') {
        const save = this.i;
        this.i++;
        const ty = this.typeName();
        if (ty && this.isOp(')')) { this.i++; return { k: 'cast', t: ty, a: this.unary() }; }
        this.i = save;
      }
      if (t.s === '{') {
        this.i++;
        const ty = this.typeName();
        if (!ty) throw syntax(this.src, this.peek().pos);
        this.expect('}');
        return { k: 'deref', t: ty, a: this.unary() };
      }
    }
    return this.postfix(this.primary());
  }

  /** `.field` and `->field` after a value (a name with dots is split the same way when evaluated). */
  private postfix(n: Node): Node {
    for (;;) {
      if (!this.isOp('.') && !this.isOp('->')) return n;
      this.i++;
      const f = this.next();
      if (f.t !== 'id') throw syntax(this.src, f.pos);
      for (const part of f.s.split('.')) n = { k: 'field', a: n, name: part };
    }
  }

  private primary(): Node {
    const t = this.next();
    switch (t.t) {
      case 'num': return { k: 'num', v: t.v!, char: t.s.startsWith("'") };
      case 'reg': {
        const m = /^\$(\$)?(\d*)$/.exec(t.s);
        if (m) {
          // $ $N $$ $$N: the value history.
          if (!m[1]) return m[2] ? { k: 'hist', rel: Number(m[2]), abs: true } : { k: 'hist', rel: 0, abs: false };
          return { k: 'hist', rel: -(m[2] ? Number(m[2]) : 1), abs: false };
        }
        return { k: 'reg', name: t.s.slice(1) };
      }
      case 'id': {
        if (this.isOp('::')) {
          this.i++;
          const n = this.next();
          if (n.t !== 'id') throw syntax(this.src, n.pos);
          return { k: 'sym', name: n.s, file: t.s };
        }
        return { k: 'sym', name: t.s };
      }
      case 'str': {
        // 'file.ts'::name
        if (this.isOp('::')) {
          this.i++;
          const n = this.next();
          if (n.t !== 'id') throw syntax(this.src, n.pos);
          return { k: 'sym', name: n.s, file: t.s };
        }
        // 'name' quotes a symbol, as in gdb; "text" would be an array of char, which toy86's
        // 32-bit values cannot hold.
        if (t.dq) throw new DebugError(`A string is not a value here ("${t.s}"): x/s ADDR shows a string in memory.`);
        return { k: 'sym', name: t.s };
      }
      case 'op':
        if (t.s === '(') {
          const n = this.assign();
          this.expect(')');
          return n;
        }
        throw syntax(this.src, t.pos);
      default:
        throw syntax(this.src, t.pos);
    }
  }
}

/** Parses an expression (for checking conditions before they are evaluated). */
export function parseExpression(src: string): void {
  deep(() => new Parser(src).parse());
}

export function evaluate(src: string, ctx: EvalContext): Value {
  return deep(() => new Evaluator(ctx).eval(new Parser(src).parse()));
}

/** Parsing and evaluating recurse over the expression: one nested past the stack is a mistake. */
function deep<R>(f: () => R): R {
  try {
    return f();
  } catch (e) {
    if (e instanceof RangeError) throw new DebugError('Expression too deeply nested.');
    throw e;
  }
}

class Evaluator {
  constructor(private readonly ctx: EvalContext) {}

  eval(n: Node): Value {
    switch (n.k) {
      case 'num': return n.char ? { v: n.v, type: T.char } : { v: fit(n.v, n.v > 0x7fffffff ? T.uint : T.int), type: n.v > 0x7fffffff ? T.uint : T.int };
      case 'reg': {
        const r = this.ctx.register(n.name);
        if (r) return r;
        const c = this.ctx.convenience.get(n.name);
        if (c) return { ...c, lval: { kind: 'conv', name: n.name } };
        const s = this.ctx.symbol('$' + n.name);
        if (s) return s;
        return { v: 0, type: T.void, lval: { kind: 'conv', name: n.name } };
      }
      case 'hist': return this.ctx.history(n.rel, n.abs);
      case 'sym': {
        const s = this.ctx.symbol(n.name, n.file);
        if (s) return s;
        // `tf.err`: a name, then fields (a dotted name that is not itself a symbol, such as an
        // assembly label `_start.pte`).
        const parts = n.name.split('.');
        if (parts.length > 1 && parts.every((x) => /^[A-Za-z_]\w*$/.test(x))) {
          const base = this.ctx.symbol(parts[0], n.file);
          if (base) return parts.slice(1).reduce((v, name) => this.field(v, name), base);
        }
        throw new DebugError(n.file ? `No symbol "${n.name}" in file ${n.file}.` : `No symbol "${parts.length > 1 && !this.ctx.symbol(parts[0], n.file) ? parts[0] : n.name}" in current context.`);
      }
      case 'field': return this.field(this.rvalue(n.a), n.name);
      case 'structcast': {
        const a = this.rvalue(n.a);
        this.layout(n.name);
        return { v: a.v >>> 0, type: { kind: 'usize', size: 4, struct: n.name, name: n.name } };
      }
      case 'cast': {
        const a = this.rvalue(n.a);
        return { v: fit(a.v, n.t), type: n.t };
      }
      case 'deref': {
        const a = this.rvalue(n.a);
        if (!n.t && a.type.struct) {
          // *tf: the whole structure, every field read.
          const l = this.layout(a.type.struct);
          const addr = a.v >>> 0;
          return { v: addr, type: { kind: 'struct', size: l.size, struct: l.name, name: l.name }, fields: l.fields.map((f) => ({ name: f.name, value: this.member(addr, f) })) };
        }
        let t = n.t;
        if (!t) {
          if (a.type.kind === 'ptr' && a.type.target && a.type.target.kind !== 'void') t = a.type.target;
          else t = T.int;
        }
        const size = Math.max(1, t.size);
        const addr = a.v >>> 0;
        return { v: fit(this.ctx.readMem(addr, size), t), type: t, lval: { kind: 'mem', addr, size } };
      }
      case 'un': {
        if (n.op === '&') {
          const a = this.eval(n.a);
          if (a.type.kind === 'code' && !a.lval) return { v: a.v, type: T.code, code: a.code };
          if (!a.lval || a.lval.kind !== 'mem') throw new DebugError('Attempt to take address of value not located in memory.');
          const target = a.type;
          return { v: a.lval.addr >>> 0, type: { kind: 'ptr', size: 4, target, name: `${target.name ?? typeName(target)} *` } };
        }
        const a = this.rvalue(n.a);
        const t = arith(a.type, a.type);
        switch (n.op) {
          case '-': return { v: fit(-a.v, t), type: t };
          case '+': return { v: fit(a.v, t), type: t };
          case '~': return { v: fit(~a.v, t), type: t };
          default: return { v: a.v ? 0 : 1, type: T.int };
        }
      }
      case 'bin': return this.binary(n.op, n.a, n.b);
      case 'cond': return this.rvalue(n.c).v ? this.rvalue(n.a) : this.rvalue(n.b);
      case 'sizeof': {
        const t = n.t ?? this.eval(n.a!).type;
        if (t.kind === 'code') throw new DebugError('Attempt to take the size of a function.');
        return { v: t.kind === 'void' ? 1 : t.size, type: T.uint };
      }
      case 'assign': {
        const a = this.eval(n.a);
        const b = this.rvalue(n.b);
        if (!a.lval) throw new DebugError(a.readonly ?? 'Left operand of assignment is not an lvalue.');
        const l = a.lval;
        if (l.kind === 'conv') {
          this.ctx.convenience.set(l.name, { v: b.v, type: b.type, code: b.code });
          return { ...b, lval: l };
        }
        const t = a.type.kind === 'void' ? b.type : a.type;
        const v = fit(b.v, t);
        if (l.kind === 'reg') this.ctx.setRegister(l.name, v);
        else this.ctx.writeMem(l.addr, l.size, v);
        return { v, type: t, lval: l };
      }
    }
  }

  /** A structure's layout by name, or the one-line reason there is none. */
  private layout(name: string): StructInfo {
    const l = this.ctx.struct?.(name) ?? null;
    if (!l) throw new DebugError(`No struct type named ${name}.`);
    return l;
  }

  /** A field of the structure at a class-typed value's address (TypeScript's `tf.err`, C's `tf->err`). */
  private field(base: Value, name: string): Value {
    if (!base.type.struct) throw new DebugError(`Attempt to extract a component of a value that is not a structure.`);
    const l = this.layout(base.type.struct);
    const f = l.fields.find((x) => x.name === name);
    if (!f) throw new DebugError(`There is no member named ${name}.`);
    return this.member(base.v >>> 0, f);
  }

  /** A field of the structure at addr: its value as its type says (an embedded structure: its address). */
  private member(addr: number, f: StructInfo['fields'][number]): Value {
    const at = (addr + f.offset) >>> 0;
    const t = tsType(f.type);
    if (t.struct && this.ctx.struct?.(t.struct)) return { v: at, type: t };
    const size = Math.max(1, Math.min(4, f.size));
    return { v: fit(this.ctx.readMem(at, size), t), type: t, lval: { kind: 'mem', addr: at, size } };
  }

  private rvalue(n: Node): Value {
    const v = this.eval(n);
    if (v.type.kind === 'void' && v.lval?.kind === 'conv') return { v: 0, type: T.void };
    return v;
  }

  private binary(op: string, na: Node, nb: Node): Value {
    const a = this.rvalue(na);
    if (op === '&&' && !a.v) return { v: 0, type: T.int };
    if (op === '||' && a.v) return { v: 1, type: T.int };
    const b = this.rvalue(nb);
    if (op === '&&' || op === '||') return { v: b.v ? 1 : 0, type: T.int };
    const ptr = a.type.kind === 'ptr' || a.type.kind === 'usize' || a.type.kind === 'code' ? a.type : null;
    const t = ptr && (op === '+' || op === '-') && b.type.kind !== 'ptr' ? (ptr.kind === 'code' ? T.usize : ptr) : arith(a.type, b.type);
    const unsigned = t.kind !== 'int' && t.kind !== 'char';
    const x = unsigned ? a.v >>> 0 : a.v | 0;
    let y = unsigned ? b.v >>> 0 : b.v | 0;
    // C's pointer arithmetic: `(u32 *) p + 1` is 4 bytes on; the difference of two pointers counts
    // elements. (The subset's usize addresses are plain numbers.)
    const elem = (v: VType) => (v.kind === 'ptr' && v.target && v.target.kind !== 'void' ? Math.max(1, v.target.size) : 1);
    if (op === '-' && a.type.kind === 'ptr' && b.type.kind === 'ptr') return { v: Math.trunc(((a.v >>> 0) - (b.v >>> 0)) / elem(a.type)) | 0, type: T.int };
    if ((op === '+' || op === '-') && a.type.kind === 'ptr' && b.type.kind !== 'ptr') y = Math.imul(y, elem(a.type));
    const cmp = (c: boolean): Value => ({ v: c ? 1 : 0, type: T.int });
    switch (op) {
      case '+': return { v: fit(x + y, t), type: t };
      case '-': return { v: fit(x - y, t), type: t };
      case '*': return { v: fit(Math.imul(x, y), t), type: t };
      case '/': if (y === 0) throw new DebugError('Division by zero'); return { v: fit(Math.trunc(x / y), t), type: t };
      case '%': if (y === 0) throw new DebugError('Division by zero'); return { v: fit(x % y, t), type: t };
      case '<<': return { v: fit(x << (y & 31), t), type: t };
      case '>>': return { v: fit(unsigned ? x >>> (y & 31) : x >> (y & 31), t), type: t };
      case '&': return { v: fit(x & y, t), type: t };
      case '|': return { v: fit(x | y, t), type: t };
      case '^': return { v: fit(x ^ y, t), type: t };
      case '==': return cmp(x === y);
      case '!=': return cmp(x !== y);
      case '<': return cmp(x < y);
      case '>': return cmp(x > y);
      case '<=': return cmp(x <= y);
      default: return cmp(x >= y);
    }
  }
}

/** The usual arithmetic conversions, in 32 bits: unsigned wins. */
function arith(a: VType, b: VType): VType {
  const u = (t: VType) => t.kind === 'uint' || t.kind === 'usize' || t.kind === 'ptr' || t.kind === 'code' || t.kind === 'eflags' || (t.kind === 'bool' && false);
  return u(a) || u(b) ? T.uint : T.int;
}

export function typeName(t: VType): string {
  if (t.name) return t.name;
  switch (t.kind) {
    case 'int': return t.size === 1 ? 'i8' : t.size === 2 ? 'short' : 'int';
    case 'uint': return t.size === 1 ? 'u8' : t.size === 2 ? 'unsigned short' : 'unsigned int';
    case 'usize': return 'usize';
    case 'bool': return 'bool';
    case 'char': return 'char';
    case 'ptr': return `${t.target ? typeName(t.target) : 'void'} *`;
    case 'code': return 'void (*)()';
    case 'eflags': return 'i386_eflags';
    default: return 'void';
  }
}
