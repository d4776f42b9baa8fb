// THE instruction table of toy86 (SPEC §2.2).
//
// One definition per instruction: its mnemonic (and aliases), its operand forms, the semantic
// routine that executes it (emulator/isa/semantics.ts) and whether it lives in the hot one-byte
// opcode page or in the cold two-byte page. Opcodes are assigned from this table in order, and the
// byte layout of every form follows from its operand kinds (emulator/isa/encoding.ts). The decoder,
// the interpreter (emulator/cpu/codegen.ts), the assembler's encoder and the disassembler are all
// derived from it; docs/isa.md shows the resulting opcode map.

/** Operand kinds. The first three groups are encoded in the instruction; fixed registers are not. */
export type OperandKind =
  | 'r8' | 'r16' | 'r32' | 'cr'             // a register, a nibble of the regs byte
  | 'm8' | 'm16' | 'm32' | 'm'              // a memory operand (m: address only, no access size)
  | 'i8' | 'i16' | 'i32' | 's8'             // immediates; s8 is sign-extended to the operand size
  | 'rel8' | 'rel32'                        // branch displacement from the next instruction
  | 'al' | 'ax' | 'eax' | 'cl' | 'dx';      // implied registers, not encoded

/** Condition codes in IA-32 order; the first name is the canonical one, the rest are aliases. */
export const CONDITIONS: readonly (readonly string[])[] = [
  ['o'], ['no'], ['b', 'c', 'nae'], ['ae', 'nb', 'nc'], ['e', 'z'], ['ne', 'nz'], ['be', 'na'],
  ['a', 'nbe'], ['s'], ['ns'], ['p', 'pe'], ['np', 'po'], ['l', 'nge'], ['ge', 'nl'],
  ['le', 'ng'], ['g', 'nle'],
];

/** Binary ALU operations, numbered as IA-32 numbers them in its 0x80 group. */
export const enum Alu { Add = 0, Or = 1, Adc = 2, Sbb = 3, And = 4, Sub = 5, Xor = 6, Cmp = 7 }

/** Shift and rotate operations (IA-32's 0xC1 group numbering). */
export const enum Shift { Rol = 0, Ror = 1, Shl = 4, Shr = 5, Sar = 7 }

/** String operations. A string form's arg is Rep << 12 | Str << 8 | operand size in bits. */
export const enum Str { Movs = 0, Stos = 1, Lods = 2, Cmps = 3 }
export const enum Rep { None = 0, Rep = 1, Repe = 2, Repne = 3 }

export interface InstructionDef {
  readonly mnemonic: string;
  readonly aliases?: readonly string[];
  /** Operand patterns: comma-separated operand kinds, '' for none. */
  readonly forms: readonly string[];
  /** Name of the semantic routine in emulator/isa/semantics.ts. */
  readonly sem: string;
  /** Parameter of the semantic routine (ALU operation, condition code, ...). */
  readonly arg?: number;
  /** Cold instructions take a two-byte opcode (0x0F xx) and run outside the hot loop. */
  readonly cold?: boolean;
}

const ALU_NAMES: readonly [string, Alu][] = [
  ['add', Alu.Add], ['or', Alu.Or], ['adc', Alu.Adc], ['sbb', Alu.Sbb],
  ['and', Alu.And], ['sub', Alu.Sub], ['xor', Alu.Xor], ['cmp', Alu.Cmp],
];
const SHIFT_NAMES: readonly [string, Shift, string[]][] = [
  ['rol', Shift.Rol, []], ['ror', Shift.Ror, []], ['shl', Shift.Shl, ['sal']],
  ['shr', Shift.Shr, []], ['sar', Shift.Sar, []],
];
const cc = (prefix: string, i: number) => ({
  mnemonic: prefix + CONDITIONS[i][0],
  aliases: CONDITIONS[i].slice(1).map((c) => prefix + c),
});
const each = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

/**
 * The table. Order matters only for opcode numbering: hot instructions take one-byte opcodes
 * 0x00, 0x01, ... in the order they appear here (0x0F is the escape to the cold page); cold ones
 * take 0x0F 0x00, 0x0F 0x01, ...
 */
