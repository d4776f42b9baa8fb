// Assembler and linker features (SPEC §3.1, §3.2), each checked by what the output does: the
// program runs on the machine, or the ELF file says where things went.

import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync, rmSync, readFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { spawnSync } from 'node:child_process';
import { linkSources, assemble, writeObject, objdump } from '../../tools/asm/index.js';
import { readElf, STT_FUNC, STT_OBJECT, STB_GLOBAL, STB_LOCAL, PF_R, PF_W, PF_X } from '../../tools/asm/elf.js';
import { Machine } from '../../emulator/machine.js';

const BASE = 0x100000;

function withFiles<T>(files: Record<string, string>, body: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'toy86-asm-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    return body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Assembles and boots a program; returns EAX at power-off and the machine. */
function run(files: Record<string, string>, main = 'main.s'): { eax: number; m: Machine } {
  return withFiles(files, (dir) => {
    const names = Object.keys(files).filter((f) => f.endsWith('.s'));
    const image = linkSources([main, ...names.filter((n) => n !== main)].map((n) => join(dir, n)), { base: BASE });
    const m = new Machine({ memSize: 4 << 20 });
    m.loadKernel(image);
    const r = m.run(1_000_000);
    expect(r.kind).toBe('poweroff');
    return { eax: m.cpu.regs[0] >>> 0, m };
  });
}

const prog = (body: string, data = '') => `section .text\nglobal _start\n_start:\n${body}\n    out 0xf4, al\n${data}`;

describe('the assembler', () => {
  it('scopes local labels to the label before them', () => {
    const { eax } = run({
      'main.s': prog(`    xor eax, eax
    call a
    call b
    jmp .end
a:  mov ecx, 3
.loop:
    add eax, 1
    dec ecx
    jnz .loop
    ret
b:  mov ecx, 4
.loop:
    add eax, 10
    dec ecx
    jnz .loop
    ret
_start.end:`),
    });
    expect(eax).toBe(43);
  });

  it('takes equ, %define, expressions, $ and $$', () => {
    const { eax, m } = run({
      'main.s': `%define SIX (2 * 3)
TEN equ SIX + 4
section .text
global _start
_start:
    mov eax, TEN << 2 | 1          ; 41
    add eax, (100 - 1) % 7         ; + 1
    add eax, ~0 & 0xf              ; + 15
    add eax, here - _start         ; + 15: mov (6) and three adds with byte immediates (3 each)
here:
    mov ebx, $ - $$                ; 15
    mov [result], ebx
    out 0xf4, al
section .data
result: dd 0
`,
    });
    expect(eax).toBe(41 + 1 + 15 + 15);
    const sym = m.kernel!.symbols.find((s) => s.name === 'result')!;
    expect(m.readPhys32(sym.value)).toBe(15);
  });

  it('takes $ in equ where the equ stands, and $ in a data line as the start of the line or repetition', () => {
    const { eax, m } = run({
      'main.s': `section .text
global _start
_start:
    mov eax, msg_len               ; 5
    add eax, table_len             ; + 16
    out 0xf4, al
section .data
msg: db 'hello'
msg_len equ $ - msg
table: dd $, $                     ; both the address of the line
       times 2 dd $                ; each repetition's own address
table_len equ $ - table
`,
    });
    expect(eax).toBe(21);
    const table = m.kernel!.symbols.find((s) => s.name === 'table')!.value;
    expect([0, 4, 8, 12].map((k) => m.readPhys32(table + k) - table)).toEqual([0, 0, 8, 12]);
  });

  it('links the first section exactly at --base, page-aligned or not, and boots it', () => {
    withFiles({ 'main.s': prog('    mov eax, here\nhere:\n    mov eax, [value]', 'section .data\nvalue: dd 0x5eed') }, (dir) => {
      const image = linkSources([join(dir, 'main.s')], { base: 0x100010 });
      const elf = readElf(image);
      const text = elf.sections.find((x) => x.name === '.text')!;
      const data = elf.sections.find((x) => x.name === '.data')!;
      expect(text.addr).toBe(0x100010);
      expect(data.addr).toBe(0x101000);
      for (const seg of elf.segments) expect((seg.offset - seg.vaddr) & 0xfff).toBe(0);
      const m = new Machine({ memSize: 4 << 20 });
      m.loadKernel(image);
      expect(m.run(1000).kind).toBe('poweroff');
      expect(m.cpu.regs[0]).toBe(0x5eed);
    });
  });

  it('emits data: db dw dd with numbers, characters and strings holding ; : and quotes; times; resb', () => {
    const { m } = run({
      'main.s': prog('    mov eax, 0', `section .data
bytes:  db 1, 2, 'ab', "x;y:'z'", 'q"', 0
words:  dw 0x1234, -1
dwords: dd 0x89abcdef, bytes
fill:   times 3 db 0x55
        times 2 dw 7
section .bss
gap:    resb 5
        resw 2
after:  resd 1
`),
    });
    const sym = (n: string) => m.kernel!.symbols.find((s) => s.name === n)!.value;
    const text = new TextDecoder().decode(m.readPhys(sym('bytes'), 14));
    expect([...m.readPhys(sym('bytes'), 2)]).toEqual([1, 2]);
    expect(text.slice(2)).toBe(`abx;y:'z'q"\0`);
    expect([...m.readPhys(sym('words'), 4)]).toEqual([0x34, 0x12, 0xff, 0xff]);
    expect(m.readPhys32(sym('dwords')) >>> 0).toBe(0x89abcdef);
    expect(m.readPhys32(sym('dwords') + 4)).toBe(sym('bytes'));
    expect([...m.readPhys(sym('fill'), 7)]).toEqual([0x55, 0x55, 0x55, 7, 0, 7, 0]);
    expect(sym('after') - sym('gap')).toBe(5 + 4);
  });

  it('aligns, and starts each section kind on its own page', () => {
    withFiles({
      'main.s': `section .text
global _start
_start: nop
align 16
at16: ret
section .rodata
r: db 1
section .data
d: db 2
align 8
d8: dd 3
section .bss
b: resb 10
`,
    }, (dir) => {
      const elf = readElf(linkSources([join(dir, 'main.s')], { base: BASE }));
      const sym = (n: string) => elf.symbols.find((s) => s.name === n)!.value;
      expect(sym('at16') % 16).toBe(0);
      expect(sym('d8') % 8).toBe(0);
      const starts = ['.text', '.rodata', '.data', '.bss'].map((n) => elf.sections.find((s) => s.name === n)!.addr);
      expect(starts).toEqual([BASE, BASE + 0x1000, BASE + 0x2000, BASE + 0x3000]);
      expect(elf.segments.map((s) => s.flags)).toEqual([PF_R | PF_X, PF_R, PF_R | PF_W, PF_R | PF_W]);
      const bss = elf.segments[3];
      expect(bss.filesz).toBe(0);
      expect(bss.memsz).toBe(10);
    });
  });

  it('includes files relative to the including file', () => {
    const { eax } = run({
      'main.s': `%include "inc/defs.inc"\n${prog('    mov eax, ANSWER')}`,
      'inc/defs.inc': '%include "more.inc"\nANSWER equ BASE_VALUE + 2\n',
      'inc/more.inc': 'BASE_VALUE equ 40\n',
    });
    expect(eax).toBe(42);
  });

  it('relaxes branches: rel8 while in reach, rel32 just out of it', () => {
    withFiles({
      'main.s': `section .text
global _start
_start:
    jmp near_target
    times 126 nop
near_target:
    jmp far_target
    times 128 nop
far_target:
    ret
`,
    }, (dir) => {
      const elf = readElf(linkSources([join(dir, 'main.s')], { base: BASE }));
      const code = elf.sections.find((s) => s.name === '.text')!.data;
      const sym = (n: string) => elf.symbols.find((s) => s.name === n)!.value - BASE;
      // jmp rel8 (2 bytes) reaches 126 nops; the second jmp must be rel32 (5 bytes) to pass 128.
      expect(sym('near_target')).toBe(2 + 126);
      expect(sym('far_target') - sym('near_target')).toBe(5 + 128);
      expect(code[sym('near_target') + 1]).toBe(128); // rel32 displacement, low byte
    });
  });

  it('links two objects: calls and data across them, --base and --load-offset', () => {
    withFiles({
      'a.s': `section .text
global _start
extern add3, counter
_start:
    mov eax, 4
    call add3
    add eax, [counter]
    out 0xf4, al
`,
      'b.s': `section .text
global add3
add3:
    add eax, 3
    ret
section .data
global counter
counter: dd 100
`,
    }, (dir) => {
      const image = linkSources([join(dir, 'a.s'), join(dir, 'b.s')], { base: BASE });
      const m = new Machine({ memSize: 4 << 20 });
      m.loadKernel(image);
      expect(m.run(1000)).toEqual({ kind: 'poweroff', code: 107 });
      // A higher-half link: p_paddr = p_vaddr - offset.
      const hh = readElf(linkSources([join(dir, 'a.s'), join(dir, 'b.s')], { base: 0xc0100000, loadOffset: 0xc0000000 }));
      expect(hh.segments[0].vaddr).toBe(0xc0100000);
      expect(hh.segments[0].paddr).toBe(0x100000);
      expect(hh.entry).toBe(0xc0100000);
      // The same through .o files written with -c.
      writeFileSync(join(dir, 'a.o'), writeObject(assemble(join(dir, 'a.s'))));
      writeFileSync(join(dir, 'b.o'), writeObject(assemble(join(dir, 'b.s'))));
      const m2 = new Machine({ memSize: 4 << 20 });
      m2.loadKernel(linkSources([join(dir, 'a.o'), join(dir, 'b.o')], { base: BASE }));
      expect(m2.run(1000)).toEqual({ kind: 'poweroff', code: 107 });
    });
  });

  it('writes symbols with types, bindings and sizes, and a line table', () => {
    withFiles({
      'main.s': `section .text
global _start
_start:
    call helper
    out 0xf4, al
helper:
    mov eax, 1
    ret
section .data
table: dd 1, 2, 3
`,
    }, (dir) => {
      const elf = readElf(linkSources([join(dir, 'main.s')], { base: BASE }));
      const s = (n: string) => elf.symbols.find((x) => x.name === n)!;
      expect(s('_start')).toMatchObject({ type: STT_FUNC, bind: STB_GLOBAL, value: BASE, size: s('helper').value - BASE });
      expect(s('helper')).toMatchObject({ type: STT_FUNC, bind: STB_LOCAL });
      expect(s('helper').size).toBe(7); // mov eax, imm32 (6) + ret (1)
      expect(s('table')).toMatchObject({ type: STT_OBJECT, size: 12 });
      const lines = elf.lines.entries.map((e) => [e.addr - BASE, elf.lines.files[e.file].endsWith('main.s'), e.line]);
      expect(lines.slice(0, 4)).toEqual([[0, true, 4], [5, true, 5], [8, true, 7], [14, true, 8]]);
    });
  });
});

describe('the toolchain on the command line', () => {
  const CLI = join(__dirname, '..', '..', 'tools', 'toy86.mjs');
  it('assembles, disassembles and boots docs/examples/hello.s as the README shows', () => {
    const dir = mkdtempSync(join(tmpdir(), 'toy86-hello-'));
    try {
      const hello = join(__dirname, '..', '..', 'docs', 'examples', 'hello.s');
      const out = join(dir, 'hello.elf');
      const asm = spawnSync(process.execPath, [CLI, 'asm', hello, '-o', out, '--base', '0x100000'], { encoding: 'utf8' });
      expect(asm.status, asm.stderr).toBe(0);
      const dump = spawnSync(process.execPath, [CLI, 'objdump', out], { encoding: 'utf8' });
      expect(dump.status).toBe(0);
      expect(dump.stdout).toContain('00100000 <_start>:');
      expect(dump.stdout).toMatch(/hello\.s:9:  mov esi, msg\n\s+100000:\t02 06 00 10 10 00\s+\tmov esi, 0x101000/);
      expect(dump.stdout).toContain('je short 0x00100025 <_start.done>');
      expect(dump.stdout).toContain('out 0xf4, al');
      expect(objdump(readFileSync(out), 'hello.elf')).toContain('Contents of section .rodata:');
      const boot = spawnSync(process.execPath, [CLI, 'boot', '--kernel', out], { encoding: 'utf8', input: '' });
      expect(boot.stdout).toBe('Hello from toy86!\n');
      expect(boot.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
