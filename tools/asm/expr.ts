// Expressions of the assembler (SPEC §3.1): `+ - * / % << >> & | ^ ~`, unary minus, parentheses,
// numbers, character constants, symbols, `$` and `$$`. A value is a number, or a position in a
// section or at an external symbol plus a constant: what a relocation can express.

import { AsmError, type Token } from './lexer.js';

export type Expr =
  | { op: 'num'; value: number; at: Token }
  | { op: 'sym'; name: string; at: Token }
  | { op: 'here' | 'start'; at: Token }
  | { op: 'neg' | 'not' | 'pos'; a: Expr; at: Token }
  | { op: string; a: Expr; b: Expr; at: Token };

/** A value: `add` plus the address of `section` (a section-relative position) or of `extern`. */
export interface Value {
  add: number;
  section: string | null;
  extern: string | null;
}

/** What evaluating needs: symbols' values (undefined when not known yet) and where `$` is. */
export interface Scope {
  lookup(name: string, at: Token): Value | undefined;
  here: Value;
  sectionStart: Value;
}

const BINARY: string[][] = [['|'], ['^'], ['&'], ['<<', '>>'], ['+', '-'], ['*', '/', '%']];

/** Parses an expression from tokens[pos]; returns it and the position after it. */
export function parseExpr(tokens: Token[], pos: number): [Expr, number] {
  let i = pos;
  const peek = () => tokens[i];
  const fail = (t: Token, why: string): never => { throw new AsmError(t.file, t.line, t.col, why); };

  const primary = (): Expr => {
    const t = peek();
    if (t.kind === 'number' || t.kind === 'string') {
      i++;
      if (t.kind === 'string' && t.text.length > 4) fail(t, 'a character constant holds at most 4 characters');
      return { op: 'num', value: t.value, at: t };
    }
    if (t.kind === 'ident') {
      i++;
      if (t.text === '$') return { op: 'here', at: t };
      if (t.text === '$$') return { op: 'start', at: t };
      return { op: 'sym', name: symbolName(t.text), at: t };
    }
    if (t.kind === 'punct' && t.text === '(') {
      i++;
      const e = level(0);
      const c = peek();
      if (c.kind !== 'punct' || c.text !== ')') fail(c, "expected ')'");
      i++;
      return e;
    }
    if (t.kind === 'punct' && (t.text === '-' || t.text === '+' || t.text === '~')) {
      i++;
      return { op: t.text === '-' ? 'neg' : t.text === '~' ? 'not' : 'pos', a: primary(), at: t };
    }
    return fail(t, t.kind === 'eol' ? 'expected an expression' : `expected an expression, found '${t.text}'`);
  };

  const level = (k: number): Expr => {
    if (k === BINARY.length) return primary();
    let a = level(k + 1);
    for (;;) {
      const t = peek();
      if (t.kind !== 'punct' || !BINARY[k].includes(t.text)) return a;
      i++;
      a = { op: t.text, a, b: level(k + 1), at: t };
    }
  };
  const e = level(0);
  return [e, i];
}

const num = (n: number): Value => ({ add: n | 0, section: null, extern: null });
const isNum = (v: Value) => v.section === null && v.extern === null;

/**
 * Evaluates an expression. Returns undefined while a symbol is not known yet (an earlier pass);
 * throws AsmError for what can never be computed.
 */
export function evaluate(e: Expr, s: Scope): Value | undefined {
  const fail = (why: string): never => { throw new AsmError(e.at.file, e.at.line, e.at.col, why); };
  switch (e.op) {
    case 'num': return num((e as { value: number }).value);
    case 'sym': return s.lookup((e as { name: string }).name, e.at);
    case 'here': return { ...s.here };
    case 'start': return { ...s.sectionStart };
  }
  if (e.op === 'neg' || e.op === 'not' || e.op === 'pos') {
    const a = evaluate((e as { a: Expr }).a, s);
    if (a === undefined) return undefined;
    if (e.op === 'pos') return a;
    if (!isNum(a)) return fail(`cannot ${e.op === 'neg' ? 'negate' : 'complement'} an address`);
    return num(e.op === 'neg' ? -a.add : ~a.add);
  }
  const be = e as { op: string; a: Expr; b: Expr };
  const a = evaluate(be.a, s);
  const b = evaluate(be.b, s);
  if (a === undefined || b === undefined) return undefined;
  if (e.op === '+') {
    if (!isNum(a) && !isNum(b)) return fail('cannot add two addresses');
    const r = isNum(a) ? b : a;
    return { ...r, add: (a.add + b.add) | 0 };
  }
  if (e.op === '-') {
    if (isNum(b)) return { ...a, add: (a.add - b.add) | 0 };
    if (a.extern === null && b.extern === null && a.section === b.section) return num(a.add - b.add);
    return fail('cannot subtract these addresses (they are not in the same section)');
  }
  if (!isNum(a) || !isNum(b)) return fail(`operator '${e.op}' needs constants, not addresses`);
  const x = a.add, y = b.add;
  switch (e.op) {
    case '*': return num(Math.imul(x, y));
    case '/': if (y === 0) return fail('division by zero'); return num((x >>> 0) / (y >>> 0));
    case '%': if (y === 0) return fail('division by zero'); return num((x >>> 0) % (y >>> 0));
    case '<<': return num(y >= 32 ? 0 : x << y);
    case '>>': return num(y >= 32 ? 0 : x >>> y);
    case '&': return num(x & y);
    case '|': return num(x | y);
    case '^': return num(x ^ y);
  }
  return fail(`unknown operator ${e.op}`);
}

export { num as constant, isNum as isConstant };

/**
 * The symbol an identifier names: NASM's `$name` is `name` even where `name` alone would be a
 * register or an instruction (`call $add`, `$add:`).
 */
export function symbolName(text: string): string {
  return text.length > 1 && text[0] === '$' && text !== '$$' ? text.slice(1) : text;
}