export const INSTRUCTIONS: readonly InstructionDef[] = [
  // ---- hot page: what compiled code runs most ----
  { mnemonic: 'nop', forms: [''], sem: 'nop' },
  { mnemonic: 'mov', forms: ['r32,r32', 'r32,i32', 'r32,m32', 'm32,r32', 'm32,i32'], sem: 'mov' },
  ...ALU_NAMES.map(([mnemonic, op]) => ({
    mnemonic, sem: 'alu', arg: op,
    forms: ['r32,r32', 'r32,s8', 'r32,i32', 'r32,m32', 'm32,r32', 'm32,s8', 'm32,i32'],
  })),
  { mnemonic: 'test', forms: ['r32,r32', 'r32,i32', 'm32,r32', 'm32,i32', 'r8,r8', 'r8,i8', 'm8,r8', 'm8,i8'], sem: 'test' },
  { mnemonic: 'lea', forms: ['r32,m'], sem: 'lea' },
  { mnemonic: 'mov', forms: ['r8,r8', 'r8,i8', 'r8,m8', 'm8,r8', 'm8,i8'], sem: 'mov' },
  { mnemonic: 'mov', forms: ['r16,r16', 'r16,i16', 'r16,m16', 'm16,r16', 'm16,i16'], sem: 'mov' },
  { mnemonic: 'movzx', forms: ['r32,r8', 'r32,m8', 'r32,r16', 'r32,m16'], sem: 'movzx' },
  { mnemonic: 'movsx', forms: ['r32,r8', 'r32,m8', 'r32,r16', 'r32,m16'], sem: 'movsx' },
  { mnemonic: 'push', forms: ['r32', 's8', 'i32', 'm32'], sem: 'push' },
  { mnemonic: 'pop', forms: ['r32'], sem: 'pop' },
  { mnemonic: 'call', forms: ['rel32', 'r32', 'm32'], sem: 'call' },
  { mnemonic: 'ret', forms: ['', 'i16'], sem: 'ret' },
  { mnemonic: 'leave', forms: [''], sem: 'leave' },
  { mnemonic: 'jmp', forms: ['rel8', 'rel32', 'r32', 'm32'], sem: 'jmp' },
  ...each(16, (i) => ({ ...cc('j', i), forms: ['rel8', 'rel32'], sem: 'jcc', arg: i })),
  { mnemonic: 'inc', forms: ['r32', 'm32'], sem: 'inc' },
  { mnemonic: 'dec', forms: ['r32', 'm32'], sem: 'dec' },
  { mnemonic: 'neg', forms: ['r32', 'm32'], sem: 'neg' },
  { mnemonic: 'not', forms: ['r32', 'm32'], sem: 'not' },
  ...SHIFT_NAMES.map(([mnemonic, op, aliases]) => ({
    mnemonic, aliases, sem: 'shift', arg: op, forms: ['r32,i8', 'm32,i8', 'r32,cl', 'm32,cl'],
  })),
  { mnemonic: 'imul', forms: ['r32,r32', 'r32,m32', 'r32,r32,s8', 'r32,r32,i32', 'r32,m32,s8', 'r32,m32,i32'], sem: 'imul' },
  { mnemonic: 'mul', forms: ['r32', 'm32'], sem: 'mul' },
  { mnemonic: 'imul', forms: ['r32', 'm32'], sem: 'imul1' },
  { mnemonic: 'div', forms: ['r32', 'm32'], sem: 'div' },
  { mnemonic: 'idiv', forms: ['r32', 'm32'], sem: 'idiv' },
  { mnemonic: 'cdq', forms: [''], sem: 'cdq' },
  { mnemonic: 'xchg', forms: ['r32,r32', 'm32,r32'], sem: 'xchg' },
  ...each(16, (i) => ({ ...cc('set', i), forms: ['r8'], sem: 'setcc', arg: i })),
  ...each(16, (i) => ({ ...cc('cmov', i), forms: ['r32,r32', 'r32,m32'], sem: 'cmovcc', arg: i })),

  // ---- cold page: two-byte opcodes 0x0F xx ----
  ...ALU_NAMES.map(([mnemonic, op]) => ({
    mnemonic, sem: 'alu', arg: op, cold: true,
    forms: ['r8,r8', 'r8,i8', 'r8,m8', 'm8,r8', 'm8,i8',
            'r16,r16', 'r16,i16', 'r16,m16', 'm16,r16', 'm16,i16'],
  })),
  { mnemonic: 'test', forms: ['r16,r16', 'r16,i16', 'm16,r16', 'm16,i16'], sem: 'test', cold: true },
  { mnemonic: 'movzx', forms: ['r16,r8', 'r16,m8'], sem: 'movzx', cold: true },
  { mnemonic: 'movsx', forms: ['r16,r8', 'r16,m8'], sem: 'movsx', cold: true },
  { mnemonic: 'xchg', forms: ['r16,r16', 'm16,r16', 'r8,r8', 'm8,r8'], sem: 'xchg', cold: true },
  { mnemonic: 'pop', forms: ['m32'], sem: 'pop', cold: true },
  { mnemonic: 'inc', forms: ['r8', 'm8', 'r16', 'm16'], sem: 'inc', cold: true },
  { mnemonic: 'dec', forms: ['r8', 'm8', 'r16', 'm16'], sem: 'dec', cold: true },
  { mnemonic: 'neg', forms: ['r8', 'm8', 'r16', 'm16'], sem: 'neg', cold: true },
  { mnemonic: 'not', forms: ['r8', 'm8', 'r16', 'm16'], sem: 'not', cold: true },
  ...SHIFT_NAMES.map(([mnemonic, op, aliases]) => ({
    mnemonic, aliases, sem: 'shift', arg: op, cold: true,
    forms: ['r8,i8', 'm8,i8', 'r8,cl', 'm8,cl', 'r16,i8', 'm16,i8', 'r16,cl', 'm16,cl'],
  })),
  { mnemonic: 'imul', forms: ['r16,r16', 'r16,m16', 'r16,r16,i16', 'r16,m16,i16'], sem: 'imul', cold: true },
  { mnemonic: 'mul', forms: ['r8', 'm8', 'r16', 'm16'], sem: 'mul', cold: true },
  { mnemonic: 'imul', forms: ['r8', 'm8', 'r16', 'm16'], sem: 'imul1', cold: true },
  { mnemonic: 'div', forms: ['r8', 'm8', 'r16', 'm16'], sem: 'div', cold: true },
  { mnemonic: 'idiv', forms: ['r8', 'm8', 'r16', 'm16'], sem: 'idiv', cold: true },
  ...each(16, (i) => ({ ...cc('set', i), forms: ['m8'], sem: 'setcc', arg: i, cold: true })),
  { mnemonic: 'pushfd', forms: [''], sem: 'pushfd', cold: true },
  { mnemonic: 'popfd', forms: [''], sem: 'popfd', cold: true },
  { mnemonic: 'pushad', forms: [''], sem: 'pushad', cold: true },
  { mnemonic: 'popad', forms: [''], sem: 'popad', cold: true },
  { mnemonic: 'mov', forms: ['r32,cr', 'cr,r32'], sem: 'movcr', cold: true },
  { mnemonic: 'movsb', forms: [''], sem: 'string', arg: Str.Movs << 8 | 8, cold: true },
  { mnemonic: 'movsw', forms: [''], sem: 'string', arg: Str.Movs << 8 | 16, cold: true },
  { mnemonic: 'movsd', forms: [''], sem: 'string', arg: Str.Movs << 8 | 32, cold: true },
  { mnemonic: 'stosb', forms: [''], sem: 'string', arg: Str.Stos << 8 | 8, cold: true },
  { mnemonic: 'stosw', forms: [''], sem: 'string', arg: Str.Stos << 8 | 16, cold: true },
  { mnemonic: 'stosd', forms: [''], sem: 'string', arg: Str.Stos << 8 | 32, cold: true },
  { mnemonic: 'lodsb', forms: [''], sem: 'string', arg: Str.Lods << 8 | 8, cold: true },
  { mnemonic: 'lodsw', forms: [''], sem: 'string', arg: Str.Lods << 8 | 16, cold: true },
  { mnemonic: 'lodsd', forms: [''], sem: 'string', arg: Str.Lods << 8 | 32, cold: true },
  { mnemonic: 'cmpsb', forms: [''], sem: 'string', arg: Str.Cmps << 8 | 8, cold: true },
  { mnemonic: 'cmpsw', forms: [''], sem: 'string', arg: Str.Cmps << 8 | 16, cold: true },
  { mnemonic: 'cmpsd', forms: [''], sem: 'string', arg: Str.Cmps << 8 | 32, cold: true },
  { mnemonic: 'rep movsb', forms: [''], sem: 'string', arg: Rep.Rep << 12 | Str.Movs << 8 | 8, cold: true },
  { mnemonic: 'rep movsw', forms: [''], sem: 'string', arg: Rep.Rep << 12 | Str.Movs << 8 | 16, cold: true },
  { mnemonic: 'rep movsd', forms: [''], sem: 'string', arg: Rep.Rep << 12 | Str.Movs << 8 | 32, cold: true },
  { mnemonic: 'rep stosb', forms: [''], sem: 'string', arg: Rep.Rep << 12 | Str.Stos << 8 | 8, cold: true },
  { mnemonic: 'rep stosw', forms: [''], sem: 'string', arg: Rep.Rep << 12 | Str.Stos << 8 | 16, cold: true },
  { mnemonic: 'rep stosd', forms: [''], sem: 'string', arg: Rep.Rep << 12 | Str.Stos << 8 | 32, cold: true },
  { mnemonic: 'rep lodsb', forms: [''], sem: 'string', arg: Rep.Rep << 12 | Str.Lods << 8 | 8, cold: true },
  { mnemonic: 'rep lodsd', forms: [''], sem: 'string', arg: Rep.Rep << 12 | Str.Lods << 8 | 32, cold: true },
  { mnemonic: 'repe cmpsb', aliases: ['repz cmpsb'], forms: [''], sem: 'string', arg: Rep.Repe << 12 | Str.Cmps << 8 | 8, cold: true },
  { mnemonic: 'repne cmpsb', aliases: ['repnz cmpsb'], forms: [''], sem: 'string', arg: Rep.Repne << 12 | Str.Cmps << 8 | 8, cold: true },
  { mnemonic: 'repe cmpsd', aliases: ['repz cmpsd'], forms: [''], sem: 'string', arg: Rep.Repe << 12 | Str.Cmps << 8 | 32, cold: true },
  { mnemonic: 'repne cmpsd', aliases: ['repnz cmpsd'], forms: [''], sem: 'string', arg: Rep.Repne << 12 | Str.Cmps << 8 | 32, cold: true },
  { mnemonic: 'cld', forms: [''], sem: 'flagop', arg: 0, cold: true },
  { mnemonic: 'std', forms: [''], sem: 'flagop', arg: 1, cold: true },
  { mnemonic: 'clc', forms: [''], sem: 'flagop', arg: 2, cold: true },
  { mnemonic: 'stc', forms: [''], sem: 'flagop', arg: 3, cold: true },
  { mnemonic: 'cmc', forms: [''], sem: 'flagop', arg: 4, cold: true },
  { mnemonic: 'cli', forms: [''], sem: 'cli', cold: true },
  { mnemonic: 'sti', forms: [''], sem: 'sti', cold: true },
  { mnemonic: 'hlt', forms: [''], sem: 'hlt', cold: true },
  { mnemonic: 'int', forms: ['i8'], sem: 'int', cold: true },
  { mnemonic: 'int3', forms: [''], sem: 'int3', cold: true },
  { mnemonic: 'iretd', aliases: ['iret'], forms: [''], sem: 'iret', cold: true },
  { mnemonic: 'lidt', forms: ['m'], sem: 'lidt', cold: true },
  { mnemonic: 'ltr', forms: ['r32'], sem: 'ltr', cold: true },
  { mnemonic: 'invlpg', forms: ['m'], sem: 'invlpg', cold: true },
  { mnemonic: 'in', forms: ['al,i8', 'ax,i8', 'eax,i8', 'al,dx', 'ax,dx', 'eax,dx'], sem: 'in', cold: true },
  { mnemonic: 'out', forms: ['i8,al', 'i8,ax', 'i8,eax', 'dx,al', 'dx,ax', 'dx,eax'], sem: 'out', cold: true },
  { mnemonic: 'rdtsc', forms: [''], sem: 'rdtsc', cold: true },
  { mnemonic: 'cpuid', forms: [''], sem: 'cpuid', cold: true },
  { mnemonic: 'ud2', forms: [''], sem: 'ud2', cold: true },
  { mnemonic: 'cwde', forms: [''], sem: 'cwde', cold: true },
];

