// The CPU's architectural state lives in typed arrays (SPEC §2.1), so that a snapshot is a copy
// of a few arrays and the generated interpreter reaches every field by a constant index.

/** Indices into CPU.state (an Int32Array). */
export const enum S {
  EIP = 0,
  /** EFLAGS, except the arithmetic flags while they are lazy (see LOP). */
  FLAGS,
  /** Lazy-flags operation (Lazy.* | size code), 0 when FLAGS holds every flag. */
  LOP,
  /** Lazy-flags operands and result, each sign-extended from the operation's size. */
  LRES, LA, LB,
  /** INC and DEC keep CF: the operation and operands CF comes from while LOP is INC or DEC. */
  CF_OP, CF_A, CF_B,
  CPL,
  CR0, CR2, CR3, CR4,
  IDT_BASE, IDT_LIMIT,
  /** Linear address of the task-state area (LTR). */
  TR,
  /** The current run's instruction budget (run-relative); out-of-line code may lower it. */
  LIMIT,
  /** The run-relative instruction count at the last out-of-line call. */
  NNOW,
  /** 1 while halted by HLT. */
  HALTED,
  /** The pending exception: vector (-1 none) and error code (-1 none). */
  PEND_VEC, PEND_CODE,
  /** 1 during the instruction after an STI that set IF (interrupts held off). */
  INHIBIT,
  /** Nesting of exception delivery (for #DF and triple faults). */
  DELIVERING,
  SIZE,
}

/** EFLAGS bits (SDM 3.4.3). */
export const enum FL {
  CF = 0x1, ONE = 0x2, PF = 0x4, AF = 0x10, ZF = 0x40, SF = 0x80, TF = 0x100, IF = 0x200,
  DF = 0x400, OF = 0x800, IOPL = 0x3000,
  /** The six arithmetic flags. */
  ARITH = 0x8d5,
  /** Every flag toy86 models; the others read as 0 (bit 1 as 1). */
  MODELLED = 0x3fd5,
}

/** CR0 and CR4 bits. */
export const enum CR {
  PE = 0x1, WP = 0x10000, PG = 0x80000000 | 0,
  PSE = 0x10, PGE = 0x80,
}

/** Exception vectors (SPEC §2.3). */
export const enum Vec { DE = 0, DB = 1, BP = 3, UD = 6, DF = 8, GP = 13, PF = 14 }

/** The fixed selectors of toy86's flat segments. */
export const enum Sel { KCODE = 0x08, KDATA = 0x10, UCODE = 0x1b, UDATA = 0x23 }
