// Generated arithmetic tests for toy86 cc: for every binary operator and every pair of operand
// types (i8 u8 i16 u16 i32 u32 usize), edge-case and random operands are compared with what this
// file computes in JavaScript under the subset's rules (docs/language.md "Types", SPEC §3.3):
//   - arithmetic wraps at 32 bits; narrow operands are sign- or zero-extended to 32 bits first;
//   - the result is u32 (or usize) when either operand is 32-bit unsigned, else i32 (C's
//     promotion); `/ % < <= > >=` are unsigned when either operand is 32-bit unsigned; a shift
//     `<< >>` takes its type and signedness from its left operand alone (as C and AssemblyScript
//     do), and `>>>` is always logical (and u32); shift counts are taken modulo 32;
//   - a compound assignment computes with the same rules, then wraps to the target's type.
// Each program reads its operands from module-level `let` globals (nothing can be folded), from
// locals, and from `const`s (folded by the compiler: both constant, or one constant). A few
// programs hold all the checks, so the suite stays fast; each check is one line, tagged with an id,
// so a failure names its operator, types and operands.

import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTs, LIB, type TsRun } from './harness.js';

type T = 'i8' | 'u8' | 'i16' | 'u16' | 'i32' | 'u32' | 'usize';
type ArithOp = '+' | '-' | '*' | '/' | '%' | '&' | '|' | '^' | '<<' | '>>' | '>>>';
type CmpOp = '<' | '<=' | '>' | '>=' | '==' | '!=';
type Op = ArithOp | CmpOp;

const TYPES: T[] = ['i8', 'u8', 'i16', 'u16', 'i32', 'u32', 'usize'];
const CMP: CmpOp[] = ['<', '<=', '>', '>=', '==', '!='];
const GROUPS: { name: string; ops: Op[] }[] = [
  { name: 'additive', ops: ['+', '-', '*'] },
  { name: 'division', ops: ['/', '%'] },
  { name: 'bitwise', ops: ['&', '|', '^'] },
  { name: 'shifts', ops: ['<<', '>>', '>>>'] },
  { name: 'comparisons', ops: CMP },
];

/**
 * The category of the checks where the rule for a signed (or narrow) value shifted by a 32-bit
 * unsigned count matters: the shift follows the left operand (arithmetic, i32), as in C and
 * AssemblyScript — not the unsigned count. Kept apart so that the rule shows as one test.
 */
const SHIFT_BY_U32 = 'a signed or narrow value shifted by a 32-bit unsigned count';

// ---- the reference model ------------------------------------------------------------------------

const BITS: Record<T, number> = { i8: 8, u8: 8, i16: 16, u16: 16, i32: 32, u32: 32, usize: 32 };
const SIGNED: Record<T, boolean> = { i8: true, u8: false, i16: true, u16: false, i32: true, u32: false, usize: false };
const is32u = (t: T) => t === 'u32' || t === 'usize';

/** A value of type t as it sits in a 32-bit register (sign- or zero-extended), as an int32. */
function wrap(v: number, t: T): number {
  const b = BITS[t];
  if (b === 32) return v | 0;
  const s = 32 - b;
  return SIGNED[t] ? (v << s) >> s : ((v << s) >>> s) | 0;
}

/** Whether `a op b` on these types computes (and compares) as unsigned. */
function unsignedOp(op: Op, A: T, B: T): boolean {
  if (op === '<<' || op === '>>') return is32u(A);
  return op === '>>>' || is32u(A) || is32u(B);
}

/** a op b for an arithmetic operator, as int32 bits. */
function arith(op: ArithOp, a: number, b: number, u: boolean): number {
  switch (op) {
    case '+': return (a + b) | 0;
    case '-': return (a - b) | 0;
    case '*': return Math.imul(a, b);
    case '/': return u ? ((a >>> 0) / (b >>> 0)) | 0 : (a / b) | 0;
    case '%': return u ? ((a >>> 0) % (b >>> 0)) | 0 : (a % b) | 0;
    case '&': return a & b;
    case '|': return a | b;
    case '^': return a ^ b;
    case '<<': return a << (b & 31);
    case '>>': return u ? (a >>> (b & 31)) | 0 : a >> (b & 31);
    case '>>>': return (a >>> (b & 31)) | 0;
  }
}

