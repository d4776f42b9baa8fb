// What a user who knows gdb tries that the other tests did not (issue 7's audit): gdb's words for
// mistakes in expressions and printf, sizeof, odd counts and empty lines, `down N` at the
// innermost frame, `disassemble ADDR N` with a decimal address, and a breakpoint set from another
// program's symbols (`break sh:main` while cow runs) described from that program's lines. Every
// mistake is one line and the session goes on.

import { describe, it, expect, beforeAll } from 'vitest';
import { readElf } from '../../tools/asm/elf.js';
import { Program, structLayouts } from '../../tools/debugger/symbols.js';
import { buildProgram } from '../../tools/userland.js';
import { join } from 'node:path';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { DebugTarget } from '../../tools/debugger/index.js';
import { buildFixtures, runTargetOf, start, expectGolden, fingerprint, outputs, lineOf, hex8, ROOT, type Fixtures } from './harness.js';

let f: Fixtures;
let cow: DebugTarget;
beforeAll(() => {
  f = buildFixtures();
  cow = runTargetOf(f, 'userland/demos/cow.ts');
});

describe('toy86 debug: gdb\'s words for more mistakes', () => {
  it('numbers, characters, strings, sizeof, printf; each mistake one line', async () => {
    const d = start(cow);
    const t = await d.run([
      'print 99999999999999999999',
      'print 4294967296',
      'print 4294967295',
      'print 08',
      'print 12ab',
      "print ''",
      'print "abc"',
      'print "abc',
      'print sizeof(int)',
      'print sizeof(char *)',
      'print sizeof(u16)',
      'print sizeof $eax',
      'print sizeof $al',
      'print sizeof(int) * 3 + 1',
      'print sizeof main',
      'printf "%d\\n"',
      'printf "%d %d\\n", 1',
      'printf "%d\\n", 1, 2',
      'printf "%q\\n", 1',
      'printf "%d\\n" 1',
      'printf abc',
      'printf "abc',
      'printf "%"',
      'printf "%d %#x %5u|%-3c|%%\\n", -7, 255, 42, 65',
      'stepi -5',
      'x/-1x 0',
      'down 5',
      'stepi',
    ]);
    expectGolden('errors-gdb', t, fingerprint(cow));
    const o = outputs(t);
    const got = Object.fromEntries(o.map((x) => [x.cmd, x.out]));
    expect(got['print 99999999999999999999']).toBe('Numeric constant too large.\n');
    expect(got['print 4294967296']).toBe('Numeric constant too large.\n');
    expect(got['print 4294967295']).toBe('$1 = 4294967295\n');
    expect(got['print 08']).toBe('Invalid number "08".\n');
    expect(got['print 12ab']).toBe('Invalid number "12ab".\n');
    expect(got["print ''"]).toBe('Empty character constant.\n');
    expect(got['print "abc"']).toBe('A string is not a value here ("abc"): x/s ADDR shows a string in memory.\n');
    expect(got['print "abc']).toBe('Unterminated string in expression.\n');
    expect(got['print sizeof(int)']).toBe('$2 = 4\n');
    expect(got['print sizeof(char *)']).toBe('$3 = 4\n');
    expect(got['print sizeof(u16)']).toBe('$4 = 2\n');
    expect(got['print sizeof $eax']).toBe('$5 = 4\n');
    expect(got['print sizeof $al']).toBe('$6 = 1\n');
    expect(got['print sizeof(int) * 3 + 1']).toBe('$7 = 13\n');
    expect(got['print sizeof main']).toBe('Attempt to take the size of a function.\n');
    expect(got['printf "%d\\n"']).toBe('Wrong number of arguments for specified format-string\n');
    expect(got['printf "%d %d\\n", 1']).toBe('Wrong number of arguments for specified format-string\n');
    expect(got['printf "%d\\n", 1, 2']).toBe('Wrong number of arguments for specified format-string\n');
    expect(got['printf "%q\\n", 1']).toBe("Unrecognized format specifier 'q' in printf\n");
    expect(got['printf "%d\\n" 1']).toBe('Invalid argument syntax\n');
    expect(got['printf abc']).toBe('Bad format string, missing \'"\'\n');
    expect(got['printf "abc']).toBe('Bad format string, non-terminated \'"\'\n');
    expect(got['printf "%"']).toBe('Incomplete format specifier at end of format string\n');
    expect(got['printf "%d %#x %5u|%-3c|%%\\n", -7, 255, 42, 65']).toBe('-7 0xff    42|A  |%\n');
    expect(got['stepi -5']).toBe('Invalid number "-5".\n');
    expect(got['x/-1x 0']).toBe('toy86 examines memory forward only: give a positive count.\n');
    // gdb's `down N` goes as far as it can without complaint (only a bare `down` complains).
    expect(got['down 5']).toBe('#0  0x00100000 in ?? ()\n');
    // And the session went on.
    expect(got.stepi).toBe('0x00100002 in ?? ()\n');
    expect(d.session.m.clock).toBe(1);
    d.close();
  });

  it('C\'s ?: and compound assignments; an expression nested past the stack is one line', async () => {
    const d = start(cow);
    const t = await d.run([
      'print 1 ? 0 ? 7 : 8 : 9',
      'print 0 ? 2 : 3',
      'set $x = 5',
      'set $x += 3',
      'print $x <<= 2',
      'set $eax = 1',
      'set $eax *= 7',
      'print $eax',
      'print 1 ? 2',
      `print ${'1+'.repeat(20000)}1`,
      `print ${'('.repeat(5000)}1${')'.repeat(5000)}`,
      'print $x',
    ]);
    const o = outputs(t).map((x) => x.out);
    expect(o).toEqual([
      '$1 = 8\n', '$2 = 3\n', '', '', '$3 = 32\n', '', '', '$4 = 7\n',
      "A syntax error in expression, near `'.\n",
      'Expression too deeply nested.\n',
      'Expression too deeply nested.\n',
      '$5 = 32\n',
    ]);
    expect(d.session.m.cpu.regs[0]).toBe(7);
    d.close();
  });

  it('a register the debugger only reads says why it cannot be set', async () => {
    const d = start(cow);
    const o = outputs(await d.run(['set $cs = 0x1b', 'set $cpl = 3', 'set $idtr = 0', 'set $icount = 0', 'print $cs', 'set $eax = 9']));
    expect(o.map((x) => x.out)).toEqual([
      'Cannot set $cs: the debugger writes the general registers, EIP, EFLAGS and CR0-CR4 (the selectors follow the CPL, which changes by an interrupt or IRETD).\n',
      'Cannot set $cpl: the debugger writes the general registers, EIP, EFLAGS and CR0-CR4 (the selectors follow the CPL, which changes by an interrupt or IRETD).\n',
      'Cannot set $idtr: the debugger writes the general registers, EIP, EFLAGS and CR0-CR4 (the guest loads it with LIDT).\n',
      'Cannot set $icount: the debugger writes the general registers, EIP, EFLAGS and CR0-CR4 (the clock moves by running).\n',
      '$1 = 8\n',
      '',
    ]);
    expect(d.session.m.cpu.regs[0]).toBe(9);
    d.close();
  });

  it('gdb\'s short forms win over toy86\'s own commands', async () => {
    const d = start(cow);
    const o = outputs(await d.run(['wa 0x1000', 'wal 0', 'info fr', 'info s', 'info frames', 'info sw']));
    expect(o[0].out).toBe('Hardware watchpoint 1: *0x1000\n');
    expect(o[1].out).toMatch(/^paging is off/);
    expect(o[2].out).toMatch(/^Stack level 0, frame at /);
    expect(o[3].out).toBe('#0  0x00100000 in ?? ()\n');
    expect(o[4].out).toBe('the frame table is not built yet (kinit has not run)\n');
    expect(o[5].out).toMatch(/^Swap: /);
    d.close();
  });

  it('empty lines and comments do nothing; a huge count runs to the end of the program', async () => {
    const d = start(cow);
    const t = await d.run(['', '   ', '# a comment', 'stepi 99999999999999999999', 'stepi 4294967295', 'stepi', 'info registers eip']);
    const o = outputs(t);
    expect(o.slice(0, 3).map((x) => x.out)).toEqual(['', '', '']);
    expect(o[3].out).toBe('Numeric constant too large.\n');
    expect(o[4].out).toMatch(/\[Inferior 1 \(toy86\) exited normally\]\n$/);
    expect(o[5].out).toBe('The program is not being run.\n');
    expect(o[6].out).toMatch(/^eip\s+0x[0-9a-f]+\s+0x[0-9a-f]+ <\w+\+\d+ at [\w/.]+\.(ts|s):\d+>\n$/);
    d.close();
  });
});

