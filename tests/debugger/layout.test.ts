// The kernel-aware views decode the kernel's records with fixed layouts (tools/debugger/
// kernelviews.ts): these must be the layouts the kernel's sources declare. And the page walk,
// on page tables written by hand, for every kind of outcome — exact output, no kernel needed.

import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROC, REGION, FRAME, NPROC, NREGION } from '../../tools/debugger/kernelviews.js';
import { assemble, link } from '../../tools/asm/index.js';
import { ROOT, start } from './harness.js';

/** Field offsets of an @unmanaged class: every field of the kernel's records is 4 bytes. */
function fields(file: string, cls: string): Record<string, number> {
  const text = readFileSync(join(ROOT, 'kernel', file), 'utf8');
  const body = new RegExp(`class ${cls} \\{([\\s\\S]*?)\\n\\}`).exec(text)![1].replace(/\/\*\*[\s\S]*?\*\//g, '');
  const out: Record<string, number> = {};
  let off = 0;
  for (const m of body.matchAll(/(\w+):\s*(\w+);/g)) {
    expect(['u32', 'i32', 'usize'], `${cls}.${m[1]}`).toContain(m[2]);
    out[m[1]] = off;
    off += 4;
  }
  out.size = off;
  return out;
}

function constant(file: string, name: string): number {
  const m = new RegExp(`const ${name}: u32 = (\\d+);`).exec(readFileSync(join(ROOT, 'kernel', file), 'utf8'));
  return Number(m![1]);
}

describe('the kernel\'s records as the debugger reads them', () => {
  it('Proc, Region and Frame have the kernel\'s layouts', () => {
    const p = fields('proc.ts', 'Proc');
    for (const k of Object.keys(PROC) as (keyof typeof PROC)[]) expect(p[k === 'name' ? 'name0' : k], `Proc.${k}`).toBe(PROC[k]);
    expect(NPROC).toBe(constant('proc.ts', 'NPROC'));
    const r = fields('vm.ts', 'Region');
    for (const k of Object.keys(REGION) as (keyof typeof REGION)[]) expect(r[k], `Region.${k}`).toBe(REGION[k]);
    expect(NREGION).toBe(constant('vm.ts', 'NREGION'));
    const f = fields('kalloc.ts', 'Frame');
    for (const k of Object.keys(FRAME) as (keyof typeof FRAME)[]) expect(f[k], `Frame.${k}`).toBe(FRAME[k]);
  });
});

/** A bare machine: a kernel that spins, at 0x100000. */
function bare() {
  const obj = assemble('spin.s', () => 'section .text\nglobal _start\n_start:\n    jmp _start\n');
  return { kernel: link([obj], { base: 0x100000 }), kernelPath: 'spin.elf', disk: null };
}

describe('walk: every kind of outcome', () => {
  it('on page tables written by hand', async () => {
    const d = start(bare());
    // Page directory at 0x10000; a table at 0x11000 for 0x00000000-0x003fffff; a 4 MiB page at
    // 0x00400000; a read-only user table at 0x12000 for 0x00800000 (PDE R/W = 0).
    const t = await d.run([
      'set {int}0x10000 = 0x11027',
      'set {int}0x10004 = 0x004000e3',
      'set {int}0x10008 = 0x12025',
      'set {int}0x11004 = 0x20067',
      'set {int}0x11008 = 0x21025',
      'set {int}0x1100c = 0x21023',
      'set {int}0x11010 = 0x00007400',
      'set {int}0x11014 = 0x00000200',
      'set {int}0x11018 = 0x30223',
      'set {int}0x11020 = 0x7ffff027',
      'set {int}0x12000 = 0x40067',
      'set {int}0x11400 = 0x100025',
      'set $cr3 = 0x10000',
      'set $cr4 = 0x10',
      'set $cr0 = 0x80010001',
      'walk 0x1234',
      'walk/w 0x1234',
      'walk/u 0x1234',
      'walk/uw 0x2010',
      'walk/u 0x3000',
      'walk/kw 0x2000',
      'walk 0x4000',
      'walk 0x5000',
      'walk/uw 0x6000',
      'walk/kw 0x6000',
      'walk 0x8000',
      'walk/ux 0x00400010',
      'walk/kw 0x00400010',
      'walk/uw 0x00800000',
      'walk/ur 0x00800000',
      'walk 0x00c00000',
      'info mem',
      'stepi',
      'info tlb',
      'set $cr0 = 0x80000001',
      'walk/kw 0x2000',
      'walk/kw 0x00800000',
      'set $cr4 = 0',
      'walk/k 0x00400010',
      'set $cr0 = 1',
      'walk 0xfffff000',
    ]);
    expect(t).toBe(`(toy86) set {int}0x10000 = 0x11027
(toy86) set {int}0x10004 = 0x004000e3
(toy86) set {int}0x10008 = 0x12025
(toy86) set {int}0x11004 = 0x20067
(toy86) set {int}0x11008 = 0x21025
(toy86) set {int}0x1100c = 0x21023
(toy86) set {int}0x11010 = 0x00007400
(toy86) set {int}0x11014 = 0x00000200
(toy86) set {int}0x11018 = 0x30223
(toy86) set {int}0x11020 = 0x7ffff027
(toy86) set {int}0x12000 = 0x40067
(toy86) set {int}0x11400 = 0x100025
(toy86) set $cr3 = 0x10000
(toy86) set $cr4 = 0x10
(toy86) set $cr0 = 0x80010001
(toy86) walk 0x1234
PDE[0x000] @ 0x00010000 = 0x00011027  P RW U A -> page table 0x00011000
PTE[0x001] @ 0x00011004 = 0x00020067  P RW U A D
read by CPL 0: physical address 0x00020234
(toy86) walk/w 0x1234
PDE[0x000] @ 0x00010000 = 0x00011027  P RW U A -> page table 0x00011000
PTE[0x001] @ 0x00011004 = 0x00020067  P RW U A D
write by CPL 0: physical address 0x00020234
(toy86) walk/u 0x1234
PDE[0x000] @ 0x00010000 = 0x00011027  P RW U A -> page table 0x00011000
PTE[0x001] @ 0x00011004 = 0x00020067  P RW U A D
read by CPL 3: physical address 0x00020234
(toy86) walk/uw 0x2010
PDE[0x000] @ 0x00010000 = 0x00011027  P RW U A -> page table 0x00011000
PTE[0x002] @ 0x00011008 = 0x00021025  P U A (read-only)
write by CPL 3 to a read-only user page: protection fault (error 0x7)
(toy86) walk/u 0x3000
PDE[0x000] @ 0x00010000 = 0x00011027  P RW U A -> page table 0x00011000
PTE[0x003] @ 0x0001100c = 0x00021023  P RW A (supervisor)
read by CPL 3 of a supervisor page: protection fault (error 0x5)
(toy86) walk/kw 0x2000
PDE[0x000] @ 0x00010000 = 0x00011027  P RW U A -> page table 0x00011000
PTE[0x002] @ 0x00011008 = 0x00021025  P U A (read-only)
write by CPL 0 to a read-only page with CR0.WP = 1: protection fault (error 0x3)
(toy86) walk 0x4000
PDE[0x000] @ 0x00010000 = 0x00011027  P RW U A -> page table 0x00011000
PTE[0x004] @ 0x00011010 = 0x00007400  not present (swap entry: slot 6)
read by CPL 0: the page table entry is not present (the kernel keeps it in swap slot 6): page fault (error 0x0)
(toy86) walk 0x5000
PDE[0x000] @ 0x00010000 = 0x00011027  P RW U A -> page table 0x00011000
PTE[0x005] @ 0x00011014 = 0x00000200  not present
read by CPL 0: the page table entry is not present: page fault (error 0x0)
(toy86) walk/uw 0x6000
PDE[0x000] @ 0x00010000 = 0x00011027  P RW U A -> page table 0x00011000
PTE[0x006] @ 0x00011018 = 0x00030223  P RW A COW (supervisor)
write by CPL 3 of a supervisor page: protection fault (error 0x7)
(toy86) walk/kw 0x6000
PDE[0x000] @ 0x00010000 = 0x00011027  P RW U A -> page table 0x00011000
PTE[0x006] @ 0x00011018 = 0x00030223  P RW A COW (supervisor)
write by CPL 0: physical address 0x00030000
(toy86) walk 0x8000
PDE[0x000] @ 0x00010000 = 0x00011027  P RW U A -> page table 0x00011000
PTE[0x008] @ 0x00011020 = 0x7ffff027  P RW U A
read by CPL 0: physical address 0x7ffff000 (beyond RAM: the open bus)
(toy86) walk/ux 0x00400010
PDE[0x001] @ 0x00010004 = 0x004000e3  P RW A D PS (supervisor) -> 4 MiB page 0x00400000
instruction fetch by CPL 3 of a supervisor page: protection fault (error 0x15)
(toy86) walk/kw 0x00400010
PDE[0x001] @ 0x00010004 = 0x004000e3  P RW A D PS (supervisor) -> 4 MiB page 0x00400000
write by CPL 0: physical address 0x00400010
(toy86) walk/uw 0x00800000
PDE[0x002] @ 0x00010008 = 0x00012025  P U A (read-only) -> page table 0x00012000
PTE[0x000] @ 0x00012000 = 0x00040067  P RW U A D
write by CPL 3 to a read-only user page (R/W = 0 in the page directory entry): protection fault (error 0x7)
(toy86) walk/ur 0x00800000
PDE[0x002] @ 0x00010008 = 0x00012025  P U A (read-only) -> page table 0x00012000
PTE[0x000] @ 0x00012000 = 0x00040067  P RW U A D
read by CPL 3: physical address 0x00040000
(toy86) walk 0x00c00000
PDE[0x003] @ 0x0001000c = 0x00000000  not present (empty)
read by CPL 0: the page directory entry is not present: page fault (error 0x0)
(toy86) info mem
00001000-00002000 00001000 urw
00002000-00003000 00001000 ur-
00003000-00004000 00001000 -rw
00006000-00007000 00001000 -rw
00008000-00009000 00001000 urw
00100000-00101000 00001000 ur-
00400000-00800000 00400000 -rw
00800000-00801000 00001000 ur-
(toy86) stepi
4	in spin.s
(toy86) info tlb
TLB: 64 entries in 16 sets of 4 ways, 1 in use
hits 0, misses 1, evictions 0, flushes 4, walks 1
set way  linear    physical  flags
  0   0  00100000: 00100000 ----A--U-
(toy86) set $cr0 = 0x80000001
(toy86) walk/kw 0x2000
PDE[0x000] @ 0x00010000 = 0x00011027  P RW U A -> page table 0x00011000
PTE[0x002] @ 0x00011008 = 0x00021025  P U A (read-only)
write by CPL 0: physical address 0x00021000
(toy86) walk/kw 0x00800000
PDE[0x002] @ 0x00010008 = 0x00012025  P U A (read-only) -> page table 0x00012000
PTE[0x000] @ 0x00012000 = 0x00040067  P RW U A D
write by CPL 0: physical address 0x00040000
(toy86) set $cr4 = 0
(toy86) walk/k 0x00400010
PDE[0x001] @ 0x00010004 = 0x004000e3  P RW A D PS (supervisor) -> page table 0x00400000 (PS ignored: CR4.PSE = 0)
PTE[0x000] @ 0x00400000 = 0x00000000  not present (empty)
read by CPL 0: the page table entry is not present: page fault (error 0x0)
(toy86) set $cr0 = 1
(toy86) walk 0xfffff000
paging is off (CR0.PG = 0): linear address 0xfffff000 is physical address 0xfffff000 (beyond RAM: the open bus)
`);
    d.close();
  });
});
