// Flag instructions (CLC STC CMC CLD STD CLI STI), NOP, RDTSC, CPUID and UD2 (SPEC §2.2, §2.3),
// with expected values worked out by hand.

import { describe, it, expect } from 'vitest';
import { FORM_BY_OPCODE } from '../../emulator/isa/table.js';
import {
  formsRun, hex, hex8, installIdt, missingForms, OUT, runProgram, save, saveFlags, unexpectedStubs,
} from './harness.js';
import { GROUP } from './groups.js';

const expectHex = (words: number[]) => words.map(hex8);
const run = (lines: string[], n: number, data = '') => runProgram(lines, n, data).out.map(hex8);

describe('flag instructions, NOP, RDTSC, CPUID, UD2', () => {
  it('CLC STC CMC set, clear and complement CF; CLD STD DF; CLI STI IF; nothing else changes', () => {
    expect(run([
      'push dword 0', 'popfd',
      'stc', ...saveFlags(0),
      'cmc', ...saveFlags(1),
      'cmc', ...saveFlags(2),
      'clc', ...saveFlags(3),
      'std', ...saveFlags(4),
      'cld', ...saveFlags(5),
      'sti', ...saveFlags(6), // every IRQ is masked at power-on: nothing arrives
      'cli', ...saveFlags(7),
      'push dword 0x8d4', 'popfd', 'stc', 'std', ...saveFlags(8),
      'clc', 'cld', ...saveFlags(9),
      // After arithmetic, whose flags toy86 computes lazily: 0xffffffff + 1 sets CF PF AF ZF.
      'mov eax, 0xffffffff', 'add eax, 1', 'clc', ...saveFlags(10),
      'mov eax, 0xffffffff', 'add eax, 1', 'cmc', ...saveFlags(11),
      'mov eax, 1', 'sub eax, 1', 'stc', ...saveFlags(12),
      'mov eax, 0', 'sub eax, 1', 'cmc', ...saveFlags(13),
      'mov eax, 0x7fffffff', 'inc eax', 'stc', ...saveFlags(14),
    ], 15)).toEqual(expectHex([
      0x3, 0x2, 0x3, 0x2, 0x402, 0x2, 0x202, 0x2, 0xcd7, 0x8d6,
      0x56, 0x56, 0x47, 0x96, 0x897,
    ]));
  });

  it('NOP changes no register and no flag', () => {
    const regs = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'];
    const { out } = runProgram([
      'mov eax, 0x11111111', 'mov ecx, 0x22222222', 'mov edx, 0x33333333', 'mov ebx, 0x44444444',
      'mov ebp, 0x66666666', 'mov esi, 0x77777777', 'mov edi, 0x88888888',
      save(8, 'esp'),
      'push dword 0x8d5', 'popfd',
      'nop', 'nop', 'nop',
      ...regs.map((r, k) => save(k, r)),
      ...saveFlags(9),
    ], 10);
    const esp = out[8];
    expect(out.map(hex8)).toEqual(expectHex([
      0x11111111, 0x22222222, 0x33333333, 0x44444444, esp, 0x66666666, 0x77777777, 0x88888888, esp, 0x8d7,
    ]));
  });

  it('RDTSC returns the retired-instruction count in EDX:EAX: it grows by one per instruction', () => {
    const nops = (n: number) => Array.from({ length: n }, () => 'nop');
    const { out } = runProgram([
      'rdtsc', 'mov ebx, eax', 'mov ecx, edx',
      ...nops(10),
      'rdtsc', 'mov esi, eax', 'mov edi, edx',
      ...nops(30),
      'rdtsc',
      save(0, 'ebx'), save(1, 'ecx'), save(2, 'esi'), save(3, 'edi'), save(4, 'eax'), save(5, 'edx'),
    ], 6);
    const [t0, h0, t1, h1, t2, h2] = out;
    expect([h0, h1, h2]).toEqual([0, 0, 0]);
    expect(t1).toBeGreaterThan(t0);
    expect(t2).toBeGreaterThan(t1);
    // The second gap has 20 more instructions than the first.
    expect((t2 - t1) - (t1 - t0)).toBe(20);
    // Between the first two reads: RDTSC, two MOVs and ten NOPs retired.
    expect(t1 - t0).toBe(13);
  });

  it('CPUID leaf 0 names the vendor in EBX EDX ECX; leaf 1 reports PSE, TSC and PGE in EDX', () => {
    const { out } = runProgram([
      'mov eax, 0', 'cpuid', save(0, 'eax'), save(1, 'ebx'), save(2, 'edx'), save(3, 'ecx'),
      'mov eax, 1', 'cpuid', save(4, 'edx'),
    ], 5);
    expect(out[0]).toBeGreaterThanOrEqual(1);
    const bytes = [out[1], out[2], out[3]].flatMap((w) => [w & 0xff, (w >> 8) & 0xff, (w >> 16) & 0xff, w >>> 24]);
    const vendor = String.fromCharCode(...bytes);
    expect(vendor, 'vendor string').toMatch(/^[\x20-\x7e]{12}$/);
    const PSE = 1 << 3, TSC = 1 << 4, PGE = 1 << 13;
    expect(hex8(out[4] & (PSE | TSC | PGE))).toBe(hex8(PSE | TSC | PGE));
  });

  it('UD2 and an opcode the table does not assign raise #UD, a fault: EIP of the instruction pushed, registers kept', () => {
    // The first two-byte opcode 0F xx with no instruction.
    const free = Array.from({ length: 256 }, (_, b) => b).find((b) => !FORM_BY_OPCODE[0x100 | b]);
    expect(free, 'the cold opcode page is full').toBeDefined();
    const RESUME = 0x601000;
    const handler = [
      'ud_handler:',
      'mov [' + hex(OUT + 0x100) + '], eax', // EAX as the handler found it
      'mov eax, [esp]', 'mov [' + hex(OUT + 0x104) + '], eax', // pushed EIP
      'movzx eax, word [esp+4]', 'mov [' + hex(OUT + 0x108) + '], eax', // pushed CS
      `inc dword [${hex(OUT + 0x10c)}]`,
      `mov eax, [${hex(RESUME)}]`, 'mov [esp], eax',
      `mov eax, [${hex(OUT + 0x100)}]`,
      'iretd',
    ];
    const { out, sym } = runProgram([
      ...installIdt({ 6: 'ud_handler' }),
      `mov dword [${hex(RESUME)}], after_ud2`,
      'mov eax, 0x600d600d', 'mov ebx, 0x12345678',
      'push dword 0x8d5', 'popfd',
      'at_ud2:', 'ud2',
      `mov dword [${hex(OUT)}], 0xbad`, // skipped: the handler resumes below
      'after_ud2:',
      ...saveFlags(1), save(2, 'eax'), save(3, 'ebx'),
      `mov eax, [${hex(OUT + 0x104)}]`, save(4, 'eax'),
      `mov eax, [${hex(OUT + 0x108)}]`, save(5, 'eax'),
      `mov eax, [${hex(OUT + 0x10c)}]`, save(6, 'eax'),
      `mov eax, [${hex(OUT + 0x100)}]`, save(7, 'eax'),
      `mov dword [${hex(RESUME)}], after_bad`,
      'at_bad:', `db 0x0f, ${hex(free!)}`,
      'after_bad:',
      `mov eax, [${hex(OUT + 0x104)}]`, save(8, 'eax'),
      `mov eax, [${hex(OUT + 0x10c)}]`, save(9, 'eax'),
    ], 10, [...handler, ...unexpectedStubs()].join('\n'));
    expect(out.map(hex8)).toEqual(expectHex([
      0, 0x8d7, 0x600d600d, 0x12345678, sym.get('at_ud2')!, 0x08, 1, 0x600d600d, sym.get('at_bad')!, 2,
    ]));
  });

  it('covered every form of CLC STC CMC CLD STD CLI STI NOP RDTSC CPUID UD2', () => {
    expect(missingForms(GROUP.misc, formsRun)).toEqual([]);
  });
});