describe('toy86 debug: locations in another program and disassemble\'s addresses', () => {
  it('break sh:main while cow runs names sh\'s line; disassemble 0 2 is address 0', async () => {
    const d = start(cow);
    const sh = new Program('sh', '/bin/sh', readElf(buildProgram([join(ROOT, 'userland/bin/sh.ts')])), false);
    const at = sh.afterPrologue(sh.byName.get('main')![0]);
    const row = sh.lineAt(at)!;
    expect(row.file).toBe('userland/bin/sh.ts');
    const line = lineOf('userland/bin/sh.ts', 'export function main(');
    expect(row.line).toBeGreaterThan(line);
    const t = await d.run([
      'disassemble 0 2',
      `break cow.ts:${lineOf('userland/demos/cow.ts', 'i < 8; i++) store<u32>')}`,
      'continue',
      'break sh:main',
      'tbreak sh:main',
      'info breakpoints',
      'disassemble 0 2',
    ]);
    const o = outputs(t).slice(1);
    expect(o[2].out).toBe(`Breakpoint 2 at 0x${at.toString(16)}: file userland/bin/sh.ts, line ${row.line}.\n`);
    expect(o[3].out).toBe(`Temporary breakpoint 3 at 0x${at.toString(16)}: file userland/bin/sh.ts, line ${row.line}.\n`);
    const rows = o[4].out.split('\n');
    expect(rows[3]).toBe(`2       breakpoint     keep y   ${hex8(at)} in main at userland/bin/sh.ts:${row.line}`);
    expect(rows[4]).toBe(`3       breakpoint     del  y   ${hex8(at)} in main at userland/bin/sh.ts:${row.line}`);
    // A number is an address in disassemble's arguments (gdb's expressions), not a line: at
    // power-on, physical address 0; in the user program, an unmapped page.
    const first = outputs(t)[0].out.split('\n');
    expect(first[0]).toBe('Dump of assembler code from 0x0 to 0x2:');
    expect(first[1]).toMatch(/^ {3}0x00000000:\t/);
    expect(o[5].out).toBe('Cannot access memory at address 0x0\n');
    d.close();
  });
});

