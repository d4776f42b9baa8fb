// The step/trace console on `toy86 debug run userland/demos/cow.ts` (SPEC §6, docs/debugger.md):
// scripted sessions whose transcripts are compared with golden files (tests/debugger/harness.ts),
// and the exact facts behind them checked against the kernel's ELF file and the machine:
// breakpoints on a kernel file.ts:line and on functions, backtraces through a trap into user code,
// registers, memory, expressions, watchpoints on kernel data, catch fault and catch syscall, the
// page walk for each kind of outcome, the TLB, the kernel's own tables, and errors in one line.

import { describe, it, expect, beforeAll } from 'vitest';
import { readElf } from '../../tools/asm/elf.js';
import { Program } from '../../tools/debugger/symbols.js';
import { buildFixtures, runTargetOf, start, expectGolden, fingerprint, outputs, lineOf, hex8, type Fixtures } from './harness.js';
import type { DebugTarget } from '../../tools/debugger/index.js';

let f: Fixtures;
let cow: DebugTarget;
let kernel: Program;
beforeAll(() => {
  f = buildFixtures();
  cow = runTargetOf(f, 'userland/demos/cow.ts');
  kernel = new Program('kernel', 'kernel.elf', readElf(f.kernel), true);
});

const sym = (name: string) => kernel.lookup(name)[0];