function compare(op: CmpOp, a: number, b: number, u: boolean): boolean {
  const x = u ? a >>> 0 : a, y = u ? b >>> 0 : b;
  switch (op) {
    case '<': return x < y;
    case '<=': return x <= y;
    case '>': return x > y;
    case '>=': return x >= y;
    case '==': return x === y;
    case '!=': return x !== y;
  }
}

/** Operands the machine cannot divide (#DE): by zero, and INT_MIN / -1 when signed. */
function undefinedOp(op: Op, a: number, b: number, u: boolean): boolean {
  if (op !== '/' && op !== '%') return false;
  return b === 0 || (!u && a === -0x80000000 && b === -1);
}

// ---- operands -------------------------------------------------------------------------------------

const EDGES: Record<T, number[]> = {
  i8: [0, 1, -1, -128, 127, 2, 64, -64, 3],
  u8: [0, 1, 255, 128, 127, 2, 16, 7],
  i16: [0, 1, -1, -32768, 32767, 2, 256, 0x4000, -3],
  u16: [0, 1, 65535, 32768, 32767, 2, 256, 10],
  i32: [0, 1, -1, -0x80000000, 0x7fffffff, 2, 0x10000, 0x40000000, -0x10000, 7],
  u32: [0, 1, -1, -0x80000000, 0x7fffffff, 2, 0x10000, 16, 5],
  usize: [0, 1, -1, -0x80000000, 0x7fffffff, 4, 0x1000, 0x100000, 3],
};
/** Shift counts worth trying, whatever the count's type (wrapped to it). */
const COUNTS = [0, 1, 4, 7, 8, 15, 16, 24, 31, 32, 33, 63];

/** A deterministic generator (mulberry32), so that a failure is the same on every run. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) | 0;
  };
}

// ---- the programs -----------------------------------------------------------------------------

interface Check { id: number; category: string; what: string }
interface Program { name: string; file: string; checks: Check[] }

const CHECK_LIB = join(LIB, 'check');

/** A name for a value of a type: `i8_m128`, `u32_4294967295`. */
function valueName(prefix: string, t: T, v: number): string {
  const shown = SIGNED[t] ? v : v >>> 0;
  return `${prefix}${t}_${shown < 0 ? 'm' + -shown : shown}`;
}

/** A literal for an int32 value seen as the given signedness. */
function literal(v: number, unsigned: boolean): string {
  return String(unsigned ? v >>> 0 : v | 0);
}

function shown(v: number, t: T): string { return String(SIGNED[t] ? v : v >>> 0); }

