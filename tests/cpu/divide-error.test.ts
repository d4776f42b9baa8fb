// #DE (SDM DIV, IDIV; SPEC §2.2, §2.3): a zero divisor or a quotient too large for the destination
// raises vector 0, a fault: the pushed EIP is the DIV's own address and every register and the
// memory operand are as they were. The handler records what it saw and resumes after the DIV.

import { describe, it, expect } from 'vitest';
import {
  formsRun, hex, hex8, installIdt, MASK, missingForms, OUT, Rng, runProgram, unexpectedStubs, operand, type Size,
} from './harness.js';
import { divideFaults, divideValues, KEYWORD } from './probes.js';
import { GROUP } from './groups.js';

/** The handler's cells: where to resume, and the record of the current case. */
const RESUME = 0x601000;
const RECORD = 0x601004;
const MEMOP = 0x601100;
const REC_WORDS = 8;

interface Case {
  op: 'div' | 'idiv';
  size: Size;
  memory: boolean;
  eax: number;
  edx: number;
  src: number;
  /** Whether #DE is expected. */
  faults: boolean;
}

const SRC_REG: Record<Size, string> = { 8: 'bl', 16: 'bx', 32: 'ebx' };

/**
 * One case: registers loaded with distinct values, the division, and a store that only runs when
 * no fault happened. Record: +0 EAX +4 EDX +8 EBX +12 ESI (handler's view), +16 pushed EIP,
 * +20 pushed CS, +24 handler entries, +28 the memory operand afterwards (or the registers after
 * a division that did not fault, at +0 and +4).
 */
function caseCode(c: Case, i: number): string[] {
  const rec = OUT + 4 * REC_WORDS * i;
  const operand = c.memory ? `${KEYWORD[c.size]} [${hex(MEMOP)}]` : SRC_REG[c.size];
  return [
    `mov dword [${hex(RESUME)}], resume_${i}`,
    `mov dword [${hex(RECORD)}], ${hex(rec)}`,
    `mov dword [${hex(MEMOP)}], ${hex(c.src)}`,
    `mov eax, ${hex(c.eax)}`,
    `mov edx, ${hex(c.edx)}`,
    `mov ebx, ${hex(c.src)}`,
    'mov esi, 0x51515151',
    `fault_${i}:`,
    `${c.op} ${operand}`,
    `mov [${hex(rec)}], eax`,
    `mov [${hex(rec + 4)}], edx`,
    `resume_${i}:`,
    `mov eax, [${hex(MEMOP)}]`,
    `mov [${hex(rec + 28)}], eax`,
  ];
}

const HANDLER = [
  'de_handler:',
  'push ebp',
  `mov ebp, [${hex(RECORD)}]`,
  'mov [ebp], eax',
  'mov [ebp+4], edx',
  'mov [ebp+8], ebx',
  'mov [ebp+12], esi',
  'mov eax, [esp+4]', // the pushed EIP
  'mov [ebp+16], eax',
  'mov eax, [esp+8]', // the pushed CS
  'mov [ebp+20], eax',
  'inc dword [ebp+24]',
  `mov eax, [${hex(RESUME)}]`,
  'mov [esp+4], eax', // resume after the division
  'pop ebp',
  'iretd',
];

/** Runs the cases in one program and checks each. */
function check(cases: Case[]): string[] {
  const { out, sym } = runProgram(
    [...installIdt({ 0: 'de_handler' }), ...cases.flatMap(caseCode)],
    cases.length * REC_WORDS,
    [...HANDLER, ...unexpectedStubs()].join('\n'),
  );
  const failures: string[] = [];
  cases.forEach((c, i) => {
    const r = out.slice(i * REC_WORDS, (i + 1) * REC_WORDS);
    const what = `${c.op} ${c.memory ? `${KEYWORD[c.size]} [mem]` : SRC_REG[c.size]} with eax=${hex8(c.eax)} edx=${hex8(c.edx)} src=${hex8(c.src)}`;
    const problems: string[] = [];
    if (c.faults) {
      if (r[6] !== 1) problems.push(`expected one #DE, the handler ran ${r[6]} times`);
      else {
        if (r[0] !== c.eax >>> 0 || r[1] !== c.edx >>> 0) problems.push(`registers changed: eax=${hex8(r[0])} edx=${hex8(r[1])}`);
        if (r[2] !== c.src >>> 0 || r[3] !== 0x51515151) problems.push(`ebx or esi changed: ebx=${hex8(r[2])} esi=${hex8(r[3])}`);
        if (r[4] !== sym.get(`fault_${i}`)) problems.push(`pushed EIP ${hex8(r[4])}, expected the DIV's address ${hex8(sym.get(`fault_${i}`) ?? 0)}`);
        if ((r[5] & 0xffff) !== 0x08) problems.push(`pushed CS ${hex(r[5])}, expected 0x8`);
      }
    } else if (r[6] !== 0) problems.push(`unexpected #DE`);
    if (r[7] !== c.src >>> 0) problems.push(`memory operand changed to ${hex8(r[7])}`);
    if (problems.length) failures.push(`#${i} ${what}: ${problems.join('; ')}`);
  });
  return failures;
}

