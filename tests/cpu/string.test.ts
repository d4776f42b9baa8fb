// String instructions (SPEC §2.2, SDM vol. 2 MOVS, STOS, LODS, CMPS, REP/REPE/REPNE): single and
// repeated, forwards (DF = 0) and backwards (DF = 1), ECX = 0, and the stop conditions of REPE and
// REPNE, with expected memory, registers and CMPS flags worked out by hand.

import { describe, it, expect } from 'vitest';
import { formsRun, hex, hex8, missingForms, runProgram, save, saveFlags, SCRATCH } from './harness.js';
import { GROUP } from './groups.js';

const SRC = SCRATCH;            // bytes 1, 2, 3, ... 64
const DST = SCRATCH + 0x200;
const OVL = SCRATCH + 0x300;
const D2 = SCRATCH + 0x600;
const A = SCRATCH + 0x800;
const B = SCRATCH + 0x900;

const expectHex = (words: number[]) => words.map(hex8);
/** EFLAGS.DF, in the flags saved while it is set. */
const DF = 0x400;

/** Stores bytes at addr with dword moves (zero-padded to a multiple of four). */
function poke(addr: number, bytes: readonly number[]): string[] {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 4) {
    const w = (bytes[i] ?? 0) | ((bytes[i + 1] ?? 0) << 8) | ((bytes[i + 2] ?? 0) << 16) | ((bytes[i + 3] ?? 0) << 24);
    lines.push(`mov dword [${hex(addr + i)}], ${hex(w)}`);
  }
  return lines;
}
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));
const fillSrc = poke(SRC, Array.from({ length: 64 }, (_, k) => k + 1));
/** Stores the dword at addr in output word k (through EAX). */
const saveMem = (k: number, addr: number) => [`mov eax, [${hex(addr)}]`, save(k, 'eax')];

/** The flags of a - b at a size (the SDM's SUB), as PUSHFD shows them with bit 1 set. */
function subFlags(a: number, b: number, size: 8 | 16 | 32): number {
  const mask = size === 32 ? 0xffffffff : (1 << size) - 1;
  const sign = 2 ** (size - 1);
  const r = ((a - b) & mask) >>> 0;
  let f = 0x2;
  if ((a & mask) >>> 0 < (b & mask) >>> 0) f |= 0x1;
  let ones = 0;
  for (let i = 0; i < 8; i++) ones += (r >> i) & 1;
  if (ones % 2 === 0) f |= 0x4;
  if ((a ^ b ^ r) & 0x10) f |= 0x10;
  if (r === 0) f |= 0x40;
  if (r >= sign) f |= 0x80;
  if ((((a ^ b) & (a ^ r)) >>> 0) & sign) f |= 0x800;
  return f;
}