describe('toy86 debug: addresses with their source line; register locations', () => {
  it('x/i and disassemble $pc name symbol+offset and the line (SPEC §6); symbol-filename off gives gdb\'s short form', async () => {
    const d = start(cow);
    const line = lineOf('kernel/trap.ts', 'const va = rcr2();');
    const t = await d.run([
      'break handlePageFault',
      'continue',
      'x/i $pc',
      'disassemble $pc 1',
      'disassemble $pc+3 1',
      'set print symbol-filename off',
      'x/i $pc',
    ]);
    const o = outputs(t);
    const kernel = new Program('kernel', 'kernel.elf', readElf(f.kernel), true);
    const hexShort = (n: number) => `0x${(n >>> 0).toString(16)}`;
    const pc = d.session.m.cpu.eip >>> 0;
    const off = pc - kernel.byName.get('handlePageFault')![0].addr;
    expect(o[2].out).toBe(`=> ${hex8(pc)} <handlePageFault+${off} at kernel/trap.ts:${line}>:\tmov eax, cr2\n`);
    expect(o[3].out).toBe(`Dump of assembler code from ${hexShort(pc)} to ${hexShort(pc + 3)}:\n=> ${hex8(pc)} <handlePageFault+${off} at kernel/trap.ts:${line}>:\tmov eax, cr2\nEnd of assembler dump.\n`);
    expect(o[4].out).toMatch(new RegExp(`^Dump of assembler code from ${hexShort(pc + 3)} to 0x[0-9a-f]+:\\n {3}${hex8(pc + 3)} <handlePageFault\\+${off + 3} at kernel/trap.ts:\\d+>:\\t`));
    expect(o[6].out).toBe(`=> ${hex8(pc)} <handlePageFault+${off}>:\tmov eax, cr2\n`);
    d.close();
  });
});