/** The escape byte that introduces a cold (two-byte) opcode. */
export const ESCAPE = 0x0f;

/** One operand form of one instruction, with its opcode: the unit of encoding and execution. */
export interface Form {
  /** Index in FORMS. */
  readonly id: number;
  /** 0x00–0xFE (one byte, never 0x0F) or 0x100 | b for the two-byte opcode 0x0F b. */
  readonly opcode: number;
  readonly mnemonic: string;
  readonly aliases: readonly string[];
  readonly operands: readonly OperandKind[];
  readonly sem: string;
  readonly arg: number;
  readonly cold: boolean;
  /** Operand size in bits: that of the first sized operand (32 when none). */
  readonly size: 8 | 16 | 32;
}

const KINDS = new Set<string>([
  'r8', 'r16', 'r32', 'cr', 'm8', 'm16', 'm32', 'm', 'i8', 'i16', 'i32', 's8', 'rel8', 'rel32',
  'al', 'ax', 'eax', 'cl', 'dx',
]);

/** The size in bits of an operand kind, or 0 when it has none of its own. */
export function kindSize(k: OperandKind): 0 | 8 | 16 | 32 {
  switch (k) {
    case 'r8': case 'm8': case 'i8': case 'al': case 'cl': return 8;
    case 'r16': case 'm16': case 'i16': case 'ax': case 'dx': return 16;
    case 'r32': case 'm32': case 'i32': case 'eax': case 'cr': return 32;
    default: return 0;
  }
}