describe('#DE', () => {
  it('DIV and IDIV by zero raise #DE at every size, register and memory source, registers unchanged', () => {
    const cases: Case[] = [];
    for (const op of ['div', 'idiv'] as const) {
      for (const size of [8, 16, 32] as const) {
        for (const memory of [false, true]) {
          // A zero divisor: the low `size` bits of the source are zero, the others are not.
          cases.push({ op, size, memory, eax: 0x12345678, edx: 0x9abcdef0, src: size === 32 ? 0 : (0xabcdef00 & ~MASK[size]) >>> 0, faults: true });
        }
      }
    }
    expect(check(cases)).toEqual([]);
  });

  it('quotient overflow raises #DE: DIV by a divisor no larger than the high half, IDIV of the most negative by -1', () => {
    const cases: Case[] = [
      { op: 'div', size: 32, memory: false, eax: 0, edx: 1, src: 1, faults: true },
      { op: 'div', size: 32, memory: true, eax: 0xffffffff, edx: 0xfffffffe, src: 0xfffffffe, faults: true },
      { op: 'div', size: 32, memory: false, eax: 0xffffffff, edx: 0xfffffffe, src: 0xffffffff, faults: false },
      { op: 'div', size: 16, memory: false, eax: 0x11110000, edx: 0x22220010, src: 0x33330010, faults: true },
      { op: 'div', size: 16, memory: true, eax: 0x1111ffff, edx: 0x2222000f, src: 0x33330010, faults: false },
      { op: 'div', size: 8, memory: false, eax: 0x11110100, edx: 0x22222222, src: 0x33333301, faults: true },
      { op: 'div', size: 8, memory: true, eax: 0x111100ff, edx: 0x22222222, src: 0x33333301, faults: false },
      { op: 'idiv', size: 32, memory: false, eax: 0x80000000, edx: 0xffffffff, src: 0xffffffff, faults: true },
      { op: 'idiv', size: 32, memory: true, eax: 0x80000000, edx: 0, src: 1, faults: true },
      { op: 'idiv', size: 32, memory: false, eax: 0x80000000, edx: 0xffffffff, src: 1, faults: false },
      { op: 'idiv', size: 16, memory: false, eax: 0x11118000, edx: 0x2222ffff, src: 0x3333ffff, faults: true },
      { op: 'idiv', size: 16, memory: true, eax: 0x11118000, edx: 0x22220000, src: 0x33330001, faults: true },
      { op: 'idiv', size: 8, memory: false, eax: 0x1111ff80, edx: 0x22222222, src: 0x333333ff, faults: true },
      { op: 'idiv', size: 8, memory: true, eax: 0x11110080, edx: 0x22222222, src: 0x33333301, faults: true },
      { op: 'idiv', size: 8, memory: false, eax: 0x1111ff80, edx: 0x22222222, src: 0x33333301, faults: false },
    ];
    for (const c of cases) expect(divideFaults(c.op, c.size, c.eax, c.edx, c.src), `case table: ${JSON.stringify(c)}`).toBe(c.faults);
    expect(check(cases)).toEqual([]);
  });

  it('random divisions that overflow raise #DE, and random ones that do not run without it', () => {
    const rng = new Rng('divide-error');
    const cases: Case[] = [];
    while (cases.length < 600) {
      const op = rng.pick(['div', 'idiv'] as const);
      const size = rng.pick([8, 16, 32] as const);
      const memory = rng.chance(0.5);
      if (cases.length % 3 === 2) {
        const v = divideValues(rng, op, size);
        cases.push({ op, size, memory, ...v, faults: false });
        continue;
      }
      const eax = operand(rng, 32), edx = operand(rng, 32);
      const src = rng.chance(0.2) ? operand(rng, 32) & ~((2 ** size - 1) >>> 0) : operand(rng, size);
      if (!divideFaults(op, size, eax, edx, src)) continue;
      cases.push({ op, size, memory, eax, edx, src: src >>> 0, faults: true });
    }
    expect(check(cases)).toEqual([]);
  });

  it('covered every DIV and IDIV form', () => {
    expect(missingForms(GROUP.divideError, formsRun)).toEqual([]);
  });
});
