// The assembler's lexer and preprocessor (SPEC §3.1): NASM-style source lines become token lists;
// `%define NAME value` substitutes tokens, `%include "file"` splices another file's lines in.

import { readFileSync } from 'node:fs';
import { dirname, resolve, relative } from 'node:path';

/** A user's mistake in a source file: reported as `file:line:column: error: message`. */
export class AsmError extends Error {
  constructor(readonly file: string, readonly line: number, readonly col: number, readonly why: string) {
    super(`${file}:${line}:${col}: error: ${why}`);
  }
}

export type TokenKind = 'ident' | 'number' | 'string' | 'punct' | 'eol';

export interface Token {
  kind: TokenKind;
  /** Identifier or punctuation text; a string's contents. */
  text: string;
  /** Numbers and character constants. */
  value: number;
  file: string;
  line: number;
  col: number;
}

/** One source line after preprocessing. */
export interface Line {
  tokens: Token[];
  file: string;
  line: number;
}

const PUNCT2 = ['<<', '>>'];
const PUNCT1 = ',[]+-*/%&|^~():$';

/** Splits one line into tokens (without the comment), throwing AsmError on a bad token. */
export function tokenize(text: string, file: string, line: number): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = text.length;
  const tok = (kind: TokenKind, t: string, value: number, col: number) =>
    out.push({ kind, text: t, value, file, line, col: col + 1 });
  while (i < n) {
    const c = text[i];
    if (c === ';') break;
    if (c === ' ' || c === '\t' || c === '\r') { i++; continue; }
    const start = i;
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < n && text[j] !== c) j++;
      if (j >= n) throw new AsmError(file, line, start + 1, `unterminated string (missing closing ${c})`);
      const s = text.slice(i + 1, j);
      let value = 0;
      for (let k = Math.min(4, s.length) - 1; k >= 0; k--) value = (value * 256 + s.charCodeAt(k)) >>> 0;
      tok('string', s, value, start);
      i = j + 1;
      continue;
    }
    if (/[0-9]/.test(c)) {
      let j = i;
      while (j < n && /[0-9a-zA-Z_]/.test(text[j])) j++;
      const raw = text.slice(i, j).replace(/_/g, '');
      let v: number;
      if (/^0x[0-9a-f]+$/i.test(raw)) v = parseInt(raw.slice(2), 16);
      else if (/^0b[01]+$/i.test(raw)) v = parseInt(raw.slice(2), 2);
      else if (/^[0-9][0-9a-f]*h$/i.test(raw)) v = parseInt(raw.slice(0, -1), 16);
      else if (/^[0-9]+$/.test(raw)) v = parseInt(raw, 10);
      else throw new AsmError(file, line, start + 1, `'${raw}' is not a number`);
      if (v > 0xffffffff) throw new AsmError(file, line, start + 1, `number ${raw} does not fit in 32 bits`);
      tok('number', raw, v, start);
      i = j;
      continue;
    }
    // Identifiers; `%` starts one only before a letter (%define), else it is the modulo operator.
    if (/[A-Za-z_.?@]/.test(c) || ((c === '%' || c === '$') && /[A-Za-z_]/.test(text[i + 1] ?? ''))) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_.?@$#]/.test(text[j])) j++;
      tok('ident', text.slice(i, j), 0, start);
      i = j;
      continue;
    }
    if (c === '$' && text[i + 1] === '$') { tok('ident', '$$', 0, start); i += 2; continue; }
    const two = text.slice(i, i + 2);
    if (PUNCT2.includes(two)) { tok('punct', two, 0, start); i += 2; continue; }
    if (PUNCT1.includes(c)) {
      tok(c === '$' ? 'ident' : 'punct', c, 0, start);
      i++;
      continue;
    }
    throw new AsmError(file, line, start + 1, `unexpected character '${c}'`);
  }
  out.push({ kind: 'eol', text: '', value: 0, file, line, col: n + 1 });
  return out;
}

/** Reads a source file and its includes into preprocessed lines. */
export function preprocess(path: string, read: (p: string) => string = (p) => readFileSync(p, 'utf8')): Line[] {
  const defines = new Map<string, Token[]>();
  const out: Line[] = [];
  const stack: string[] = [];

  const substitute = (tokens: Token[], depth = 0): Token[] => {
    if (depth > 32) throw new AsmError(tokens[0].file, tokens[0].line, tokens[0].col, '%define expands forever');
    let changed = false;
    const res: Token[] = [];
    for (const t of tokens) {
      const d = t.kind === 'ident' ? defines.get(t.text) : undefined;
      if (d) {
        changed = true;
        for (const x of d) res.push({ ...x, file: t.file, line: t.line, col: t.col });
      } else res.push(t);
    }
    return changed ? substitute(res, depth + 1) : res;
  };

  const load = (file: string, from?: Token, written = file) => {
    const abs = resolve(file);
    if (stack.includes(abs)) {
      throw new AsmError(from!.file, from!.line, from!.col, `%include of '${file}' includes itself`);
    }
    let text: string;
    try {
      text = read(abs);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : err.message;
      if (from) throw new AsmError(from.file, from.line, from.col, `cannot %include '${written}': ${why}`);
      throw new AsmError(file, 0, 0, `cannot read: ${why}`);
    }
    stack.push(abs);
    const shown = from ? relative(process.cwd(), abs) || abs : file;
    // `%line N[+M] [file]` (NASM): the lines after it come from `file`, the first at line N and
    // each next one M further on (M = 1 by default; a compiler writes +0 before each statement's
    // code). Messages and the line table then name the original source.
    let mapped: { file: string; line: number; inc: number; at: number } | null = null;
    text.split('\n').forEach((src, k) => {
      const where = mapped ? { file: mapped.file, line: mapped.line + mapped.inc * (k - mapped.at - 1) } : { file: shown, line: k + 1 };
      if (/^\s*%line\b/i.test(src)) {
        const m = /^\s*%line\s+(\d+)(?:\+(\d+))?(?:\s+(?:"([^"]*)"|(\S+)))?\s*$/i.exec(src);
        if (!m) throw new AsmError(where.file, where.line, 1, '%line needs a line number, an optional +increment and a file name');
        mapped = { file: m[3] ?? m[4] ?? where.file, line: Number(m[1]), inc: m[2] === undefined ? 1 : Number(m[2]), at: k };
        return;
      }
      const tokens = tokenize(src, where.file, where.line);
      const first = tokens[0];
      if (first.kind === 'ident' && first.text.toLowerCase() === '%define') {
        const name = tokens[1];
        if (!name || name.kind !== 'ident') throw new AsmError(where.file, where.line, (name ?? first).col, '%define needs a name');
        defines.set(name.text, substitute(tokens.slice(2, -1)));
        return;
      }
      if (first.kind === 'ident' && first.text.toLowerCase() === '%include') {
        const name = tokens[1];
        if (!name || name.kind !== 'string' || tokens[2].kind !== 'eol') {
          throw new AsmError(where.file, where.line, (name ?? first).col, '%include needs a file name in quotes');
        }
        load(resolve(dirname(abs), name.text), name, name.text);
        return;
      }
      if (first.kind === 'ident' && first.text.startsWith('%')) {
        throw new AsmError(where.file, where.line, first.col, `unknown preprocessor directive ${first.text}`);
      }
      if (tokens.length > 1) out.push({ tokens: substitute(tokens), file: where.file, line: where.line });
    });
    stack.pop();
  };
  load(path);
  return out;
}
