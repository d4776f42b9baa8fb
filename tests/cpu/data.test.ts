// Data movement (SPEC §2.2, SDM vol. 2): MOV in all its forms (and to and from control registers),
// MOVZX, MOVSX, LEA, XCHG, CDQ and CWDE, with expected values worked out by hand. None of them
// changes a flag.

import { describe, it, expect } from 'vitest';
import { formsRun, hex, hex8, missingForms, runProgram, save, saveFlags, SCRATCH } from './harness.js';
import { GROUP } from './groups.js';

const S = SCRATCH;
const at = (offset: number) => `[${hex(S + offset)}]`;
/** Runs the lines and returns the first n output words as hex strings. */
const run = (lines: string[], n: number) => runProgram(lines, n).out.map(hex8);
const expectHex = (words: number[]) => words.map(hex8);

describe('data movement', () => {
  it('MOV r32/m32 ← r32/imm32/m32 with several addressing modes', () => {
    expect(run([
      'mov eax, 0x12345678', // r32, i32
      'mov ebx, eax', // r32, r32
      save(0, 'ebx'), // m32, r32
      `mov dword ${at(0)}, 0xcafebabe`, // m32, i32
      `mov ecx, ${at(0)}`, // r32, m32
      save(1, 'ecx'),
      `mov esi, ${hex(S)}`,
      'mov dword [esi+8], 0x11223344',
      'mov edi, [esi+8]',
      save(2, 'edi'),
      'mov edx, 2',
      'mov [esi+edx*4+0x10], eax', // S + 0x18
      `mov ebp, ${at(0x18)}`,
      save(3, 'ebp'),
      `mov ecx, ${hex(S + 0x100)}`,
      'mov dword [ecx-0x100+4], 0x0badf00d', // S + 4
      'mov eax, [esi+4]',
      save(4, 'eax'),
    ], 5)).toEqual(expectHex([0x12345678, 0xcafebabe, 0x11223344, 0x12345678, 0x0badf00d]));
  });

  it('MOV r8/m8 forms write one byte and keep the rest of the register or dword', () => {
    expect(run([
      `mov dword ${at(0)}, 0xffffffff`,
      'mov edx, 0xaabbccdd',
      'mov dl, 0x11', // r8, i8
      save(0, 'edx'),
      'mov ebx, 0x55667788',
      'mov bl, dl', // r8, r8
      save(1, 'ebx'),
      `mov byte ${at(1)}, 0x22`, // m8, i8
      `mov ${at(2)}, bl`, // m8, r8
      `mov eax, ${at(0)}`,
      save(2, 'eax'),
      'mov ecx, 0x99999999',
      `mov cl, ${at(1)}`, // r8, m8
      save(3, 'ecx'),
      'mov eax, 0x01020304',
      'mov al, al',
      save(4, 'eax'),
    ], 5)).toEqual(expectHex([0xaabbcc11, 0x55667711, 0xff1122ff, 0x99999922, 0x01020304]));
  });

  it('MOV r16/m16 forms write two bytes and keep the rest', () => {
    expect(run([
      `mov dword ${at(4)}, 0xffffffff`,
      'mov eax, 0xaabbccdd',
      'mov ax, 0x1234', // r16, i16
      save(0, 'eax'),
      'mov esi, 0x55555555',
      'mov si, ax', // r16, r16
      save(1, 'esi'),
      `mov word ${at(4)}, 0xbeef`, // m16, i16
      `mov ${at(5)}, si`, // m16, r16, unaligned
      `mov ebx, ${at(4)}`,
      save(2, 'ebx'),
      'mov ecx, 0x77777777',
      `mov cx, ${at(4)}`, // r16, m16
      save(3, 'ecx'),
    ], 4)).toEqual(expectHex([0xaabb1234, 0x55551234, 0xff1234ef, 0x777734ef]));
  });

  it('MOV to and from CR0, CR2, CR3 and CR4 (SPEC §2.1: CR0.PE always 1, CR3 bits 31:12)', () => {
    expect(run([
      'mov eax, cr0', // r32, cr
      save(0, 'eax'),
      'mov ebx, 0x10000', // WP
      'mov cr0, ebx', // cr, r32
      'mov ecx, cr0',
      save(1, 'ecx'),
      'mov edx, 0',
      'mov cr0, edx', // PE stays set
      'mov esi, cr0',
      save(2, 'esi'),
      'mov eax, 0x12345678',
      'mov cr2, eax',
      'mov edi, cr2',
      save(3, 'edi'),
      'mov eax, 0x00abc000',
      'mov cr3, eax',
      'mov ebx, cr3',
      save(4, 'ebx'),
      'mov eax, 0x90', // PSE | PGE
      'mov cr4, eax',
      'mov ecx, cr4',
      save(5, 'ecx'),
      'mov eax, 0',
      'mov cr4, eax',
      'mov edx, cr4',
      save(6, 'edx'),
    ], 7)).toEqual(expectHex([0x1, 0x10001, 0x1, 0x12345678, 0x00abc000, 0x90, 0]));
  });

  it('MOVZX and MOVSX from r8, m8, r16 and m16 into r32 and r16', () => {
    expect(run([
      `mov dword ${at(0)}, 0x8081f0ff`, // bytes ff f0 81 80
      `movzx eax, byte ${at(0)}`, // r32, m8
      `movsx ebx, byte ${at(0)}`,
      `movzx ecx, word ${at(2)}`, // r32, m16
      `movsx edx, word ${at(2)}`,
      'mov esi, 0x1234f07f',
      'movzx edi, si', // r32, r16
      'movsx ebp, si',
      save(0, 'eax'), save(1, 'ebx'), save(2, 'ecx'), save(3, 'edx'), save(4, 'edi'), save(5, 'ebp'),
      'mov ecx, 0x11112280',
      'movzx eax, cl', // r32, r8
      'movsx ebx, cl',
      'mov edx, 0xffffff7f',
      'movsx esi, dl',
      save(6, 'eax'), save(7, 'ebx'), save(8, 'esi'),
      'mov eax, 0xaaaaaaaa',
      'movzx ax, cl', // r16, r8
      'mov ebx, 0xbbbbbbbb',
      'movsx bx, cl',
      'mov edx, 0xcccccccc',
      `movzx dx, byte ${at(1)}`, // r16, m8
      'mov esi, 0xdddddddd',
      `movsx si, byte ${at(1)}`,
      save(9, 'eax'), save(10, 'ebx'), save(11, 'edx'), save(12, 'esi'),
    ], 13)).toEqual(expectHex([
      0xff, 0xffffffff, 0x8081, 0xffff8081, 0xf07f, 0xfffff07f,
      0x80, 0xffffff80, 0x7f,
      0xaaaa0080, 0xbbbbff80, 0xcccc00f0, 0xddddfff0,
    ]));
  });

  it('LEA computes base + index × scale + displacement, wrapping at 32 bits, without reading memory', () => {
    expect(run([
      'mov ebx, 0x1000',
      'mov ecx, 0x10',
      'lea eax, [ebx+ecx*4+8]',
      'lea edx, [ebx+ecx*8-0x20]',
      'lea esi, [ecx*2+0x12345678]',
      'lea edi, [ebx+ecx]',
      'lea ebp, [0x4000]',
      save(0, 'eax'), save(1, 'edx'), save(2, 'esi'), save(3, 'edi'), save(4, 'ebp'),
      'mov eax, 0xffffffff',
      'lea eax, [eax+2]',
      'mov ecx, 3',
      'lea ecx, [ecx+ecx*8]',
      'lea edx, [ebx-0x2000]',
      'mov esi, 0xfff00000', // far outside RAM: LEA must not touch it
      'lea edi, [esi+0x10]',
      'lea ebp, [esp+4]',
      save(5, 'eax'), save(6, 'ecx'), save(7, 'edx'), save(8, 'edi'),
      'mov eax, esp',
      'sub ebp, eax',
      save(9, 'ebp'),
    ], 10)).toEqual(expectHex([0x1048, 0x1060, 0x12345698, 0x1010, 0x4000, 1, 27, 0xfffff000, 0xfff00010, 4]));
  });

  it('XCHG swaps registers and memory at all three sizes', () => {
    expect(run([
      'mov eax, 0x11111111',
      'mov ebx, 0x22222222',
      'xchg eax, ebx', // r32, r32
      save(0, 'eax'), save(1, 'ebx'),
      `mov dword ${at(0)}, 0x33333333`,
      'mov ecx, 0x44444444',
      `xchg ${at(0)}, ecx`, // m32, r32
      `mov eax, ${at(0)}`,
      save(2, 'eax'), save(3, 'ecx'),
      'mov edx, 0xaaaa5555',
      'mov esi, 0xbbbb6666',
      'xchg dx, si', // r16, r16
      save(4, 'edx'), save(5, 'esi'),
      `mov dword ${at(4)}, 0x77778888`,
      'mov edi, 0xcccc9999',
      `xchg ${at(4)}, di`, // m16, r16
      `mov eax, ${at(4)}`,
      save(6, 'eax'), save(7, 'edi'),
      'mov eax, 0x123456a1',
      'mov ecx, 0x876543b2',
      'xchg al, cl', // r8, r8
      save(8, 'eax'), save(9, 'ecx'),
      `mov dword ${at(8)}, 0xddccbbaa`,
      'mov edx, 0x11223344',
      `xchg ${at(9)}, dl`, // m8, r8
      `mov eax, ${at(8)}`,
      save(10, 'eax'), save(11, 'edx'),
      'mov ebx, 0x5a5a5a5a',
      'xchg ebx, ebx',
      save(12, 'ebx'),
    ], 13)).toEqual(expectHex([
      0x22222222, 0x11111111, 0x44444444, 0x33333333, 0xaaaa6666, 0xbbbb5555,
      0x77779999, 0xcccc8888, 0x123456b2, 0x876543a1, 0xddcc44aa, 0x112233bb, 0x5a5a5a5a,
    ]));
  });

  it('CDQ sign-extends EAX into EDX; CWDE sign-extends AX into EAX', () => {
    expect(run([
      'mov eax, 0x80000000', 'mov edx, 0x12345678', 'cdq', save(0, 'edx'), save(1, 'eax'),
      'mov eax, 0x7fffffff', 'mov edx, 0x12345678', 'cdq', save(2, 'edx'),
      'mov eax, 0xffffffff', 'mov edx, 0', 'cdq', save(3, 'edx'),
      'mov eax, 0x12348000', 'cwde', save(4, 'eax'),
      'mov eax, 0xffff7fff', 'cwde', save(5, 'eax'),
      'mov eax, 0x0000ffff', 'mov edx, 0x5555', 'cwde', save(6, 'eax'), save(7, 'edx'),
    ], 8)).toEqual(expectHex([0xffffffff, 0x80000000, 0, 0xffffffff, 0xffff8000, 0x7fff, 0xffffffff, 0x5555]));
  });

  it('data movement changes no flag', () => {
    const moves = [
      'mov eax, 0', 'mov ebx, eax', `mov ${at(0)}, ebx`, `mov ecx, ${at(0)}`, `mov byte ${at(0)}, 0`,
      'mov dl, 0', 'mov dx, 0', `movzx eax, byte ${at(0)}`, 'movsx ebx, cx', 'lea esi, [eax+ebx*2+1]',
      'xchg eax, ecx', `xchg ${at(0)}, edx`, 'xchg al, bl', 'cdq', 'cwde',
    ];
    expect(run([
      'push dword 0x8d5', 'popfd', ...moves, ...saveFlags(0),
      'push dword 0', 'popfd', ...moves, ...saveFlags(1),
      // After an arithmetic instruction (flags still lazy in toy86).
      'mov eax, 0x7fffffff', 'add eax, 1', ...moves, ...saveFlags(2),
    ], 3)).toEqual(expectHex([0x8d7, 0x2, 0x896]));
  });

  it('covered every form of MOV, MOVZX, MOVSX, LEA, XCHG, CDQ and CWDE', () => {
    expect(missingForms(GROUP.data, formsRun)).toEqual([]);
  });
});
