// Which arithmetic flags each instruction defines, keeps or leaves undefined: the one table the
// instruction tests compare flags by. Every rule quotes the "Flags Affected" paragraph of the
// instruction's page in the Intel SDM, vol. 2 (order number 325383). A flag is
//   defined    the instruction computes it: toy86 must match the host CPU;
//   preserved  the instruction leaves it as it was: toy86 must match the flag it went in with
//              (when that input was itself defined);
//   undefined  anything else: not compared.

export const CF = 0x1, PF = 0x4, AF = 0x10, ZF = 0x40, SF = 0x80, OF = 0x800;
/** The six arithmetic flags. */
export const ARITH = CF | PF | AF | ZF | SF | OF;

export type Size = 8 | 16 | 32;

export interface FlagEffect {
  /** Flags the instruction computes. */
  readonly defined: number;
  /** Flags it leaves unchanged. */
  readonly preserved: number;
}

export interface FlagRule {
  /** The effect for an operand size and (shifts and rotates) the count as encoded. */
  effect(size: Size, count: number): FlagEffect;
  /** Flags the instruction reads (its result is undefined unless they are defined). */
  readonly reads: number;
}

const all = (defined: number): FlagEffect => ({ defined, preserved: 0 });
const ARITHMETIC: FlagRule = { effect: () => all(ARITH), reads: 0 };
const LOGIC: FlagRule = { effect: () => all(OF | CF | SF | ZF | PF), reads: 0 };
const MULTIPLY: FlagRule = { effect: () => all(CF | OF), reads: 0 };
const UNCHANGED: FlagEffect = { defined: 0, preserved: ARITH };

/** SHL/SAL, SHR, SAR: the masked count decides (see the table). */
function shiftEffect(op: 'shl' | 'shr' | 'sar', size: Size, count: number): FlagEffect {
  const n = count & 31;
  if (n === 0) return UNCHANGED;
  let defined = SF | ZF | PF;
  if (op === 'sar' || n < size) defined |= CF;
  if (n === 1) defined |= OF;
  return { defined, preserved: 0 };
}

/** ROL, ROR: only CF and OF are touched. */
function rotateEffect(count: number): FlagEffect {
  const n = count & 31;
  if (n === 0) return UNCHANGED;
  return { defined: n === 1 ? CF | OF : CF, preserved: SF | ZF | AF | PF };
}

export const FLAG_RULES: Readonly<Record<string, FlagRule>> = {
  // ADD, SUB, CMP: "The OF, SF, ZF, AF, CF, and PF flags are set according to the result."
  add: ARITHMETIC,
  sub: ARITHMETIC,
  cmp: ARITHMETIC,
  // ADC, SBB: as ADD and SUB, and they read CF ("DEST ← DEST + SRC + CF", "DEST ← DEST − (SRC + CF)").
  adc: { ...ARITHMETIC, reads: CF },
  sbb: { ...ARITHMETIC, reads: CF },
  // NEG: "The CF flag set to 0 if the source operand is 0; otherwise it is set to 1. The OF, SF,
  // ZF, AF, and PF flags are set according to the result."
  neg: ARITHMETIC,
  // INC, DEC: "The CF flag is not affected. The OF, SF, ZF, AF, and PF flags are set according to
  // the result."
  inc: { effect: () => ({ defined: OF | SF | ZF | AF | PF, preserved: CF }), reads: 0 },
  dec: { effect: () => ({ defined: OF | SF | ZF | AF | PF, preserved: CF }), reads: 0 },
  // AND, OR, XOR, TEST: "The OF and CF flags are cleared; the SF, ZF, and PF flags are set
  // according to the result. The state of the AF flag is undefined."
  and: LOGIC,
  or: LOGIC,
  xor: LOGIC,
  test: LOGIC,
  // NOT: "None."
  not: { effect: () => UNCHANGED, reads: 0 },
  // SAL/SAR/SHL/SHR: "The CF flag contains the value of the last bit shifted out of the
  // destination operand; it is undefined for SHL and SHR instructions where the count is greater
  // than or equal to the size (in bits) of the destination operand. The OF flag is affected only
  // for 1-bit shifts; otherwise, it is undefined. The SF, ZF, and PF flags are set according to
  // the result. If the count is 0, the flags are not affected. For a non-zero count, the AF flag
  // is undefined." The count is masked to 5 bits first ("The count is masked to 5 bits").
  shl: { effect: (s, c) => shiftEffect('shl', s, c), reads: 0 },
  shr: { effect: (s, c) => shiftEffect('shr', s, c), reads: 0 },
  sar: { effect: (s, c) => shiftEffect('sar', s, c), reads: 0 },
  // RCL/RCR/ROL/ROR: "If the masked count is 0, the flags are not affected. If the masked count
  // is 1, then the OF flag is affected, otherwise (masked count is greater than 1) the OF flag is
  // undefined. The CF flag is affected when the masked count is non-zero. The SF, ZF, AF, and PF
  // flags are always unaffected." (The masked count, not the count modulo the size: an 8-bit
  // rotate by 8 sets CF from the result and leaves OF undefined.)
  rol: { effect: (_s, c) => rotateEffect(c), reads: 0 },
  ror: { effect: (_s, c) => rotateEffect(c), reads: 0 },
  // MUL: "The OF and CF flags are set to 0 if the upper half of the result is 0; otherwise, they
  // are set to 1. The SF, ZF, AF, and PF flags are undefined."
  mul: MULTIPLY,
  // IMUL (all three forms): "For the one operand form of the instruction, the CF and OF flags are
  // set when significant bits are carried into the upper half of the result and cleared when the
  // result fits exactly in the lower half of the result. For the two- and three-operand forms of
  // the instruction, the CF and OF flags are set when the result must be truncated to fit in the
  // destination operand size and cleared when the result fits exactly in the destination operand
  // size. The SF, ZF, AF, and PF flags are undefined."
  imul1: MULTIPLY,
  imul2: MULTIPLY,
  // DIV, IDIV: "The CF, OF, SF, ZF, AF, and PF flags are undefined."
  div: { effect: () => all(0), reads: 0 },
  idiv: { effect: () => all(0), reads: 0 },
  // SETcc, CMOVcc, Jcc: "None" of the flags is affected; what they read depends on the
  // condition (CONDITION_READS below).
  setcc: { effect: () => UNCHANGED, reads: 0 },
  cmovcc: { effect: () => UNCHANGED, reads: 0 },
  jcc: { effect: () => UNCHANGED, reads: 0 },
};

/**
 * The flags each condition code tests (SDM vol. 1, appendix B, "EFLAGS Condition Codes"), in
 * IA-32 order: O NO B AE E NE BE A S NS P NP L GE LE G.
 */
export const CONDITION_READS: readonly number[] = [
  OF, OF, CF, CF, ZF, ZF, CF | ZF, CF | ZF, SF, SF, PF, PF, SF | OF, SF | OF, ZF | SF | OF, ZF | SF | OF,
];

/** The flags an operation reads, condition codes included. */
export function flagsRead(op: string, cc: number): number {
  if (op === 'setcc' || op === 'cmovcc' || op === 'jcc') return CONDITION_READS[cc];
  return FLAG_RULES[op].reads;
}

/** "CF ZF" for a set of flags; "-" for none. */
export function flagNames(flags: number): string {
  const names: string[] = [];
  for (const [bit, name] of [[CF, 'CF'], [PF, 'PF'], [AF, 'AF'], [ZF, 'ZF'], [SF, 'SF'], [OF, 'OF']] as const) {
    if (flags & bit) names.push(name);
  }
  return names.length ? names.join(' ') : '-';
}
