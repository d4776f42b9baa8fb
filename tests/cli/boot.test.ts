// `toy86 boot --kernel` as a user runs it (SPEC §2.6, §5): COM1 on stdout, the power-off byte as
// the exit code, the exit codes of the other ways a run ends, the boot record (--mem, --append),
// and one clear line, never a stack trace, for bad input.

import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(ROOT, 'tools', 'toy86.mjs');
let dir = '';

function toy86(args: string[], input = '') {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, input, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Assembles `body` (after a putc/puts/puthex library) into NAME.elf at 0x100000. */
function program(name: string, body: string): string {
  const src = `section .text
global _start
_start:
${body}
; putc: AL to COM1, polling the line status
putc:
    push edx
    push eax
    mov dx, 0x3fd
.w: in al, dx
    test al, 0x20
    jz .w
    pop eax
    mov dx, 0x3f8
    out dx, al
    pop edx
    ret
; puts: the NUL-terminated string at ESI
puts:
    push eax
.n: mov al, [esi]
    test al, al
    jz .d
    call putc
    inc esi
    jmp .n
.d: pop eax
    ret
; putdec: EAX in decimal
putdec:
    pushad
    mov ecx, 10
    xor ebx, ebx
.div:
    xor edx, edx
    div ecx
    push edx
    inc ebx
    test eax, eax
    jnz .div
.out:
    pop eax
    add al, '0'
    call putc
    dec ebx
    jnz .out
    popad
    ret
`;
  writeFileSync(join(dir, `${name}.s`), src);
  const r = toy86(['asm', `${name}.s`, '-o', `${name}.elf`, '--base', '0x100000']);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  return `${name}.elf`;
}

beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'toy86-cli-')); });
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

