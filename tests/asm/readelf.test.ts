// Object files and executables are ELF32 that binutils' `readelf -a` reads without complaint
// (SPEC §3.2): no warning or error, and it shows toy86's sections, segments, symbols and
// relocations.

import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { assemble, writeObject, linkSources } from '../../tools/asm/index.js';

const SOURCE = `section .text
global _start
extern helper
_start:
    call helper
    mov eax, [value]
    jmp short _start
section .rodata
text: db 'toy86', 0
section .data
value: dd text
section .bss
space: resb 64
`;
const HELPER = `section .text
global helper
helper:
    ret
`;

function readelf(file: string) {
  const r = spawnSync('readelf', ['-a', '-W', file], { encoding: 'utf8' });
  if (r.error) throw new Error(`readelf could not run: ${r.error.message} (binutils is needed for this test)`);
  return r;
}

describe('readelf -a', () => {
  const dir = mkdtempSync(join(tmpdir(), 'toy86-readelf-'));
  writeFileSync(join(dir, 'main.s'), SOURCE);
  writeFileSync(join(dir, 'helper.s'), HELPER);

  it('reads a relocatable object without complaint', () => {
    const obj = join(dir, 'main.o');
    writeFileSync(obj, writeObject(assemble(join(dir, 'main.s'))));
    const r = readelf(obj);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toMatch(/warning|error/i);
    expect(r.stdout).toMatch(/Type:\s+REL \(Relocatable file\)/);
    expect(r.stdout).toMatch(/Machine:\s+<unknown>: 0x7486/);
    expect(r.stdout).toMatch(/\.rela\.text/);
    expect(r.stdout).toMatch(/\.rela\.data/);
    expect(r.stdout).toMatch(/GLOBAL DEFAULT\s+UND helper/);
    expect(r.stdout).toMatch(/FUNC\s+GLOBAL DEFAULT\s+\d+ _start/);
    expect(r.stdout).toMatch(/\.toy86\.lines/);
  });

  it('reads a linked executable without complaint', () => {
    const exe = join(dir, 'main.elf');
    writeFileSync(exe, linkSources([join(dir, 'main.s'), join(dir, 'helper.s')], { base: 0x100000 }));
    const r = readelf(exe);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toMatch(/warning|error/i);
    expect(r.stdout).toMatch(/Type:\s+EXEC \(Executable file\)/);
    expect(r.stdout).toMatch(/Entry point address:\s+0x100000/);
    expect(r.stdout).toMatch(/LOAD\s+0x001000 0x00100000 0x00100000 \S+ \S+ R E 0x1000/);
    expect(r.stdout).toMatch(/LOAD\s+0x000000 0x00103000 0x00103000 0x00000 0x00040 RW  0x1000/);
    for (const name of ['.text', '.rodata', '.data', '.bss', '.symtab', '.strtab']) expect(r.stdout).toContain(name);
    expect(r.stdout).toMatch(/OBJECT\s+LOCAL\s+DEFAULT\s+\d+ value/);
    rmSync(dir, { recursive: true, force: true });
  });
});