describe('toy86 debug: backtrace full and -N, info frame N, the kernel\'s views of one process', () => {
  it('takes gdb\'s arguments, and refuses the ones that name nothing in one line', async () => {
    const d = start(cow);
    const t = await d.run([
      'break cowfault',
      'continue',
      'backtrace',
      'backtrace 2',
      'backtrace -2',
      'backtrace full 1',
      'info frame 2',
      'frame',
      'info frame 9',
      'finish 3',
      'info proc 2',
      'info proc 9',
      'info proc x',
      'info frames 99',
      'info mem abc',
      'catch syscall 9999',
      'catch syscall write',
    ]);
    expectGolden('audit-views', t, fingerprint(cow));
    const o = outputs(t);
    const bt = o[2].out.split('\n').filter(Boolean);
    expect(bt.length).toBe(6);
    expect(o[3].out).toBe(`${bt[0]}\n${bt[1]}\n(More stack frames follow...)\n`);
    expect(o[4].out).toBe(`${bt[4]}\n${bt[5]}\n`);
    expect(o[5].out).toBe(`${bt[0]}\n(More stack frames follow...)\nNo locals: toy86's compiler does not record where local variables live (x/8dw $sp shows the frame).\n`);
    expect(o[6].out).toMatch(/^Stack level 2, frame at 0x[0-9a-f]+:\n eip = 0x[0-9a-f]+ in trap \(kernel\/trap\.ts:\d+\)/);
    // info frame N leaves the selected frame as it was.
    expect(o[7].out.split('\n')[0]).toBe(bt[0]);
    expect(o[8].out).toBe('No frame at level 9.\n');
    expect(o[9].out).toBe('The "finish" command does not take any arguments.\n');
    expect(o[10].out.split('\n').filter(Boolean)).toHaveLength(2);
    expect(o[10].out.split('\n')[1]).toMatch(/^[ *]   2     1 /);
    expect(o[11].out).toBe('No process 9.\n');
    expect(o[12].out).toBe('Invalid process id "x".\n');
    expect(o[13].out).toBe('No process 99.\n');
    expect(o[14].out).toBe('Invalid process id "abc".\n');
    expect(o[15].out).toBe('Catchpoint 2 (syscall 9999)\n');
    expect(o[16].out).toBe("Catchpoint 3 (syscall 'write' [4])\n");
    d.close();
  });
});