function generate(dir: string, group: { name: string; ops: Op[] }, seed: number): Program {
  const rnd = prng(seed);
  const pickOf = <X>(xs: X[]): X => xs[(rnd() >>> 0) % xs.length];
  const randomOf = (t: T): number => {
    const r = rnd();
    switch ((rnd() >>> 0) % 3) {
      case 0: return wrap(r, t);
      case 1: return wrap(r >> ((rnd() >>> 0) % 24), t);   // smaller magnitudes
      default: return wrap(1 << ((rnd() >>> 0) % BITS[t]), t) + ((rnd() >>> 0) % 3) - 1; // near powers of two
    }
  };
  const operand = (t: T, countOf: boolean): number => {
    const r = (rnd() >>> 0) % 10;
    if (countOf && r < 5) return wrap(pickOf(COUNTS), t);
    return wrap(r < 7 ? pickOf(EDGES[t]) : randomOf(t), t);
  };

  const globals = new Map<string, string>();   // name → declaration
  const consts = new Map<string, string>();
  const use = (prefix: 'g_' | 'k_', t: T, v: number): string => {
    const name = valueName(prefix, t, v);
    const map = prefix === 'g_' ? globals : consts;
    if (!map.has(name)) map.set(name, `${prefix === 'g_' ? 'let' : 'const'} ${name}: ${t} = ${shown(v, t)};`);
    return name;
  };
  const targets = new Set<T>();

  const checks: Check[] = [];
  const functions: string[] = [];
  const line = (body: string[], category: string, what: string, code: string) => {
    const id = checks.length;
    checks.push({ id, category, what });
    body.push(`  ${code} // #${id} ${what}`);
  };

  for (const op of group.ops) {
    const isCmp = (CMP as Op[]).includes(op);
    const isShift = op === '<<' || op === '>>' || op === '>>>';
    for (const A of TYPES) {
      const body: string[] = [];
      for (const B of TYPES) {
        const u = unsignedOp(op, A, B);
        const category = (op === '<<' || op === '>>') && !is32u(A) && is32u(B) ? SHIFT_BY_U32 : op;
        // The result type: u32 when unsigned (>>> always), else i32.
        const resultUnsigned = isCmp ? false : u;
        const pair = (): [number, number] => {
          for (;;) {
            const a = operand(A, false), b = operand(B, isShift);
            if (!undefinedOp(op, a, b, u)) return [a, b];
          }
        };
        const expectation = (a: number, b: number): { text: string; bits: number; truth: boolean } => {
          if (isCmp) { const truth = compare(op as CmpOp, a, b, u); return { text: '', bits: 0, truth }; }
          const bits = arith(op as ArithOp, a, b, u);
          return { text: literal(bits, resultUnsigned), bits, truth: false };
        };
        const assertion = (expr: string, e: { text: string; truth: boolean }) =>
          isCmp ? (e.truth ? `check(${expr});` : `check(!(${expr}));`) : `check((${expr}) == ${e.text});`;
        const desc = (a: number, b: number, how: string) => `${A} ${op} ${B}: ${shown(a, A)} ${op} ${shown(b, B)} (${how})`;

        // Globals on both sides.
        let probed = false;
        for (let n = 0; n < 4; n++) {
          const [a, b] = pair();
          const e = expectation(a, b);
          line(body, category, desc(a, b, 'globals'), assertion(`${use('g_', A, a)} ${op} ${use('g_', B, b)}`, e));
          // The result's type: `< 0` holds only for a negative i32.
          if (!isCmp && !probed && e.bits < 0) {
            probed = true;
            line(body, category, `${desc(a, b, 'globals')}: the result is ${resultUnsigned ? 'unsigned' : 'signed'}`,
              `check(${resultUnsigned ? '!' : ''}((${use('g_', A, a)} ${op} ${use('g_', B, b)}) < 0));`);
          }
        }
        // Locals.
        {
          const [a, b] = pair();
          line(body, category, desc(a, b, 'locals'),
            `{ const x: ${A} = ${use('g_', A, a)}; const y: ${B} = ${use('g_', B, b)}; ${assertion('x ' + op + ' y', expectation(a, b))} }`);
        }
        // One side constant, then both (folded).
        {
          const [a, b] = pair();
          line(body, category, desc(a, b, 'constant right'), assertion(`${use('g_', A, a)} ${op} ${use('k_', B, b)}`, expectation(a, b)));
        }
        {
          const [a, b] = pair();
          line(body, category, desc(a, b, 'constant left'), assertion(`${use('k_', A, a)} ${op} ${use('g_', B, b)}`, expectation(a, b)));
        }
        for (let n = 0; n < 2; n++) {
          const [a, b] = pair();
          line(body, category, desc(a, b, 'folded'), assertion(`${use('k_', A, a)} ${op} ${use('k_', B, b)}`, expectation(a, b)));
        }
        // Compound assignment: computed by the same rules, wrapped to the target's type.
        if (!isCmp) {
          const compound = (a: number, b: number) => literal(wrap(arith(op as ArithOp, a, b, u), A), !SIGNED[A]);
          {
            const [a, b] = pair();
            line(body, category, desc(a, b, `local ${op}=`),
              `{ let x: ${A} = ${use('g_', A, a)}; x ${op}= ${use('g_', B, b)}; check(x == ${compound(a, b)}); }`);
          }
          {
            const [a, b] = pair();
            line(body, category, desc(a, b, `local ${op}= constant`),
              `{ let x: ${A} = ${use('g_', A, a)}; x ${op}= ${use('k_', B, b)}; check(x == ${compound(a, b)}); }`);
          }
          {
            const [a, b] = pair();
            targets.add(A);
            line(body, category, desc(a, b, `global ${op}=`),
              `t_${A} = ${use('g_', A, a)}; t_${A} ${op}= ${use('g_', B, b)}; check(t_${A} == ${compound(a, b)});`);
          }
        }
      }
      const fname = `f${functions.length}`;
      functions.push(`// ${op} with a left operand of type ${A}\nfunction ${fname}(): void {\n${body.join('\n')}\n}\n`);
    }
  }

  const text = [
    `// Generated by tests/cc/arith.test.ts (${group.name}: ${group.ops.join(' ')}); every check is tagged #id.`,
    `import { check, check_summary } from ${JSON.stringify(CHECK_LIB)};`,
    '',
    ...globals.values(),
    ...[...targets].map((t) => `let t_${t}: ${t} = 0;`),
    ...consts.values(),
    '',
    ...functions,
    'export function main(): i32 {',
    ...functions.map((_, i) => `  f${i}();`),
    '  return check_summary();',
    '}',
    '',
  ].join('\n');
  const file = join(dir, `arith-${group.name}.ts`);
  writeFileSync(file, text);
  return { name: group.name, file, checks };
}