describe('toy86 debug: the kernel', () => {
  it('stops at a kernel file.ts:line and a function, shows frames, registers, memory and expressions', async () => {
    const line = lineOf('kernel/trap.ts', 'const va = rcr2();');
    const d = start(cow);
    const t = await d.run([
      `break kernel/trap.ts:${line}`,
      'tbreak pagein',
      'info breakpoints',
      'continue',
      'backtrace',
      'info registers',
      'print $cr2',
      'print/x $cr2',
      'print $eip',
      'print $esp',
      'print $eflags',
      'print freecount',
      'print &freecount',
      'print procs',
      'print handlePageFault',
      "print 'swap.ts'::nslots",
      'print proc.ts::nslots',
      'print ($cr2 >> 22) & 0x3ff',
      'print/t 10',
      'print/c 65',
      'set $x = 41',
      'print $x + 1',
      'print $',
      'print $$2',
      'x/4xw $esp',
      'x/2dw $esp',
      'x/8xb $esp',
      'x/2xh $esp',
      'x',
      'x/3i $pc',
      "x/s 'trap.ts'::__str3",
      'info symbol $pc',
      'info symbol &freecount',
      'info address handlePageFault',
      'info address freecount',
      'info line',
      'disassemble/r handlePageFault,+9',
      'disassemble handlePageFault 3',
      'list',
      'continue',
      'finish',
      'nexti',
      'stepi',
      'stepi 3',
      'info breakpoints',
    ]);
    expectGolden('kernel-breakpoints', t, fingerprint(cow));
    const o = outputs(t);
    // The breakpoint is where the line's code starts, after handlePageFault's prologue.
    const pf = sym('handlePageFault');
    const at = kernel.addressesOfLine('kernel/trap.ts', line)!.addr;
    expect(at).toBeGreaterThan(pf.addr);
    expect(o[0].out).toBe(`Breakpoint 1 at 0x${at.toString(16)}: file kernel/trap.ts, line ${line}.\n`);
    expect(o[3].out).toMatch(new RegExp(`\\nBreakpoint 1, handlePageFault \\(tf=0x[0-9a-f]+, user=(true|false)\\) at kernel/trap.ts:${line}\\n${line}\\t  const va = rcr2\\(\\);\\n$`));
    expect(d.session.m.cpu.eip >>> 0).not.toBe(0); // moved on by the later commands
    // The backtrace goes through the trap stub into the code that faulted.
    expect(o[4].out).toMatch(/^#0  handlePageFault \(.*\n#1  0x[0-9a-f]{8} in trap \(tfp=0x[0-9a-f]+\) at kernel\/trap.ts:\d+\n#2  0x[0-9a-f]{8} in alltraps \(\) at kernel\/trapasm.s:\d+\n#3  <page fault \(#PF\), error 0x[0-9a-f]+, from CPL [03]>\n/);
    expect(o.find((x) => x.cmd === 'print &freecount')!.out).toBe(`$7 = (u32 *) 0x${sym('freecount').addr.toString(16)} <freecount>\n`);
    expect(o.find((x) => x.cmd === 'print $x + 1')!.out).toBe('$15 = 42\n');
    expect(o.find((x) => x.cmd === 'print/t 10')!.out).toBe('$13 = 1010\n');
    expect(o.find((x) => x.cmd === "x/s 'trap.ts'::__str3")!.out).toMatch(/^0x[0-9a-f]+ <__str3>:\t"[^"]*"\n$/);
    expect(o.find((x) => x.cmd === 'finish')!.out).toMatch(/^Run till exit from #0  pagein \(.*\n(0x[0-9a-f]{8} in )?handlePageFault \(.*\nValue returned is \$\d+ = -?\d+\n$/s);
    d.close();
  });

  it('watches kernel data, catches system calls, and reads the kernel\'s tables', async () => {
    const d = start(cow);
    const t = await d.run([
      'tbreak userinit',
      'continue',
      'watch freecount',
      'continue',
      'continue',
      'rwatch nframes',
      'continue',
      'awatch freecount',
      'info watchpoints',
      'delete',
      'catch syscall write',
      'continue',
      'backtrace',
      'info proc',
      'info vm',
      'info vm 1',
      'info frames',
      'info swap',
      'info mem',
      'info idt 14',
      'info idt 0x80',
      'delete',
    ]);
    expectGolden('kernel-views', t, fingerprint(cow));
    const o = outputs(t);
    expect(o[3].out).toMatch(/^Continuing\.\n\nHardware watchpoint 2: freecount\n\nOld value = (\d+)\nNew value = (\d+)\nkallocraw \(.*\) at kernel\/kalloc.ts:\d+\n/);
    const [, a, b] = /Old value = (\d+)\nNew value = (\d+)/.exec(o[4].out)!;
    expect(Number(b)).toBe(Number(a) - 1); // a frame allocated
    expect(o.find((x) => x.cmd === 'continue' && x.out.includes('Catchpoint'))!.out).toMatch(/\nCatchpoint 5 \(call to syscall write\), vector128 \(\)/);
    expect(o.find((x) => x.cmd === 'info proc')!.out).toMatch(/^  PID  PPID STATE     NAME             PGDIR       MINFLT MAJFLT  WAIT\n    1     0 SLEEPING  cow              0x[0-9a-f]{8} +\d+ +\d+  on 0x[0-9a-f]{8} <procs>\n\*   2     1 RUNNING   cow              0x[0-9a-f]{8} +\d+ +\d+\n$/);
    expect(o.find((x) => x.cmd === 'info mem')!.out).toMatch(/^08048000-0804[0-9a-f]{4} [0-9a-f]{8} ur-\n[\s\S]*c0000000-e0000000 20000000 -rw\n$/);
    // The TLB as the MMU holds it: geometry, counters, then each entry by set and way.
    const tlb = await d.run(['info tlb']);
    const rows = outputs(tlb)[0].out.split('\n').filter(Boolean);
    const mmu = d.session.m.cpu.mmu;
    expect(rows[0]).toBe(`TLB: 64 entries in 16 sets of 4 ways, ${mmu.entries().length} in use`);
    expect(rows[1]).toBe(`hits ${mmu.stats[0]}, misses ${mmu.stats[1]}, evictions ${mmu.stats[2]}, flushes ${mmu.stats[3]}, walks ${mmu.stats[4]}`);
    expect(rows[2]).toBe('set way  linear    physical  flags');
    expect(rows.length - 3).toBe(mmu.entries().length);
    for (const r of rows.slice(3)) {
      const [, set, way, page, frame, flags] = /^ +(\d+) +(\d) {2}([0-9a-f]{8}): ([0-9a-f]{8}) (-[G-][P-][D-]A--[U-][W-])$/.exec(r)!;
      const e = mmu.entries().find((x) => x.page === parseInt(page, 16))!;
      expect(e.frame).toBe(parseInt(frame, 16));
      expect(Number(set)).toBe((e.page >>> 12) & 15);
      expect(mmu.lookup(e.page | 0) % 4).toBe(Number(way));
      expect(flags[7] === 'U').toBe(e.user);
    }
    // The exit: the program's status, gdb's message, and the machine stays where it stopped.
    const end = outputs(await d.run(['continue', 'continue', 'stepi']));
    expect(end[0].out).toMatch(/\[Inferior 1 \(toy86\) exited normally\]\n$/);
    expect(end[1].out).toBe('The program is not being run.\n');
    expect(end[2].out).toBe('The program is not being run.\n');
    expect(d.session.exitCode()).toBe(0);
    d.close();
  });
});

describe('toy86 debug: a page fault from user code into the kernel and back', () => {
  it('catch fault pf, walk each kind of outcome, follow the fault through cowfault and back', async () => {
    const forkLine = lineOf('userland/demos/cow.ts', 'const pid = fork();');
    const d = start(cow);
    const t = await d.run([
      `break cow.ts:${forkLine}`,
      'continue',
      'backtrace',
      'catch fault pf',
      'continue',
      'backtrace',
      'walk $cr2',
      'info symbol $pc',
    ]);
    const o = outputs(t);
    // The fault: a write by the user program to its stack, now copy-on-write after fork.
    const m = d.session.m;
    const fault = { ...m.lastException };
    expect(fault.vector).toBe(14);
    expect(o[4].out).toMatch(new RegExp(`\\nCatchpoint 2 \\(page fault \\(#PF\\), error 0x7, cr2 ${hex8(fault.cr2)} at ${hex8(fault.eip)} <main\\+\\d+ at userland/demos/cow.ts:${forkLine}>\\), vector14 \\(\\) at vectors.s:\\d+\\n$`));
    expect(o[5].out).toMatch(new RegExp(`^#0  vector14 \\(\\) at vectors.s:\\d+\\n#1  <page fault \\(#PF\\), error 0x7, from CPL 3>\\n#2  ${hex8(fault.eip)} in main \\(argc=1, argv=0x[0-9a-f]+\\) at userland/demos/cow.ts:${forkLine}\\n$`));
    // The walk's entries are the page tables' own.
    const cr3 = d.session.register('cr3')!.v >>> 0;
    const pdeAddr = cr3 + (fault.cr2 >>> 22) * 4;
    const pde = m.readPhys32(pdeAddr) >>> 0;
    const pteAddr = (pde & ~0xfff) + ((fault.cr2 >>> 12) & 0x3ff) * 4;
    const pte = m.readPhys32(pteAddr) >>> 0;
    expect(o[6].out).toBe(`PDE[0x${(fault.cr2 >>> 22).toString(16).padStart(3, '0')}] @ ${hex8(pdeAddr)} = ${hex8(pde)}  P RW U A -> page table ${hex8(pde & ~0xfff)}\n` +
      `PTE[0x${((fault.cr2 >>> 12) & 0x3ff).toString(16).padStart(3, '0')}] @ ${hex8(pteAddr)} = ${hex8(pte)}  P U A${pte & 0x40 ? ' D' : ''} COW (read-only)\n` +
      'write by CPL 3 to a read-only user page, marked copy-on-write: protection fault (error 0x7)\n');
    const t1 = await d.run([
      'tbreak cowfault',
      'continue',
      'backtrace',
      'finish',
      'delete',
    ]);
    // Back from the handler the page is the writer's own: the same walk now succeeds.
    const t2 = await d.run([
      `tbreak *${hex8(fault.eip)}`,
      'continue',
      'walk/w $cr2',
      'stepi',
      'walk 0x40000000',
      'walk 0xbfff0000',
      'walk/u 0xc0000000',
      'walk/kw 0x08048000',
      'walk $esp 1',
      'walk/x 0x08048000 2',
    ]);
    expectGolden('user-fault', t + t1 + t2, fingerprint(cow));
    const p = outputs(t2);
    expect(p[1].out).toMatch(new RegExp(`\\nTemporary breakpoint 4, ${hex8(fault.eip)} in main \\(argc=1, argv=0x[0-9a-f]+\\) at userland/demos/cow.ts:${forkLine}\\n`));
    expect(p[2].out.split('\n')[1]).toMatch(/^PTE\[0x[0-9a-f]{3}\] @ 0x[0-9a-f]{8} = 0x[0-9a-f]{8}  P RW U A D$/);
    expect(p[2].out.split('\n')[2]).toMatch(/^write by CPL 3: physical address 0x[0-9a-f]{8}$/);
    expect(p[4].out).toMatch(/the page directory entry is not present: page fault \(error 0x4\)\n$/);
    expect(p[5].out).toMatch(/the page table entry is not present: page fault \(error 0x4\)\n$/);
    expect(p[6].out).toBe('PDE[0x300] @ ' + hex8(cr3 + 0xc00) + ' = 0x000001e3  P RW A D PS G (supervisor) -> 4 MiB page 0x00000000\nread by CPL 3 of a supervisor page: protection fault (error 0x5)\n');
    expect(p[7].out).toMatch(/\nwrite by CPL 0 to a read-only page with CR0.WP = 1: protection fault \(error 0x3\)\n$/);
    expect(p[8].out).toMatch(/^pid 1 \(cow\): page directory 0x[0-9a-f]{8}\n/);
    d.close();
  });

  it('walks a page in swap, and one with paging off', async () => {
    const hog = runTargetOf(f, 'userland/bin/hog.ts', ['1200'], { memSize: 2 << 20 });
    const d = start(hog);
    const t = await d.run(['walk 0x100000', 'break swapin', 'continue', 'walk $cr2', 'info swap', 'info vm']);
    expectGolden('swap-walk', t, fingerprint(hog));
    const o = outputs(t);
    expect(o[0].out).toBe('paging is off (CR0.PG = 0): linear address 0x00100000 is physical address 0x00100000\n');
    expect(o[3].out).toMatch(/^PDE\[0x020\] @ 0x[0-9a-f]{8} = 0x[0-9a-f]{8}  P RW U A -> page table 0x[0-9a-f]{8}\nPTE\[0x[0-9a-f]{3}\] @ 0x[0-9a-f]{8} = 0x[0-9a-f]{5}400  not present \(swap entry: slot (\d+)\)\nread by CPL 3: the page table entry is not present \(the kernel keeps it in swap slot \1\): page fault \(error 0x4\)\n$/);
    expect(o[4].out).toMatch(/^Swap: 256 slots \(1024 KiB\), \d+ free, \d+ in use; policy clock; pswpin 0, pswpout \d+, evictions \d+\nPages in swap by process:\n  pid 1 \(hog\): \d+\n$/);
    d.close();
  });
});

describe('toy86 debug: tracing', () => {
  it('trace on prints one line per event while the machine runs, trace off stops it', async () => {
    const d = start(cow);
    const t = await d.run(['break cowfault', 'trace on int', 'continue', 'trace off', 'continue', 'trace on exec', 'stepi 2', 'trace off']);
    const o = outputs(t);
    expect(o[1].out).toBe('Tracing int.\n');
    // The page faults and system calls on the way, the last one the copy-on-write fault.
    const ints = o[2].out.split('\n').filter((l) => /^\d+ int /.test(l));
    expect(ints.length).toBeGreaterThan(10);
    expect(ints[ints.length - 1]).toMatch(/^\d+ int cpl=3 vec=14 #PF err=0x0007 .*cr2=0xbfffffd0 eip=0x[0-9a-f]{8} <main\+\d+>: mov \[\w+[^\]]*\], \w+$/);
    expect(o[3].out).toBe('Tracing off.\n');
    expect(o[4].out).not.toMatch(/^\d+ int /m);
    const execs = o[6].out.split('\n').filter((l) => / exec /.test(l));
    expect(execs).toHaveLength(2);
    expect(execs[0]).toMatch(/^\d+ exec cpl=0 0x[0-9a-f]{8} <cowfault\+\d+>: /);
    d.close();
  });
});

describe('toy86 debug: mistakes get one line and the session goes on', () => {
  it('unknown commands, bad addresses, unmapped memory, bad expressions, bad locations', async () => {
    const d = start(cow);
    const t = await d.run([
      'frobnicate',
      'di',
      'info frob',
      'x/4xw 0xbffffffc',
      'x/4xq 0',
      'print nosuch',
      'print 1 +',
      'print 1/0',
      'print $nosuchvar',
      'p/q 1',
      'break nosuch',
      'break nosuch.ts:1',
      'break kernel/trap.ts:99999',
      'delete 42',
      'xp/4xw 0x7ffffff0',
      'walk',
      'info vm 77',
      'finish',
      'reverse-stepi',
      'reverse-continue',
      'set $cpl = 3',
      'send',
      'catch frob',
      'catch fault frob',
      'trace frob',
      'condition 9 1',
      'continue',
      'x/4xw 0',
      'print *(int *)0',
      'info registers eip',
    ]);
    expectGolden('errors', t, fingerprint(cow));
    const o = outputs(t);
    for (const x of o.slice(0, 26)) {
      if (x.cmd === 'reverse-stepi' || x.cmd === 'reverse-continue' || x.cmd === 'print $nosuchvar') continue;
      expect(x.out.split('\n').filter(Boolean), x.cmd).toHaveLength(1);
    }
    expect(o[0].out).toBe('Undefined command: "frobnicate".  Try "help".\n');
    expect(o[1].out).toBe('Ambiguous command "di": disable, disassemble, display.\n');
    expect(o[2].out).toBe('Undefined info command: "frob".  Try "help info".\n');
    expect(o[3].out).toBe('Cannot access memory at address 0xbffffffc\n');
    expect(o[5].out).toBe('No symbol "nosuch" in current context.\n');
    expect(o[6].out).toBe("A syntax error in expression, near `'.\n");
    expect(o[7].out).toBe('Division by zero\n');
    expect(o[10].out).toBe('Function "nosuch" not defined.\n');
    expect(o[11].out).toBe('No source file named nosuch.ts.\n');
    expect(o[12].out).toBe('No line 99999 in file "kernel/trap.ts".\n');
    expect(o[13].out).toBe('No breakpoint number 42.\n');
    // The session went on: it runs and stops as before.
    expect(o[26].out).toMatch(/\[Inferior 1 \(toy86\) exited normally\]\n$/);
    expect(o[27].out).toBe('Cannot access memory at address 0x0\n');
    d.close();
  });
});
