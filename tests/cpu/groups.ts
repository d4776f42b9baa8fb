// The mnemonics of the instruction table (emulator/isa/table.ts), in groups: each group is checked
// by one test file of tests/cpu, which asserts with missingForms that its programs or probes ran
// every form of every mnemonic of the group. coverage.test.ts asserts that the groups together
// are exactly the mnemonics of the table, so an instruction added to the table without a test
// fails the suite.

import { CONDITIONS } from '../../emulator/isa/table.js';

const cc = (prefix: string): readonly string[] => CONDITIONS.map((c) => prefix + c[0]);

export const GROUP = {
  alu: ['add', 'adc', 'sub', 'sbb', 'cmp', 'and', 'or', 'xor', 'test'],
  setcc: cc('set'),
  cmovcc: cc('cmov'),
  jcc: cc('j'),
  data: ['mov', 'movzx', 'movsx', 'lea', 'xchg', 'cdq', 'cwde'],
  divideError: ['div', 'idiv'],
  misc: ['clc', 'stc', 'cmc', 'cld', 'std', 'cli', 'sti', 'nop', 'rdtsc', 'cpuid', 'ud2'],
  muldiv: ['mul', 'imul', 'div', 'idiv'],
  shift: ['shl', 'shr', 'sar', 'rol', 'ror'],
  stack: ['push', 'pop', 'pushad', 'popad', 'pushfd', 'popfd', 'call', 'ret', 'leave', 'jmp'],
  string: [
    'movsb', 'movsw', 'movsd', 'stosb', 'stosw', 'stosd', 'lodsb', 'lodsw', 'lodsd', 'cmpsb', 'cmpsw', 'cmpsd',
    'rep movsb', 'rep movsw', 'rep movsd', 'rep stosb', 'rep stosw', 'rep stosd', 'rep lodsb', 'rep lodsd',
    'repe cmpsb', 'repne cmpsb', 'repe cmpsd', 'repne cmpsd', 'cld', 'std',
  ],
  unary: ['inc', 'dec', 'neg', 'not'],
  system: ['hlt', 'int', 'int3', 'iretd', 'lidt', 'ltr', 'invlpg', 'in', 'out'],
} satisfies Record<string, readonly string[]>;

export type GroupName = keyof typeof GROUP;

/** The test file (in tests/cpu) that checks each group with missingForms. */
export const CHECKED_BY: Record<GroupName, string> = {
  alu: 'alu.test.ts',
  setcc: 'conditions.test.ts',
  cmovcc: 'conditions.test.ts',
  jcc: 'conditions.test.ts',
  data: 'data.test.ts',
  divideError: 'divide-error.test.ts',
  misc: 'misc.test.ts',
  muldiv: 'muldiv.test.ts',
  shift: 'shift.test.ts',
  stack: 'stack.test.ts',
  string: 'string.test.ts',
  unary: 'unary.test.ts',
  system: 'system.test.ts',
};