// ---- the tests ----------------------------------------------------------------------------------

const dir = mkdtempSync(join(tmpdir(), 'toy86-cc-arith-'));
const programs = GROUPS.map((g, i) => generate(dir, g, 0x70796f74 + i));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const runs = new Map<string, TsRun>();
function run(p: Program): TsRun {
  let r = runs.get(p.name);
  if (!r) { r = runTs([p.file]); runs.set(p.name, r); }
  return r;
}

/** The failing checks of a run, by category, as readable lines. */
function failuresOf(p: Program, r: TsRun, category: string): string[] {
  const out: string[] = [];
  for (const f of r.failures) {
    const m = /\/\/ #(\d+) /.exec(f);
    const c = m ? p.checks[Number(m[1])] : undefined;
    if (!c) { if (category === p.name) out.push(f); continue; }
    if (c.category === category) out.push(`#${c.id} ${c.what}: ${f.replace(/^.*?: /, '').replace(/ \/\/ #.*$/, '')}`);
  }
  return out;
}

describe('toy86 cc: every binary operator on every pair of types (generated)', () => {
  it('the reference model follows the rules', () => {
    expect(arith('/', -7, 2, false)).toBe(-3);
    expect(arith('%', -7, 2, false)).toBe(-1);
    expect(arith('/', -1, 10, true)).toBe(429496729);
    expect(arith('>>', -16, 2, false)).toBe(-4);
    expect(arith('>>', -16, 2, true)).toBe(0x3ffffffc);
    expect(arith('<<', 1, 33, false)).toBe(2);
    expect(wrap(200, 'i8')).toBe(-56);
    expect(wrap(-1, 'u16')).toBe(65535);
    expect(wrap(0xffffffff, 'u32')).toBe(-1);
    expect(unsignedOp('+', 'u8', 'i8')).toBe(false);
    expect(unsignedOp('<', 'i8', 'usize')).toBe(true);
    expect(compare('<', -1, 1, true)).toBe(false);
    expect(compare('<', wrap(255, 'u8'), wrap(-1, 'i8'), false)).toBe(false);
    expect(undefinedOp('/', -0x80000000, -1, false)).toBe(true);
    expect(undefinedOp('/', -0x80000000, -1, true)).toBe(false);
  });

  for (const p of programs) {
    describe(`${p.name}`, () => {
      it(`runs to the end and makes all ${p.checks.length} checks`, () => {
        const r = run(p);
        expect(r.stop.kind).toBe('poweroff');
        expect(r.checks).toBe(p.checks.length);
        // Failures that belong to no check (should not happen) show here.
        expect(failuresOf(p, r, p.name)).toEqual([]);
      });
      const group = GROUPS.find((g) => g.name === p.name)!;
      for (const op of group.ops) {
        it(`${op}`, () => {
          const r = run(p);
          expect(failuresOf(p, r, op)).toEqual([]);
        });
      }
      if (p.name === 'shifts') {
        it(SHIFT_BY_U32 + ' follows the left operand (as in C)', () => {
          const r = run(p);
          expect(failuresOf(p, r, SHIFT_BY_U32)).toEqual([]);
        });
      }
    });
  }
});
