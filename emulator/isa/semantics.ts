// The semantic routines of the instruction table (SPEC §2.2), written once.
//
// Each routine is a template: given a form's operand accessors it returns the JavaScript that
// executes the instruction. emulator/cpu/codegen.ts pastes these bodies into the interpreter's
// switch, one case per form, after the code that decodes the operands and translates memory
// operands (so a body never sees a page fault on its declared operands: faults are precise).
// A body writes registers, memory and flags only after everything that can fault has been done.
//
// IA-32 semantics throughout (Intel SDM vol. 2); the comments cite what is subtle.

import { Alu, Shift, Str } from './table.js';
import type { Form } from './table.js';
import { Lazy, sizeCode } from '../cpu/flags.js';
import { S, FL, Vec } from '../cpu/state.js';

/** What a body may do with one operand. */
export interface OperandCode {
  /** The value, sign-extended from the operand size to 32 bits. */
  readonly get: string;
  /** The value, zero-extended. */
  readonly getz: string;
  /** A statement that stores the low bits of a simple expression (a variable or constant). */
  set(v: string): string;
  /** Memory operands: the effective address (a variable). */
  readonly ea: string;
  /** Register operands: the register number expression. */
  readonly reg: string;
}

/** The code-generation context a semantic routine writes against. */
export interface Ctx {
  readonly form: Form;
  readonly size: 8 | 16 | 32;
  readonly arg: number;
  readonly o: readonly OperandCode[];
  /** Expression: the address of the next instruction. */
  readonly next: string;
  /** Statement: finish normally (EIP = next). */
  readonly done: string;
  /** Statement: finish with EIP = target (a simple expression). */
  jump(target: string): string;
  /** Statement: finish with EIP = next + rel (a relative branch). */
  jumpRel(rel: string): string;
  /** Statement: raise an exception now (precise: the instruction has changed nothing). */
  raise(vector: number, code?: string): string;
  /** Statement: translate [addr, addr+bytes) for a read or write into pvar (faults exit). */
  xlate(addr: string, bytes: number, write: boolean, pvar: string): string;
  /** Expression: read `size` bits at a translated address (sign-extended). */
  load(pvar: string, addr: string, size: number): string;
  /** Statement: write `size` bits of v (a simple expression) at a translated address. */
  store(pvar: string, addr: string, size: number, v: string): string;
  /** Expression: is condition code cc true? */
  cond(cc: number): string;
  /** Statement: run out-of-line code with the machine state in sync; `call` yields the new n. */
  outOfLine(call: string): string;
}

/** How a routine uses each operand: read, write, both, address only, or none (handled itself). */
export type Access = 'r' | 'w' | 'rw' | 'a' | 'n';

export interface Semantic {
  access(form: Form): readonly Access[];
  body(c: Ctx): string;
  /** Routines that only run as cold code (they reach the machine out of line). */
  coldOnly?: boolean;
}

// ---- helpers -------------------------------------------------------------------------------

/** Truncate expression e to `size` bits, sign-extended. */
export function trunc(size: number, e: string): string {
  return size === 32 ? `((${e}) | 0)` : size === 16 ? `((${e}) << 16 >> 16)` : `((${e}) << 24 >> 24)`;
}
const MASK = (size: number) => (size === 32 ? '-1' : size === 16 ? '0xffff' : '0xff');
const BYTES = (size: number) => size >> 3;

/** Statement: record lazy flags. */
function lazy(kind: Lazy, size: number, a: string, b: string, r: string): string {
  return `F[${S.LOP}] = ${kind | sizeCode(size)}; F[${S.LA}] = ${a}; F[${S.LB}] = ${b}; F[${S.LRES}] = ${r};`;
}
/** Statement: before INC/DEC, keep where CF comes from (emulator/cpu/flags.ts). */
const KEEP_CF = `w = F[${S.LOP}] & ~3; if (w !== ${Lazy.INC} && w !== ${Lazy.DEC}) { F[${S.CF_OP}] = F[${S.LOP}]; F[${S.CF_A}] = F[${S.LA}]; F[${S.CF_B}] = F[${S.LB}]; }`;

const each = (n: number, a: Access): Access[] => Array.from({ length: n }, () => a);
const fixed = (...a: Access[]) => () => a;

const push32 = (c: Ctx, v: string) =>
  `w = (R[4] - 4) | 0; ${c.xlate('w', 4, true, 'p1')} ${c.store('p1', 'w', 32, v)} R[4] = w;`;

