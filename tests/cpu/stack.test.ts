// The stack and control transfers (SPEC §2.2, SDM vol. 2): PUSH and POP in each form, PUSHAD and
// POPAD, PUSHFD and POPFD, CALL (rel32, r32, m32), RET and RET imm16, LEAVE, JMP (rel8, rel32,
// r32, m32). Expected values are worked out by hand; return addresses come from the symbols.

import { describe, it, expect } from 'vitest';
import { formsRun, hex, hex8, missingForms, OUT, runProgram, save, saveFlags, SCRATCH } from './harness.js';
import { GROUP } from './groups.js';

const S = SCRATCH;
const at = (offset: number) => `[${hex(S + offset)}]`;
const run = (lines: string[], n: number) => runProgram(lines, n).out.map(hex8);
const expectHex = (words: number[]) => words.map(hex8);

describe('stack and control transfer', () => {
  it('PUSH r32, imm8 (sign-extended), imm32 and m32 each push one dword', () => {
    expect(run([
      'mov ebp, esp',
      'mov eax, 0x11223344',
      'push eax', // r32
      'push byte -2', // s8
      'push dword 0x12345678', // i32
      'push dword 5', // i32 even though it would fit in a byte
      `mov dword ${at(0)}, 0xcafef00d`,
      `push dword ${at(0)}`, // m32
      'mov ecx, ebp',
      'sub ecx, esp',
      save(0, 'ecx'),
      'pop eax', save(1, 'eax'),
      'pop eax', save(2, 'eax'),
      'pop eax', save(3, 'eax'),
      'pop eax', save(4, 'eax'),
      'pop eax', save(5, 'eax'),
      'sub ebp, esp',
      save(6, 'ebp'),
    ], 7)).toEqual(expectHex([20, 0xcafef00d, 5, 0x12345678, 0xfffffffe, 0x11223344, 0]));
  });

  it('PUSH m32 through ESP reads the operand before ESP moves (SDM PUSH)', () => {
    expect(run([
      'mov ebx, esp',
      'push dword 0x1111',
      'push dword 0x2222',
      'push dword [esp]', // the 0x2222 on top
      'push dword [esp+8]', // the 0x1111, three slots up
      'pop eax', 'pop ecx', 'pop edx', 'pop esi',
      save(0, 'eax'), save(1, 'ecx'), save(2, 'edx'), save(3, 'esi'),
      'sub ebx, esp',
      save(4, 'ebx'),
    ], 5)).toEqual(expectHex([0x1111, 0x2222, 0x2222, 0x1111, 0]));
  });

  it('PUSH ESP pushes the value ESP had before the push', () => {
    expect(run([
      'mov ebx, esp',
      'push esp',
      'pop eax',
      'sub ebx, eax',
      save(0, 'ebx'),
    ], 1)).toEqual(expectHex([0]));
  });

  it('POP r32 and POP m32; POP m32 addresses through ESP after incrementing it (SDM POP)', () => {
    expect(run([
      'mov ebp, esp',
      'push dword 0xaaaa0001',
      'push dword 0xbbbb0002',
      'push dword 0xcccc0003',
      'pop dword [esp+4]', // pops C; ESP then points at B, so [esp+4] is A's slot
      'pop eax',
      'pop ebx',
      save(0, 'eax'), save(1, 'ebx'),
      `mov dword ${at(0)}, 0`,
      'push dword 0x5a5a5a5a',
      `pop dword ${at(0)}`,
      `mov ecx, ${at(0)}`,
      save(2, 'ecx'),
      'push dword 0x01020304', 'pop edx', save(3, 'edx'),
      'push dword 0x05060708', 'pop esi', save(4, 'esi'),
      'push dword 0x090a0b0c', 'pop edi', save(5, 'edi'),
      'sub ebp, esp',
      save(6, 'ebp'),
    ], 7)).toEqual(expectHex([0xbbbb0002, 0xcccc0003, 0x5a5a5a5a, 0x01020304, 0x05060708, 0x090a0b0c, 0]));
  });

  it('POP ESP loads ESP with the popped value', () => {
    expect(run([
      'mov ebx, esp',
      'push dword 0x7000',
      'pop esp',
      'mov ecx, esp',
      'mov esp, ebx',
      save(0, 'ecx'),
    ], 1)).toEqual(expectHex([0x7000]));
  });

  it('PUSHAD pushes EAX ECX EDX EBX (original) ESP EBP ESI EDI; POPAD restores all but ESP from the stack', () => {
    const { out } = runProgram([
      save(20, 'esp'),
      'mov eax, 0xa0', 'mov ecx, 0xc1', 'mov edx, 0xd2', 'mov ebx, 0xb3',
      'mov ebp, 0xb5', 'mov esi, 0x56', 'mov edi, 0xd7',
      'pushad',
      ...Array.from({ length: 8 }, (_, k) => [`mov eax, [esp+${4 * k}]`, save(k, 'eax')]).flat(),
      save(8, 'esp'),
      'mov dword [esp+12], 0x1234', // the saved ESP: POPAD skips it
      'mov dword [esp+28], 0xe0', // the saved EAX
      'mov eax, 0', 'mov ecx, 0', 'mov edx, 0', 'mov ebx, 0', 'mov ebp, 0', 'mov esi, 0', 'mov edi, 0',
      'popad',
      save(9, 'eax'), save(10, 'ecx'), save(11, 'edx'), save(12, 'ebx'),
      save(13, 'esp'), save(14, 'ebp'), save(15, 'esi'), save(16, 'edi'),
    ], 21);
    const esp = out[20];
    expect(out.slice(0, 17).map(hex8)).toEqual(expectHex([
      0xd7, 0x56, 0xb5, esp, 0xb3, 0xd2, 0xc1, 0xa0, esp - 32,
      0xe0, 0xc1, 0xd2, 0xb3, esp, 0xb5, 0x56, 0xd7,
    ]));
  });

  it('PUSHFD and POPFD move EFLAGS: the arithmetic flags, DF, IF, IOPL at CPL 0; bit 1 reads as 1, unmodelled bits as 0', () => {
    expect(run([
      'mov ebp, esp',
      'push dword 0x8d5', 'popfd', ...saveFlags(0),
      'push dword 0', 'popfd', ...saveFlags(1),
      'push dword 0x400', 'popfd', ...saveFlags(2),
      'push dword 0x3000', 'popfd', ...saveFlags(3),
      'push dword 0x200', 'popfd', ...saveFlags(4), // IF: every IRQ is masked at power-on
      // Everything but TF: SPEC §2.1 lists the bits toy86 has (AF included).
      'push dword 0xfffffeff', 'popfd', ...saveFlags(5),
      'push dword 2', 'popfd',
      'sub ebp, esp',
      save(6, 'ebp'),
      // PUSHFD after arithmetic (flags computed lazily in toy86): 0xffffffff + 1.
      'mov eax, 0xffffffff', 'add eax, 1', ...saveFlags(7),
    ], 8)).toEqual(expectHex([0x8d7, 0x2, 0x402, 0x3002, 0x202, 0x3ed7, 0, 0x57]));
  });

  it('CALL rel32, r32 and m32 push the address of the next instruction; RET returns to it', () => {
    const { out, sym } = runProgram([
      'mov ebp, esp',
      'call f1', // rel32
      'after1:',
      'mov eax, f2',
      'call eax', // r32
      'after2:',
      `mov dword ${at(0)}, f3`,
      `call dword ${at(0)}`, // m32
      'after3:',
      'mov eax, ebp',
      'sub eax, esp',
      save(3, 'eax'),
      `mov dword [${hex(OUT + 16)}], 1`, // reached after the three returns
      'jmp done',
      'f1:', 'mov eax, [esp]', save(0, 'eax'), 'ret',
      'f2:', 'mov eax, [esp]', save(1, 'eax'), 'ret',
      'f3:', 'mov eax, [esp]', save(2, 'eax'), 'ret',
      'done:',
    ], 5);
    expect(out.map(hex8)).toEqual(expectHex([sym.get('after1')!, sym.get('after2')!, sym.get('after3')!, 0, 1]));
  });

  it('RET imm16 pops the return address, then releases imm16 bytes of arguments', () => {
    expect(run([
      'mov ebx, esp',
      'push dword 1',
      'push dword 2',
      'call f',
      'mov ecx, ebx',
      'sub ecx, esp',
      save(2, 'ecx'),
      'jmp done',
      'f:', 'mov eax, [esp+4]', save(0, 'eax'), 'mov eax, [esp+8]', save(1, 'eax'), 'ret 8',
      'done:',
    ], 3)).toEqual(expectHex([2, 1, 0]));
  });

  it('RET imm16 takes imm16 unsigned: RET 0x8000 releases 32 KiB', () => {
    expect(run([
      'mov ebx, esp',
      'mov esp, 0x700000',
      'push dword back',
      'ret 0x8000',
      'back:',
      'mov ecx, esp',
      'mov esp, ebx',
      save(0, 'ecx'),
    ], 1)).toEqual(expectHex([0x708000]));
  });

  it('LEAVE sets ESP to EBP and pops EBP', () => {
    expect(run([
      'mov ebx, esp',
      'mov ebp, 0x5555',
      'push ebp',
      'mov ebp, esp',
      'sub esp, 0x40',
      'mov dword [ebp-4], 7',
      'leave',
      save(0, 'ebp'),
      'sub ebx, esp',
      save(1, 'ebx'),
    ], 2)).toEqual(expectHex([0x5555, 0]));
  });

  it('JMP rel8, rel32 (forwards and backwards), r32 and m32 go where they point', () => {
    const bad = (k: number) => `mov dword [${hex(OUT + 4 * k)}], 0xbad`;
    expect(run([
      'jmp short j1', bad(0),
      'j1:', `mov dword [${hex(OUT)}], 1`,
      'jmp near j2', bad(1), 'times 200 nop',
      'j2:', `mov dword [${hex(OUT + 4)}], 2`,
      'mov eax, j3', 'jmp eax', bad(2),
      'j3:', `mov dword [${hex(OUT + 8)}], 3`,
      `mov dword ${at(0)}, j4`, `jmp dword ${at(0)}`, bad(3),
      'j4:', `mov dword [${hex(OUT + 12)}], 4`,
      'jmp short forward',
      'back:', `mov dword [${hex(OUT + 16)}], 5`, 'jmp near past',
      'forward:', 'jmp short back', bad(4),
      'past:',
      'jmp near forward2',
      'back2:', `mov dword [${hex(OUT + 20)}], 6`, 'jmp near past2',
      'times 200 nop',
      'forward2:', 'jmp near back2', bad(5),
      'past2:',
    ], 6)).toEqual(expectHex([1, 2, 3, 4, 5, 6]));
  });

  it('covered every form of PUSH, POP, PUSHAD, POPAD, PUSHFD, POPFD, CALL, RET, LEAVE and JMP', () => {
    expect(missingForms(GROUP.stack, formsRun)).toEqual([]);
  });
});