function operandSize(ops: readonly OperandKind[], sem: string): 8 | 16 | 32 {
  // IN/OUT: the size is that of the accumulator, not of the port operand.
  if (sem === 'in' || sem === 'out') {
    for (const k of ops) if (k === 'al' || k === 'ax' || k === 'eax') return kindSize(k) as 8 | 16 | 32;
  }
  for (const k of ops) {
    if (k === 'i8' || k === 'cl' || k === 's8') continue; // counts and short immediates take the other's size
    const s = kindSize(k);
    if (s !== 0) return s;
  }
  return 32;
}

function buildForms(): Form[] {
  const forms: Form[] = [];
  let hot = 0;
  let cold = 0;
  for (const def of INSTRUCTIONS) {
    for (const pattern of def.forms) {
      const operands = (pattern === '' ? [] : pattern.split(',')) as OperandKind[];
      for (const k of operands) if (!KINDS.has(k)) throw new Error(`table: bad operand kind ${k} in ${def.mnemonic}`);
      let opcode: number;
      if (def.cold) {
        opcode = 0x100 | cold++;
      } else {
        if (hot === ESCAPE) hot++;
        opcode = hot++;
      }
      if (hot > 0x100 || cold > 0x100) throw new Error(`table: opcode page full (${hot} hot, ${cold} cold)`);
      forms.push({
        id: forms.length, opcode, mnemonic: def.mnemonic, aliases: def.aliases ?? [],
        operands, sem: def.sem, arg: def.arg ?? 0, cold: def.cold ?? false,
        size: operandSize(operands, def.sem),
      });
    }
  }
  return forms;
}

/** Every form, in table order. */
export const FORMS: readonly Form[] = buildForms();

/** Form by opcode (0–0x1FF); undefined where no instruction is assigned (#UD). */
export const FORM_BY_OPCODE: readonly (Form | undefined)[] = (() => {
  const t: (Form | undefined)[] = new Array(0x200).fill(undefined);
  for (const f of FORMS) t[f.opcode] = f;
  return t;
})();

/** Forms by mnemonic or alias, for the assembler. */
export const FORMS_BY_MNEMONIC: ReadonlyMap<string, readonly Form[]> = (() => {
  const m = new Map<string, Form[]>();
  for (const f of FORMS) {
    for (const name of [f.mnemonic, ...f.aliases]) {
      let list = m.get(name);
      if (!list) m.set(name, (list = []));
      list.push(f);
    }
  }
  return m;
})();