describe('toy86 boot --kernel', () => {
  it('runs the README example: COM1 output on stdout, exit code 0', () => {
    const r = toy86(['asm', join(ROOT, 'docs', 'examples', 'hello.s'), '-o', 'hello.elf', '--base', '0x100000']);
    expect(r.code).toBe(0);
    const b = toy86(['boot', '--kernel', 'hello.elf']);
    expect(b.out).toBe('Hello from toy86!\n');
    expect(b.err).toBe('');
    expect(b.code).toBe(0);
  });

  it('exits with the byte written to port 0xF4', () => {
    const k = program('exit42', '    mov al, 42\n    out 0xf4, al');
    expect(toy86(['boot', '--kernel', k]).code).toBe(42);
  });

  it('passes the boot record: magic in EAX and the record, memory size (--mem), no disk, the command line (--append)', () => {
    const k = program('record', `    cmp eax, 0x70796f74
    jne .bad
    cmp dword [ebx], 0x70796f74
    jne .bad
    mov eax, [ebx + 4]
    shr eax, 20                    ; MiB
    call putdec
    mov al, ' '
    call putc
    mov eax, [ebx + 8]             ; disk sectors
    call putdec
    mov al, ' '
    call putc
    mov esi, [ebx + 12]
    call puts
    mov al, 10
    call putc
    mov al, 0
    out 0xf4, al
.bad:
    mov al, 99
    out 0xf4, al`);
    const a = toy86(['boot', '--kernel', k, '--mem', '32M', '--append', 'init=/bin/sh quiet']);
    expect(a.out).toBe('32 0 init=/bin/sh quiet\n');
    expect(a.code).toBe(0);
    const d = toy86(['boot', '--kernel', k]);
    expect(d.out).toBe('16 0 \n');
  });

  it('stops after --max-insns with exit code 124 and says where', () => {
    const k = program('spin', '.l: jmp .l');
    const r = toy86(['boot', '--kernel', k, '--max-insns', '100000']);
    expect(r.code).toBe(124);
    expect(r.err).toMatch(/^toy86: stopped after 100000 instructions \(--max-insns\)\n  eax=/);
  });

  it('reports a triple fault with exit code 251 and the registers', () => {
    const k = program('triple', '    mov eax, [0xfffffff0]\n    ud2');
    const r = toy86(['boot', '--kernel', k]);
    expect(r.code).toBe(251);
    expect(r.err).toMatch(/^toy86: triple fault .*\n  eax=.*\n  eip=/);
  });

  it('reports HLT with interrupts off (252), and HLT with nothing that could wake the CPU (252)', () => {
    const h = program('halt', '    cli\n    hlt');
    const r = toy86(['boot', '--kernel', h]);
    expect(r.code).toBe(252);
    expect(r.err).toMatch(/^toy86: the CPU halted with interrupts disabled at eip 0x/);
    const w = program('wait', `    sti                            ; every IRQ is masked: nothing can come
.h: hlt
    jmp .h`);
    const i = toy86(['boot', '--kernel', w], '');
    expect(i.code).toBe(252);
    expect(i.err).toMatch(/nothing can wake it/);
  });

  it('ends piped input with Ctrl-D (0x04), as a terminal would', () => {
    const k = program('eof', `.next:
    mov dx, 0x3fd
.w: in al, dx
    test al, 1
    jz .w
    mov dx, 0x3f8
    in al, dx
    cmp al, 4
    je .eof
    call putc
    jmp .next
.eof:
    mov al, 4
    out 0xf4, al`);
    const r = toy86(['boot', '--kernel', k], 'ab');
    expect(r.out).toBe('ab');
    expect(r.code).toBe(4);
  });

  it('feeds stdin to COM1: a guest echoes its input back in upper case', () => {
    const k = program('upper', `.next:
    mov dx, 0x3fd
.w: in al, dx
    test al, 1                     ; data ready
    jz .w
    mov dx, 0x3f8
    in al, dx
    cmp al, '.'
    je .end
    cmp al, 'a'
    jb .put
    cmp al, 'z'
    ja .put
    sub al, 32
.put:
    call putc
    jmp .next
.end:
    mov al, 7
    out 0xf4, al`);
    const r = toy86(['boot', '--kernel', k], 'hello, toy86.ignored');
    expect(r.out).toBe('HELLO, TOY86');
    expect(r.code).toBe(7);
  });

  it('gives one clear line for bad input: a missing or malformed kernel (1), a bad option value (2)', () => {
    const missing = toy86(['boot', '--kernel', 'nope.elf']);
    expect(missing.code).toBe(1);
    expect(missing.err.trim().split('\n')).toHaveLength(1);
    expect(missing.err).toMatch(/nope\.elf/);
    writeFileSync(join(dir, 'junk.elf'), 'this is not an ELF file at all, just some text');
    const junk = toy86(['boot', '--kernel', 'junk.elf']);
    expect(junk.code).toBe(1);
    expect(junk.err.trim().split('\n')).toHaveLength(1);
    const k = program('ok', '    mov al, 0\n    out 0xf4, al');
    for (const args of [['--mem', 'lots'], ['--mem', '3K'], ['--max-insns', '-5'], ['--tlb', '3']]) {
      const r = toy86(['boot', '--kernel', k, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
    const unknown = toy86(['boot', '--kernel', k, '--frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).not.toMatch(/\n\s+at /);
    // An option without its value is a mistake, not the default (nor an internal error).
    for (const opt of ['--mem', '--disk', '--debugcon', '--stats', '--disk=']) {
      const r = toy86(['boot', '--kernel', k, opt]);
      expect(r.code, opt).toBe(2);
      expect(r.err, opt).toBe(`toy86: ${opt.replace('=', '')} needs a value\n`);
    }
    const twice = toy86(['boot', '--kernel', k, '--mem', '2M', '--mem', '4M']);
    expect(twice.code).toBe(2);
    expect(twice.err).toBe('toy86: --mem is given more than once\n');
  });

  it('runs the bundled programs by their userland path from any folder (run demos/zero-fill.ts)', () => {
    const r = toy86(['run', 'demos/zero-fill.ts']);   // dir has no demos/: userland/demos/zero-fill.ts
    expect(r.out).toContain('zero-fill: 64 pages read as zero');
    expect(r.code).toBe(0);
    // Its machine flags: --swap sizes the fresh disk's swap area; --disk is boot's.
    expect(toy86(['run', 'demos/zero-fill.ts', '--swap', '1M']).out).toContain('swap: 1024 KiB');
    const disk = toy86(['run', 'demos/zero-fill.ts', '--disk', 'x.img']);
    expect(disk.code).toBe(2);
    expect(disk.err).toBe('toy86 run: run makes its own disk (the standard userland and the program): --disk is for boot\n');
    const none = toy86(['run', 'demos/no-such-demo.ts']);
    expect(none.code).toBe(1);
    expect(none.err.trim().split('\n')).toHaveLength(1);
    expect(none.err).toMatch(/demos\/no-such-demo\.ts/);
  }, 120_000);

  it('ends quietly when the reader of its output goes away (toy86 boot | head)', () => {
    const k = program('forever', ".again:\n    mov esi, line\n    call puts\n    jmp .again\nline: db 'all work and no play', 10, 0");
    const r = spawnSync('bash', ['-c', `"$0" "$1" boot --kernel "$2" --max-insns 500000000 2>err.txt | head -1; echo "rc=\${PIPESTATUS[0]}"; cat err.txt`, process.execPath, CLI, k],
      { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    expect(r.stdout).toBe('all work and no play\nrc=0\n');
  });

  it('answers --help', () => {
    const r = toy86(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['boot', 'asm', 'objdump', 'bench']) expect(r.out).toMatch(new RegExp(`toy86 ${c}`));
  });
});
