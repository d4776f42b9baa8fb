// Lazy flag evaluation (PERFORMANCE.md, note 3).
//
// An arithmetic instruction does not compute EFLAGS; it records what it did:
//   state[LOP]  = kind | size code      (0: state[FLAGS] already holds every flag)
//   state[LA], state[LB], state[LRES]   operands and result, sign-extended from the operation's size
// and the flags are derived when something reads them (Jcc, SETcc, PUSHFD, an interrupt).
// ZF, SF and PF follow from the result alone; CF, OF and AF from the kind. INC and DEC keep CF:
// they move the previous operation's kind and operands to state[CF_OP/CF_A/CF_B] (unless the
// previous operation was itself an INC or DEC), and CF is derived from those. AF is modelled for
// the arithmetic kinds and reads as 0 after logic, shifts and multiplies, where the SDM leaves it
// undefined.

import { S, FL } from './state.js';

/** Lazy operation kinds; the low two bits of state[LOP] hold the size code. */
export const enum Lazy {
  ADD = 1 << 2, ADC = 2 << 2, SUB = 3 << 2, SBB = 4 << 2, LOGIC = 5 << 2, INC = 6 << 2,
  DEC = 7 << 2, SHL = 8 << 2, SHR = 9 << 2, SAR = 10 << 2,
  /** Multiplies: CF = OF = LA. */
  MUL = 11 << 2,
}

/** Size code of an operand size in bits: 8 → 0, 16 → 1, 32 → 2. */
export function sizeCode(size: number): number {
  return size === 8 ? 0 : size === 16 ? 1 : 2;
}

const SIZE_BITS = [8, 16, 32, 32];
const SIZE_MASK = [0xff, 0xffff, 0xffffffff, 0xffffffff];

/** PARITY[b] is FL.PF when byte b has an even number of set bits. */
export const PARITY = (() => {
  const t = new Uint8Array(256);
  for (let b = 0; b < 256; b++) {
    let n = 0;
    for (let i = 0; i < 8; i++) n += (b >> i) & 1;
    t[b] = n & 1 ? 0 : FL.PF;
  }
  return t;
})();

/** x as an unsigned value of the size whose mask is m. */
function u(x: number, m: number): number {
  return m === 0xffffffff ? x >>> 0 : x & m;
}

/** Carry out of lazy operation `op` on a and b; `flags` supplies CF when op is 0. */
function carryOf(op: number, a: number, b: number, flags: number): number {
  if (op === 0) return flags & FL.CF;
  const m = SIZE_MASK[op & 3];
  switch (op & ~3) {
    case Lazy.ADD: return u(a, m) + u(b, m) > m ? 1 : 0;
    case Lazy.ADC: return u(a, m) + u(b, m) + 1 > m ? 1 : 0;
    case Lazy.SUB: return u(a, m) < u(b, m) ? 1 : 0;
    case Lazy.SBB: return u(a, m) < u(b, m) + 1 ? 1 : 0;
    case Lazy.SHL: return b > SIZE_BITS[op & 3] ? 0 : (u(a, m) >>> (SIZE_BITS[op & 3] - b)) & 1;
    case Lazy.SHR: return (u(a, m) >>> (b - 1)) & 1;
    case Lazy.SAR: return (a >> (b - 1)) & 1;
    case Lazy.MUL: return a & 1;
    default: return 0;
  }
}

/** Carry flag (0 or 1). */
export function carry(st: Int32Array): number {
  const op = st[S.LOP];
  const kind = op & ~3;
  if (kind === Lazy.INC || kind === Lazy.DEC) return carryOf(st[S.CF_OP], st[S.CF_A], st[S.CF_B], st[S.FLAGS]);
  return carryOf(op, st[S.LA], st[S.LB], st[S.FLAGS]);
}

/** Overflow flag (0 or FL.OF). */
function overflow(st: Int32Array): number {
  const op = st[S.LOP];
  const a = st[S.LA], b = st[S.LB], r = st[S.LRES];
  switch (op & ~3) {
    case Lazy.ADD: case Lazy.ADC: case Lazy.INC: return ((a ^ r) & (b ^ r)) < 0 ? FL.OF : 0;
    case Lazy.SUB: case Lazy.SBB: case Lazy.DEC: return ((a ^ b) & (a ^ r)) < 0 ? FL.OF : 0;
    case Lazy.SHL: return (r < 0 ? 1 : 0) ^ carry(st) ? FL.OF : 0;
    case Lazy.SHR: {
      // OF is the most significant bit of the original operand.
      return a < 0 ? FL.OF : 0;
    }
    case Lazy.MUL: return a & 1 ? FL.OF : 0;
    default: return 0;
  }
}

/** Auxiliary carry (0 or FL.AF). */
function auxCarry(st: Int32Array): number {
  switch (st[S.LOP] & ~3) {
    case Lazy.ADD: case Lazy.ADC: case Lazy.SUB: case Lazy.SBB: case Lazy.INC: case Lazy.DEC:
      return (st[S.LA] ^ st[S.LB] ^ st[S.LRES]) & FL.AF;
    default: return 0;
  }
}

/** The whole EFLAGS value, lazy flags included (bit 1 set). */
export function getFlags(st: Int32Array): number {
  const op = st[S.LOP];
  if (op === 0) return st[S.FLAGS] | FL.ONE;
  const r = st[S.LRES];
  return (st[S.FLAGS] & ~FL.ARITH) | FL.ONE | carry(st) | PARITY[r & 0xff] | auxCarry(st)
    | (r === 0 ? FL.ZF : 0) | (r < 0 ? FL.SF : 0) | overflow(st);
}

/** Folds the lazy flags into state[FLAGS]. */
export function materialize(st: Int32Array): void {
  if (st[S.LOP] !== 0) {
    st[S.FLAGS] = getFlags(st);
    st[S.LOP] = 0;
  }
}

/** Is condition code cc (0–15, IA-32 order) true? */
export function condition(st: Int32Array, cc: number): boolean {
  const f = getFlags(st);
  let t: boolean;
  switch (cc >> 1) {
    case 0: t = (f & FL.OF) !== 0; break;                               // O
    case 1: t = (f & FL.CF) !== 0; break;                               // B
    case 2: t = (f & FL.ZF) !== 0; break;                               // E
    case 3: t = (f & (FL.CF | FL.ZF)) !== 0; break;                     // BE
    case 4: t = (f & FL.SF) !== 0; break;                               // S
    case 5: t = (f & FL.PF) !== 0; break;                               // P
    case 6: t = ((f & FL.SF) !== 0) !== ((f & FL.OF) !== 0); break;     // L
    default: t = (f & FL.ZF) !== 0 || ((f & FL.SF) !== 0) !== ((f & FL.OF) !== 0); // LE
  }
  return (cc & 1) === 0 ? t : !t;
}