describe('toy86 debug: parameters the compiler keeps in registers', () => {
  it('are read from the frame while that is exact, never assigned where the function would not see it', async () => {
    const kernel = new Program('kernel', 'kernel.elf', readElf(f.kernel), true);
    const sym = (name: string) => kernel.byName.get(name)![0];
    // What the prologues say (tools/cc/gen.ts copies a register-held parameter from [ebp+8+4i]).
    expect(kernel.paramHomes(sym('cowfault'))).toEqual([{ reg: 'ebx', assigned: false }, { reg: null, assigned: false }, expect.objectContaining({ assigned: false })]);
    expect(kernel.paramHomes(sym('digits'))).toEqual([{ reg: 'ebx', assigned: true }, { reg: 'esi', assigned: false }]);
    expect(kernel.paramHomes(sym('readi'))[3]).toEqual({ reg: null, assigned: true });
    const d = start(cow);
    const s = d.session;
    const t1 = await d.run(['break cowfault', 'continue', 'print pd', 'set var pd = 5', 'watch pd', 'print va', 'set var va = va']);
    // pd is what EBX holds, and stays so.
    const p = outputs(t1);
    expect(p[2].out).toBe(`$1 = 0x${(s.m.cpu.regs[3] >>> 0).toString(16)}\n`);
    const t2 = await d.run([
      'delete',
      'break digits',
      'continue',
      'info args',
      'stepi 2',
      'info args',
      'print v',
      'print base',
      'set var base = 16',
      'backtrace 1',
    ]);
    const t = t1 + t2;
    expectGolden('param-homes', t, fingerprint(cow));
    const o = outputs(t);
    expect(o[3].out).toBe('Cannot assign to pd: the function keeps it in EBX, and the compiler records no range where EBX holds it (the frame\'s word is the value passed).\n');
    expect(o[4].out).toBe('Cannot watch pd: the function keeps it in EBX, and the compiler records no range where EBX holds it (the frame\'s word is the value passed).\n');
    expect(o[6].out).toBe('');
    expect(o[10].out).toMatch(/^v = \d+\nbase = (10|16)\n$/);
    expect(o[12].out).toMatch(/^v = <optimized out>\nbase = (10|16)\n$/);
    expect(o[13].out).toBe('v is optimized out here: the function keeps it in EBX and changes it, and the compiler records no range where EBX holds it.\n');
    expect(o[14].out).toMatch(/^\$\d+ = (10|16)\n$/);
    expect(o[15].out).toMatch(/^Cannot assign to base: the function keeps it in ESI/);
    expect(o[16].out).toMatch(/^#0  0x[0-9a-f]+ in digits \(v=<optimized out>, base=(10|16)\) at userland\/lib\/fmt\.ts:\d+\n/);
    d.close();
  });
});

describe('toy86 debug: source FILE and jump LOC (gdb\'s)', () => {
  it('source runs a file\'s commands as -x does; jump goes on at a location and stops at a breakpoint there', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'toy86-source-'));
    try {
      const line35 = lineOf('userland/demos/cow.ts', 'i < 8; i++) store<u32>');
      const line37 = lineOf('userland/demos/cow.ts', 'printf("cow: child read');
      writeFileSync(join(dir, 'a.gdb'), `break cow.ts:${line35}\nfrobnicate\ncontinue\n`);
      writeFileSync(join(dir, 'self.gdb'), `source ${join(dir, 'self.gdb')}\n`);
      const d = start(cow);
      const s = d.session;
      const t = await d.run([
        `source ${join(dir, 'a.gdb')}`,
        'print argc',
        `source ${join(dir, 'nosuch.gdb')}`,
        'source',
        `source ${join(dir, 'self.gdb')}`,
        `tbreak cow.ts:${line37}`,
        `jump cow.ts:${line37}`,
        'jump',
        'print $pc',
      ]);
      const o = outputs(t);
      // The sourced commands are echoed after the prompt, and a mistake does not end the file.
      expect(o.map((x) => x.cmd).slice(0, 5)).toEqual([`source ${join(dir, 'a.gdb')}`, `break cow.ts:${line35}`, 'frobnicate', 'continue', 'print argc']);
      expect(o[2].out).toBe('Undefined command: "frobnicate".  Try "help".\n');
      expect(o[3].out).toMatch(new RegExp(`Breakpoint 1, main \\(argc=1, argv=0x[0-9a-f]+\\) at userland/demos/cow\\.ts:${line35}\\n`));
      expect(o[4].out).toBe('$1 = 1\n');
      expect(o[5].out).toBe(`${join(dir, 'nosuch.gdb')}: No such file or directory.\n`);
      expect(o[6].out).toBe('source command requires file name of file to source.\n');
      const selfs = o.filter((x) => x.cmd === `source ${join(dir, 'self.gdb')}`);
      expect(selfs).toHaveLength(17);
      expect(selfs[16].out).toBe(`source ${join(dir, 'self.gdb')}: files sourced 16 deep (does a file source itself?)\n`);
      const i = o.findIndex((x) => x.cmd.startsWith('jump cow.ts'));
      const at = s.resolve(`cow.ts:${line37}`).addr;
      const argv = /argv=(0x[0-9a-f]+)/.exec(o[3].out)![1];
      expect(o[i].out).toBe(`Continuing at 0x${at.toString(16)}.\n\nTemporary breakpoint 2, main (argc=1, argv=${argv}) at userland/demos/cow.ts:${line37}\n${line37}\t    printf("cow: child read 64 shared pages (sum %u) with %u faults, wrote 8 with %u faults\\n", sum, b - a, c - b);\n`);
      expect(o[i + 1].out).toBe('Argument required (starting address).\n');
      expect(s.m.cpu.eip >>> 0).toBe(at);
      d.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('toy86 debug: list\'s ranges and list -, whatis and ptype (gdb\'s)', () => {
  it('lists FIRST,LAST, FIRST, ,LAST and back with -; a stop starts the listing over; whatis names types', async () => {
    const d = start(cow);
    const t = await d.run([
      'break cowfault', 'continue',
      'list', 'list', 'list -', 'list 1,3', 'list -', 'list 210,', 'list ,220', 'list ,', 'list vm.ts:214,trap.ts:100',
      'next', 'list',
      'whatis freecount', 'ptype freecount', 'whatis cowfault', 'whatis pd', 'whatis pid', 'whatis $sp', 'whatis &freecount', 'whatis',
    ]);
    const o = outputs(t);
    const nums = (x: string) => x.split('\n').filter(Boolean).map((l) => Number(l.split('\t')[0]));
    const at = lineOf('kernel/vm.ts', 'export function cowfault(') + 1;
    const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
    expect(nums(o[2].out)).toEqual(range(at - 5, at + 4));
    expect(nums(o[3].out)).toEqual(range(at + 5, at + 14));
    expect(nums(o[4].out)).toEqual(range(at - 5, at + 4));
    expect(nums(o[5].out)).toEqual([1, 2, 3]);
    expect(o[6].out).toBe('Already at the start of kernel/vm.ts.\n');
    expect(nums(o[7].out)).toEqual(range(210, 219));
    expect(nums(o[8].out)).toEqual(range(211, 220));
    expect(o[9].out).toBe('Junk at end of line specification.\n');
    expect(o[10].out).toBe('Specified first and last lines are in different files.\n');
    // After the stop of `next`, list is around the new line again.
    const now = Number(o[11].out.split('\t')[0]);
    expect(nums(o[12].out)).toEqual(range(now - 5, now + 4));
    expect(o.slice(13).map((x) => x.out)).toEqual([
      'type = u32\n', 'type = u32\n', 'type = i32 (pd: usize, va: usize, pid: i32)\n', 'type = usize\n', 'type = i32\n',
      'type = void *\n', 'type = u32 *\n', 'Argument required (expression to compute).\n',
    ]);
    d.close();
  });
});

describe('toy86 debug: the fields of @unmanaged classes, and C\'s pointer arithmetic', () => {
  it('lays classes out as the compiler does', () => {
    const l = structLayouts(['kernel/trap.ts', 'kernel/proc.ts', 'kernel/vm.ts', 'kernel/kalloc.ts']);
    const tf = l.get('TrapFrame')!;
    expect(tf.fields.map((f) => [f.name, f.offset])).toEqual(['edi', 'esi', 'ebp', 'oesp', 'ebx', 'edx', 'ecx', 'eax', 'trapno', 'err', 'eip', 'cs', 'eflags', 'esp', 'ss'].map((n, i) => [n, 4 * i]));
    expect(tf.size).toBe(60);
    // The debugger's fixed layouts of the kernel views agree (layout.test.ts checks those against the sources).
    expect(l.get('Proc')!.fields.find((f) => f.name === 'pgdir')!.offset).toBe(8);
  });

  it('tf.err, tf->eip, *tf, (TrapFrame *) ADDR, changetype<TrapFrame>(ADDR), p.pid; assignable; mistakes one line', async () => {
    const d = start(cow);
    const s = d.session;
    const t1 = await d.run(['break handlePageFault', 'continue']);
    const tfAddr = parseInt(/handlePageFault \(tf=(0x[0-9a-f]+)/.exec(t1)![1], 16);
    const words = Array.from({ length: 15 }, (_, i) => s.m.readPhys32((tfAddr - 0xc0000000 + 4 * i) >>> 0) >>> 0);
    const word = (i: number) => words[i];
    const t2 = await d.run([
      'print tf.err',
      'print tf->eip',
      'print/x *tf',
      'whatis tf',
      'print ((TrapFrame *) $ebx)->trapno',
      'print changetype<TrapFrame>(tf).cs',
      'print tf.nosuch',
      'print $eax.x',
      'print (Nope *) 0',
      'set var tf.err = 6',
      'print tf.err',
      'set var tf.err = 2',
      'print (u32 *)0x1000 + 1',
      'print (u32 *)0x1010 - (u32 *)0x1000',
      'print (char *)0x1010 - 1',
      'ptype tf',
      'help info stack',
      'frame 4',
      'print p.pid',
      'print p.pgdir == *(usize *)(p + 8)',
    ]);
    const t = t1 + t2;
    expectGolden('struct-fields', t, fingerprint(cow));
    const o = outputs(t);
    expect(o[2].out).toBe(`$1 = ${word(9)}\n`);
    expect(o[3].out).toBe(`$2 = ${word(10)}\n`);
    expect(o[4].out).toMatch(/^\$3 = \{edi = 0x[0-9a-f]+, esi = .*, trapno = 0xe, err = 0x2, eip = 0x[0-9a-f]+, cs = 0x8, eflags = 0x[0-9a-f]+, esp = 0x[0-9a-f]+, ss = 0x[0-9a-f]+\}\n$/);
    expect(o[5].out).toBe('type = TrapFrame\n');
    expect(o[6].out).toBe('$4 = 14\n');
    expect(o[7].out).toBe('$5 = 8\n');
    expect(o[8].out).toBe('There is no member named nosuch.\n');
    expect(o[9].out).toBe('Attempt to extract a component of a value that is not a structure.\n');
    expect(o[10].out).toBe('No struct type named Nope.\n');
    expect(o[12].out).toBe('$6 = 6\n');
    expect(o.slice(14, 17).map((x) => x.out)).toEqual(['$7 = (u32 *) 0x1004\n', '$8 = 4\n', '$9 = (char *) 0x100f\n']);
    expect(o[17].out).toBe(`type = @unmanaged class TrapFrame {\n${['edi', 'esi', 'ebp', 'oesp', 'ebx', 'edx', 'ecx', 'eax', 'trapno', 'err', 'eip', 'cs', 'eflags', 'esp', 'ss'].map((n) => `    ${n}: u32;\n`).join('')}}\n`);
    expect(o[18].out).toBe("info stack [N]: the same as backtrace (gdb's).\n");
    expect(o[19].out).toMatch(/^#4  0x[0-9a-f]+ in exec \(p=0x[0-9a-f]+, /);
    expect(o[20].out).toBe('$10 = 1\n');
    expect(o[21].out).toBe('$11 = 1\n');
    d.close();
  });
});