// ---- the routines ----------------------------------------------------------------------------

export const SEMANTICS: Readonly<Record<string, Semantic>> = {
  nop: { access: fixed(), body: (c) => c.done },

  // MOV: dest ← src (no flags).
  mov: { access: fixed('w', 'r'), body: (c) => `x = ${c.o[1].get}; ${c.o[0].set('x')} ${c.done}` },

  // MOVZX / MOVSX: dest ← zero- or sign-extended src.
  movzx: { access: fixed('w', 'r'), body: (c) => `x = ${c.o[1].getz}; ${c.o[0].set('x')} ${c.done}` },
  movsx: { access: fixed('w', 'r'), body: (c) => `x = ${c.o[1].get}; ${c.o[0].set('x')} ${c.done}` },

  // LEA: dest ← effective address; no memory access.
  lea: { access: fixed('w', 'a'), body: (c) => `${c.o[0].set(c.o[1].ea)} ${c.done}` },

  // ADD OR ADC SBB AND SUB XOR CMP (SDM: flags per the operation; CMP writes nothing).
  alu: {
    access: (f) => (f.arg === Alu.Cmp ? ['r', 'r'] : ['rw', 'r']),
    body: (c) => {
      const s = c.size;
      const read = `x = ${c.o[0].get}; y = ${c.o[1].get};`;
      const write = c.arg === Alu.Cmp ? '' : c.o[0].set('z');
      let op: string;
      switch (c.arg) {
        case Alu.Add: op = `z = ${trunc(s, 'x + y')}; ${lazy(Lazy.ADD, s, 'x', 'y', 'z')}`; break;
        case Alu.Sub: case Alu.Cmp: op = `z = ${trunc(s, 'x - y')}; ${lazy(Lazy.SUB, s, 'x', 'y', 'z')}`; break;
        case Alu.And: op = `z = x & y; ${lazy(Lazy.LOGIC, s, 'x', 'y', 'z')}`; break;
        case Alu.Or: op = `z = x | y; ${lazy(Lazy.LOGIC, s, 'x', 'y', 'z')}`; break;
        case Alu.Xor: op = `z = x ^ y; ${lazy(Lazy.LOGIC, s, 'x', 'y', 'z')}`; break;
        // ADC/SBB with a carry-in of 0 are ADD/SUB; with 1 the lazy kinds ADC/SBB account for it.
        case Alu.Adc: op = `w = cpu.carry(); z = ${trunc(s, 'x + y + w')}; F[${S.LOP}] = (w ? ${Lazy.ADC} : ${Lazy.ADD}) | ${sizeCode(s)}; F[${S.LA}] = x; F[${S.LB}] = y; F[${S.LRES}] = z;`; break;
        case Alu.Sbb: op = `w = cpu.carry(); z = ${trunc(s, 'x - y - w')}; F[${S.LOP}] = (w ? ${Lazy.SBB} : ${Lazy.SUB}) | ${sizeCode(s)}; F[${S.LA}] = x; F[${S.LB}] = y; F[${S.LRES}] = z;`; break;
        default: throw new Error('alu: bad op');
      }
      return `${read} ${op} ${write} ${c.done}`;
    },
  },

  // TEST: flags of src1 AND src2.
  test: {
    access: fixed('r', 'r'),
    body: (c) => `x = ${c.o[0].get}; y = ${c.o[1].get}; z = x & y; ${lazy(Lazy.LOGIC, c.size, 'x', 'y', 'z')} ${c.done}`,
  },

  // INC / DEC: like ADD/SUB 1, but CF is kept.
  inc: {
    access: fixed('rw'),
    body: (c) => `x = ${c.o[0].get}; z = ${trunc(c.size, 'x + 1')}; ${KEEP_CF} ${lazy(Lazy.INC, c.size, 'x', '1', 'z')} ${c.o[0].set('z')} ${c.done}`,
  },
  dec: {
    access: fixed('rw'),
    body: (c) => `x = ${c.o[0].get}; z = ${trunc(c.size, 'x - 1')}; ${KEEP_CF} ${lazy(Lazy.DEC, c.size, 'x', '1', 'z')} ${c.o[0].set('z')} ${c.done}`,
  },
  // NEG: 0 - dest; CF = (dest != 0).
  neg: {
    access: fixed('rw'),
    body: (c) => `x = ${c.o[0].get}; z = ${trunc(c.size, '-x')}; ${lazy(Lazy.SUB, c.size, '0', 'x', 'z')} ${c.o[0].set('z')} ${c.done}`,
  },
  // NOT: no flags.
  not: { access: fixed('rw'), body: (c) => `x = ~${c.o[0].get}; ${c.o[0].set('x')} ${c.done}` },

  // SHL SHR SAR ROL ROR: count masked to 5 bits; a masked count of 0 changes nothing (SDM SAL/SAR/SHL/SHR).
  shift: {
    access: fixed('rw', 'r'),
    body: (c) => {
      const s = c.size;
      const head = `y = ${c.o[1].getz} & 31; if (y !== 0) { x = ${c.o[0].get};`;
      let op: string;
      switch (c.arg) {
        case Shift.Shl: op = `z = ${trunc(s, 'x << y')}; ${lazy(Lazy.SHL, s, 'x', 'y', 'z')}`; break;
        case Shift.Shr: op = `z = ${trunc(s, `(x & ${MASK(s)}) >>> y`)}; ${lazy(Lazy.SHR, s, 'x', 'y', 'z')}`; break;
        case Shift.Sar: op = `z = ${trunc(s, 'x >> y')}; ${lazy(Lazy.SAR, s, 'x', 'y', 'z')}`; break;
        // Rotates touch only CF and OF; the helper folds the lazy flags and sets both.
        case Shift.Rol: case Shift.Ror: op = `z = cpu.rotate(${c.arg === Shift.Rol ? 0 : 1}, ${s}, x, y);`; break;
        default: throw new Error('shift: bad op');
      }
      return `${head} ${op} ${c.o[0].set('z')} } ${c.done}`;
    },
  },

  // IMUL r, r/m and IMUL r, r/m, imm: truncated signed product; CF = OF = (product was truncated).
  imul: {
    access: (f) => (f.operands.length === 2 ? ['rw', 'r'] : ['w', 'r', 'r']),
    body: (c) => {
      const a = c.o.length === 2 ? 0 : 1;
      const b = c.o.length === 2 ? 1 : 2;
      return `x = ${c.o[a].get}; y = ${c.o[b].get}; z = ${trunc(c.size, 'Math.imul(x, y)')}; ` +
        `F[${S.LOP}] = ${Lazy.MUL | sizeCode(c.size)}; F[${S.LA}] = x * y !== z ? 1 : 0; F[${S.LB}] = 0; F[${S.LRES}] = z; ` +
        `${c.o[0].set('z')} ${c.done}`;
    },
  },
  // MUL / IMUL r/m: (E)DX:(E)AX or AX ← accumulator × src; CF = OF = (high half significant).
  mul: { access: fixed('r'), body: (c) => `cpu.multiply(${c.size}, ${c.o[0].get}, 0); ${c.done}` },
  imul1: { access: fixed('r'), body: (c) => `cpu.multiply(${c.size}, ${c.o[0].get}, 1); ${c.done}` },
  // DIV / IDIV r/m: #DE on a zero divisor or a quotient that does not fit, before any write.
  div: {
    access: fixed('r'),
    body: (c) => `if (!cpu.divide(${c.size}, ${c.o[0].get}, 0)) ${c.raise(Vec.DE)} ${c.done}`,
  },
  idiv: {
    access: fixed('r'),
    body: (c) => `if (!cpu.divide(${c.size}, ${c.o[0].get}, 1)) ${c.raise(Vec.DE)} ${c.done}`,
  },
  // CDQ: EDX ← sign of EAX. CWDE: EAX ← sign-extended AX.
  cdq: { access: fixed(), body: (c) => `R[2] = R[0] >> 31; ${c.done}` },
  cwde: { access: fixed(), body: (c) => `R[0] = R[0] << 16 >> 16; ${c.done}` },

  // XCHG: swap (with a memory operand, the write is checked before either change).
  xchg: {
    access: fixed('rw', 'rw'),
    body: (c) => `x = ${c.o[0].get}; y = ${c.o[1].get}; ${c.o[0].set('y')} ${c.o[1].set('x')} ${c.done}`,
  },

  // SETcc r/m8 and CMOVcc r32, r/m32 (the source is read whatever the condition, as on IA-32).
  setcc: { access: fixed('w'), body: (c) => `x = ${c.cond(c.arg)} ? 1 : 0; ${c.o[0].set('x')} ${c.done}` },
  cmovcc: {
    access: fixed('w', 'r'),
    body: (c) => `x = ${c.o[1].get}; if (${c.cond(c.arg)}) { ${c.o[0].set('x')} } ${c.done}`,
  },

  // PUSH r/m32, imm: ESP is decremented after the value is read (PUSH ESP pushes the old ESP).
  push: { access: fixed('r'), body: (c) => `x = ${c.o[0].get}; ${push32(c, 'x')} ${c.done}` },
  // POP r32 / m32: the value is read, then ESP incremented, then the destination written; a
  // memory destination's address is computed with the incremented ESP (SDM POP).
  pop: {
    access: fixed('n'),
    body: (c) => {
      const read = `w = R[4]; ${c.xlate('w', 4, false, 'p1')} x = ${c.load('p1', 'w', 32)};`;
      if (c.form.operands[0] === 'r32') return `${read} R[4] = (w + 4) | 0; ${c.o[0].set('x')} ${c.done}`;
      const ea = `(${c.o[0].ea} + ((b0 & 15) === 4 ? 4 : 0) + ((b0 >> 4) === 4 ? 4 << (b1 & 3) : 0)) | 0`;
      return `${read} y = ${ea}; ${c.xlate('y', 4, true, 'p0')} ${c.store('p0', 'y', 32, 'x')} R[4] = (w + 4) | 0; ${c.done}`;
    },
  },

  // CALL rel32 / r/m32: push the return address, jump.
  call: {
    access: (f) => (f.operands[0] === 'rel32' ? ['n'] : ['r']),
    body: (c) => {
      const go = c.form.operands[0] === 'rel32' ? c.jumpRel(c.o[0].get) : `z = ${c.o[0].get}; ${c.jump('z')}`;
      return `y = ${c.next}; ${push32(c, 'y')} ${go}`;
    },
  },
  // RET [imm16]: pop EIP, then release imm16 bytes.
  ret: {
    access: fixed('n'),
    body: (c) => {
      const release = c.form.operands.length ? ` + ${c.o[0].getz}` : '';
      return `w = R[4]; ${c.xlate('w', 4, false, 'p1')} x = ${c.load('p1', 'w', 32)}; R[4] = (w + 4${release}) | 0; ${c.jump('x')}`;
    },
  },
  // LEAVE: ESP ← EBP, then POP EBP.
  leave: {
    access: fixed(),
    body: (c) => `w = R[5]; ${c.xlate('w', 4, false, 'p1')} x = ${c.load('p1', 'w', 32)}; R[4] = (w + 4) | 0; R[5] = x; ${c.done}`,
  },
  // JMP rel / r/m32.
  jmp: {
    access: (f) => (f.operands[0].startsWith('rel') ? ['n'] : ['r']),
    body: (c) => {
      return c.form.operands[0].startsWith('rel') ? c.jumpRel(c.o[0].get) : `z = ${c.o[0].get}; ${c.jump('z')}`;
    },
  },
  // Jcc rel.
  jcc: {
    access: fixed('n'),
    body: (c) => `if (${c.cond(c.arg)}) { ${c.jumpRel(c.o[0].get)} } else { ${c.done} }`,
  },

  // PUSHFD / POPFD and PUSHAD / POPAD, out of line (POPFD may change IF and TF).
  pushfd: { coldOnly: true, access: fixed(), body: (c) => `x = cpu.eflags() & ${FL.MODELLED | FL.ONE}; ${push32(c, 'x')} ${c.done}` },
  popfd: {
    coldOnly: true, access: fixed(),
    body: (c) => `w = R[4]; ${c.xlate('w', 4, false, 'p1')} x = ${c.load('p1', 'w', 32)}; R[4] = (w + 4) | 0; cpu.popFlags(x, n); ${c.done}`,
  },
  pushad: {
    coldOnly: true, access: fixed(),
    body: (c) => `w = (R[4] - 32) | 0; if (!cpu.probe(w, 32, 1)) ${c.raise(-1)} cpu.pushAll(w); ${c.done}`,
  },
  popad: {
    coldOnly: true, access: fixed(),
    body: (c) => `w = R[4]; if (!cpu.probe(w, 32, 0)) ${c.raise(-1)} cpu.popAll(w); ${c.done}`,
  },

  // MOV to and from CR0/CR2/CR3/CR4: CPL 0 only.
  movcr: {
    coldOnly: true, access: fixed('n', 'n'),
    body: (c) => {
      const priv = `if (F[${S.CPL}] !== 0) ${c.raise(Vec.GP, '0')}`;
      if (c.form.operands[0] === 'cr') return `${priv} ${c.done} cpu.writeCR(${c.o[0].reg}, R[${c.o[1].reg}]); F[${S.LIMIT}] = n + 1;`;
      return `${priv} R[${c.o[0].reg}] = cpu.readCR(${c.o[1].reg}); ${c.done}`;
    },
  },

  // MOVS STOS LODS CMPS, with REP/REPE/REPNE: one iteration per unit of time, interruptible.
  string: {
    coldOnly: true, access: fixed(),
    body: (c) => `${c.outOfLine(`cpu.stringOp(${c.arg}, ${c.next}, n, limit)`)}`,
  },

  // CLD STD CLC STC CMC.
  flagop: { coldOnly: true, access: fixed(), body: (c) => `cpu.flagOp(${c.arg}); ${c.done}` },
  // CLI / STI: CPL <= IOPL, else #GP(0). STI holds interrupts off for one more instruction.
  cli: {
    coldOnly: true, access: fixed(),
    body: (c) => `if (!cpu.ioAllowed()) ${c.raise(Vec.GP, '0')} F[${S.FLAGS}] &= ~${FL.IF}; ${c.done}`,
  },
  sti: {
    coldOnly: true, access: fixed(),
    body: (c) => `if (!cpu.ioAllowed()) ${c.raise(Vec.GP, '0')} cpu.sti(n); ${c.done}`,
  },
  // HLT: CPL 0; the machine waits for an interrupt (or stops if IF = 0).
  hlt: {
    coldOnly: true, access: fixed(),
    body: (c) => `if (F[${S.CPL}] !== 0) ${c.raise(Vec.GP, '0')} ${c.done} F[${S.HALTED}] = 1; F[${S.LIMIT}] = n + 1;`,
  },
  // INT imm8 / INT3: software interrupts, checked against the gate's DPL.
  int: { coldOnly: true, access: fixed('n'), body: (c) => c.outOfLine(`cpu.softwareInterrupt(${c.o[0].getz}, ${c.next}, n)`) },
  int3: { coldOnly: true, access: fixed(), body: (c) => c.outOfLine(`cpu.softwareInterrupt(${Vec.BP}, ${c.next}, n)`) },
  iret: { coldOnly: true, access: fixed(), body: (c) => c.outOfLine('cpu.iret(n)') },
  // LIDT m / LTR r32 / INVLPG m: CPL 0.
  lidt: {
    coldOnly: true, access: fixed('a'),
    body: (c) => `if (F[${S.CPL}] !== 0) ${c.raise(Vec.GP, '0')} if (!cpu.lidt(${c.o[0].ea})) ${c.raise(-1)} ${c.done}`,
  },
  ltr: {
    coldOnly: true, access: fixed('r'),
    body: (c) => `if (F[${S.CPL}] !== 0) ${c.raise(Vec.GP, '0')} F[${S.TR}] = ${c.o[0].get}; ${c.done}`,
  },
  invlpg: {
    coldOnly: true, access: fixed('a'),
    body: (c) => `if (F[${S.CPL}] !== 0) ${c.raise(Vec.GP, '0')} cpu.invlpg(${c.o[0].ea}); ${c.done}`,
  },
  // IN / OUT: CPL <= IOPL, else #GP(0). The machine is left after an OUT so that a device's
  // reaction (an IRQ, a power-off) takes effect at once.
  in: {
    coldOnly: true, access: fixed('n', 'n'),
    body: (c) => `if (!cpu.ioAllowed()) ${c.raise(Vec.GP, '0')} x = cpu.portIn(${c.o[1].getz}, ${c.size}); ${c.o[0].set('x')} ${c.done}`,
  },
  out: {
    coldOnly: true, access: fixed('n', 'n'),
    body: (c) => `if (!cpu.ioAllowed()) ${c.raise(Vec.GP, '0')} ${c.done} cpu.portOut(${c.o[0].getz}, ${c.size}, ${c.o[1].get}); cpu.afterPortWrite(n);`,
  },
  // RDTSC: EDX:EAX ← the instruction count. CPUID: identification. UD2: #UD.
  rdtsc: { coldOnly: true, access: fixed(), body: (c) => `cpu.rdtsc(n); ${c.done}` },
  cpuid: { coldOnly: true, access: fixed(), body: (c) => `cpu.cpuid(); ${c.done}` },
  ud2: { coldOnly: true, access: fixed(), body: (c) => c.raise(Vec.UD) },
};

export { BYTES, MASK, each, Str };