describe('string instructions', () => {
  it('MOVSB, MOVSW, MOVSD move one element and step ESI and EDI by its size, up (DF = 0) or down (DF = 1)', () => {
    const { out } = runProgram([
      ...fillSrc,
      'cld',
      `mov esi, ${hex(SRC)}`, `mov edi, ${hex(DST)}`, 'mov ecx, 7',
      'movsb', 'movsw', 'movsd',
      save(0, 'esi'), save(1, 'edi'), save(2, 'ecx'),
      ...saveMem(3, DST), ...saveMem(4, DST + 4),
      'std',
      `mov esi, ${hex(SRC + 8)}`, `mov edi, ${hex(DST + 0x20)}`,
      'movsd', 'movsw', 'movsb',
      'cld',
      save(5, 'esi'), save(6, 'edi'),
      ...saveMem(7, DST + 0x20), ...saveMem(8, DST + 0x1c), ...saveMem(9, DST + 0x18),
    ], 10);
    expect(out.map(hex8)).toEqual(expectHex([
      SRC + 7, DST + 7, 7, 0x04030201, 0x00070605,
      SRC + 1, DST + 0x19, 0x0c0b0a09, 0x00000605, 0x00030000,
    ]));
  });

  it('REP MOVSB/MOVSW/MOVSD copy ECX elements forwards and backwards (overlapping, like memmove); ECX = 0 copies nothing', () => {
    const { out } = runProgram([
      ...fillSrc,
      'cld',
      `mov esi, ${hex(SRC)}`, `mov edi, ${hex(DST)}`,
      'mov ecx, 5', 'rep movsd',
      'mov ecx, 3', 'rep movsw',
      'mov ecx, 2', 'rep movsb',
      save(0, 'esi'), save(1, 'edi'), save(2, 'ecx'),
      ...Array.from({ length: 7 }, (_, k) => saveMem(3 + k, DST + 4 * k)).flat(),
      // ECX = 0: nothing moves, nothing steps.
      'mov ecx, 0', `mov esi, ${hex(SRC)}`, `mov edi, ${hex(DST + 0x100)}`, 'rep movsb', 'rep movsd',
      save(10, 'esi'), save(11, 'edi'), ...saveMem(12, DST + 0x100),
      // Backwards, overlapping: bytes 1..8 at OVL moved up by two.
      ...poke(OVL, [1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0]),
      'std',
      `mov esi, ${hex(OVL + 7)}`, `mov edi, ${hex(OVL + 9)}`, 'mov ecx, 8', 'rep movsb',
      save(13, 'esi'), save(14, 'edi'),
      ...saveMem(15, OVL), ...saveMem(16, OVL + 4), ...saveMem(17, OVL + 8),
      `mov esi, ${hex(SRC + 6)}`, `mov edi, ${hex(DST + 0x46)}`, 'mov ecx, 3', 'rep movsw',
      save(18, 'esi'), save(19, 'edi'), ...saveMem(20, DST + 0x40), ...saveMem(21, DST + 0x44),
      `mov esi, ${hex(SRC + 8)}`, `mov edi, ${hex(DST + 0x58)}`, 'mov ecx, 2', 'rep movsd',
      save(22, 'esi'), save(23, 'edi'), ...saveMem(24, DST + 0x54), ...saveMem(25, DST + 0x58),
      'cld',
    ], 26);
    expect(out.map(hex8)).toEqual(expectHex([
      SRC + 28, DST + 28, 0,
      0x04030201, 0x08070605, 0x0c0b0a09, 0x100f0e0d, 0x14131211, 0x18171615, 0x1c1b1a19,
      SRC, DST + 0x100, 0,
      OVL - 1, OVL + 1, 0x02010201, 0x06050403, 0x00000807,
      SRC, DST + 0x40, 0x04030000, 0x08070605,
      SRC, DST + 0x50, 0x08070605, 0x0c0b0a09,
    ]));
  });

  it('STOSB/STOSW/STOSD and REP STOS store AL/AX/EAX at EDI, up or down', () => {
    const { out } = runProgram([
      'cld',
      `mov edi, ${hex(D2)}`, 'mov eax, 0x11223344',
      'stosd', 'stosw', 'stosb',
      save(0, 'edi'), ...saveMem(1, D2), ...saveMem(2, D2 + 4),
      `mov edi, ${hex(D2 + 8)}`, 'mov ecx, 3', 'mov eax, 0xaabbccdd', 'rep stosd',
      save(3, 'edi'), save(4, 'ecx'), ...saveMem(5, D2 + 8), ...saveMem(6, D2 + 16),
      'mov ecx, 2', 'mov ax, 0x1234', 'rep stosw',
      'mov ecx, 3', 'mov al, 0x5a', 'rep stosb',
      save(7, 'edi'), ...saveMem(8, D2 + 20), ...saveMem(9, D2 + 24),
      'std',
      `mov edi, ${hex(D2 + 0x23)}`, 'mov ecx, 4', 'mov al, 0x77', 'rep stosb',
      save(10, 'edi'), ...saveMem(11, D2 + 0x20),
      `mov edi, ${hex(D2 + 0x28)}`, 'mov eax, 0x01020304', 'stosd',
      save(12, 'edi'), ...saveMem(13, D2 + 0x28),
      `mov edi, ${hex(D2 + 0x32)}`, 'stosw',
      save(14, 'edi'), ...saveMem(15, D2 + 0x30),
      `mov edi, ${hex(D2 + 0x3c)}`, 'mov ecx, 2', 'mov eax, 0x01020304', 'rep stosd',
      `mov edi, ${hex(D2 + 0x46)}`, 'mov ecx, 2', 'rep stosw',
      save(16, 'edi'), ...saveMem(17, D2 + 0x38), ...saveMem(18, D2 + 0x3c), ...saveMem(19, D2 + 0x44),
      'cld',
    ], 20);
    expect(out.map(hex8)).toEqual(expectHex([
      D2 + 7, 0x11223344, 0x00443344,
      D2 + 20, 0, 0xaabbccdd, 0xaabbccdd,
      D2 + 27, 0x12341234, 0x005a5a5a,
      D2 + 0x1f, 0x77777777,
      D2 + 0x24, 0x01020304,
      D2 + 0x30, 0x03040000,
      D2 + 0x42, 0x01020304, 0x01020304, 0x03040304,
    ]));
  });

  it('LODSB/LODSW/LODSD and REP LODS load AL/AX/EAX from ESI, up or down', () => {
    const { out } = runProgram([
      ...fillSrc,
      'cld',
      `mov esi, ${hex(SRC)}`, 'mov eax, 0xffffffff',
      'lodsb', save(0, 'eax'),
      'lodsw', save(1, 'eax'),
      'lodsd', save(2, 'eax'), save(3, 'esi'),
      'mov ecx, 3', 'rep lodsb', save(4, 'eax'), save(5, 'esi'), save(6, 'ecx'),
      'mov ecx, 2', 'rep lodsd', save(7, 'eax'), save(8, 'esi'),
      'std',
      'lodsw', save(9, 'eax'), save(10, 'esi'),
      'lodsb', save(11, 'eax'), save(12, 'esi'),
      'mov ecx, 2', 'rep lodsd', save(13, 'eax'), save(14, 'esi'),
      'cld',
    ], 15);
    expect(out.map(hex8)).toEqual(expectHex([
      0xffffff01, 0xffff0302, 0x07060504, SRC + 7,
      0x0706050a, SRC + 10, 0,
      0x1211100f, SRC + 18,
      0x12111413, SRC + 16,
      0x12111411, SRC + 15,
      0x0f0e0d0c, SRC + 7,
    ]));
  });

  it('CMPSB/CMPSW/CMPSD set the flags of [ESI] - [EDI] and step both pointers', () => {
    const { out } = runProgram([
      ...poke(A, [0x61, 0x00, 0x80, 0x03, 0, 0, 0, 0x80]),
      ...poke(B, [0x62, 0x01, 0x00, 0x09, 0, 0, 0, 0x00]),
      'cld',
      `mov esi, ${hex(A)}`, `mov edi, ${hex(B)}`,
      'cmpsb', ...saveFlags(0), save(1, 'esi'), save(2, 'edi'),
      'cmpsw', ...saveFlags(3), save(4, 'esi'), save(5, 'edi'),
      `mov esi, ${hex(A + 4)}`, `mov edi, ${hex(B + 4)}`,
      'cmpsd', ...saveFlags(6), save(7, 'esi'),
      'std',
      `mov esi, ${hex(A + 4)}`, `mov edi, ${hex(B + 4)}`,
      'cmpsd', ...saveFlags(8), save(9, 'esi'), save(10, 'edi'),
      'cmpsw', ...saveFlags(11), save(12, 'esi'),
      'cld',
    ], 13);
    expect(out.map(hex8)).toEqual(expectHex([
      subFlags(0x61, 0x62, 8), A + 1, B + 1,
      subFlags(0x8000, 0x0001, 16), A + 3, B + 3,
      subFlags(0x80000000, 0, 32), A + 8,
      DF | subFlags(0x80000000, 0, 32), A, B,
      DF | subFlags(0x0061, 0x0162, 16), A - 2,
    ]));
  });

  it('REPE/REPZ CMPS stops at the first difference, REPNE/REPNZ at the first match, or when ECX runs out', () => {
    const { out } = runProgram([
      ...poke(A, ascii('hello world')),
      ...poke(B, ascii('hello there')),
      ...poke(A + 0x20, ascii('abcdef')),
      ...poke(B + 0x20, ascii('xyzdqq')),
      ...poke(A + 0x40, [1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0]),
      ...poke(B + 0x40, [1, 0, 0, 0, 2, 0, 0, 0, 9, 0, 0, 0, 4, 0, 0, 0]),
      ...poke(A + 0x60, [5, 0, 0, 0, 6, 0, 0, 0, 7, 0, 0, 0, 8, 0, 0, 0]),
      ...poke(B + 0x60, [1, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
      ...poke(A + 0x80, ascii('xbcd')),
      ...poke(B + 0x80, ascii('ybcd')),
      'cld',
      `mov esi, ${hex(A)}`, `mov edi, ${hex(B)}`, 'mov ecx, 11', 'repe cmpsb',
      ...saveFlags(0), save(1, 'ecx'), save(2, 'esi'), save(3, 'edi'),
      `mov esi, ${hex(A)}`, `mov edi, ${hex(B)}`, 'mov ecx, 5', 'repz cmpsb', // all five equal
      ...saveFlags(4), save(5, 'ecx'), save(6, 'esi'),
      `mov esi, ${hex(A + 0x20)}`, `mov edi, ${hex(B + 0x20)}`, 'mov ecx, 6', 'repne cmpsb',
      ...saveFlags(7), save(8, 'ecx'), save(9, 'esi'),
      `mov esi, ${hex(A + 0x20)}`, `mov edi, ${hex(B + 0x20)}`, 'mov ecx, 3', 'repnz cmpsb', // no match in three
      ...saveFlags(10), save(11, 'ecx'), save(12, 'edi'),
      `mov esi, ${hex(A + 0x40)}`, `mov edi, ${hex(B + 0x40)}`, 'mov ecx, 4', 'repe cmpsd',
      ...saveFlags(13), save(14, 'ecx'), save(15, 'esi'),
      `mov esi, ${hex(A + 0x60)}`, `mov edi, ${hex(B + 0x60)}`, 'mov ecx, 4', 'repne cmpsd',
      ...saveFlags(16), save(17, 'ecx'), save(18, 'edi'),
      'std',
      `mov esi, ${hex(A + 0x83)}`, `mov edi, ${hex(B + 0x83)}`, 'mov ecx, 4', 'repe cmpsb',
      ...saveFlags(19), save(20, 'ecx'), save(21, 'esi'),
      'cld',
      // ECX = 0: no comparison, the flags stay as POPFD left them.
      'push dword 0x8d5', 'popfd',
      `mov esi, ${hex(A)}`, `mov edi, ${hex(B)}`, 'mov ecx, 0', 'repe cmpsb', 'repne cmpsd',
      ...saveFlags(22), save(23, 'esi'), save(24, 'edi'),
    ], 25);
    expect(out.map(hex8)).toEqual(expectHex([
      subFlags(0x77, 0x74, 8), 4, A + 7, B + 7,
      subFlags(0x6f, 0x6f, 8), 0, A + 5,
      subFlags(0x64, 0x64, 8), 2, A + 0x24,
      subFlags(0x63, 0x7a, 8), 0, B + 0x23,
      subFlags(3, 9, 32), 1, A + 0x4c,
      subFlags(6, 6, 32), 2, B + 0x68,
      DF | subFlags(0x78, 0x79, 8), 0, A + 0x7f,
      0x8d7, A, B,
    ]));
  });

  it('covered every string instruction form', () => {
    expect(missingForms(GROUP.string, formsRun)).toEqual([]);
  });
});
