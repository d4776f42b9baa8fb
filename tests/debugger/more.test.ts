// The rest of gdb's console (SPEC §6, issue 7; docs/debugger.md): frames (`frame`, `up`, `down`,
// `info frame`, `finish` from a selected frame), `display`, x's giant words and floats, `catch
// syscall` stopping on the call and on the return, and reverse-step, reverse-next, reverse-nexti
// and reverse-finish landing exactly where the forward run had been. Golden transcripts as in
// console.test.ts, and the facts behind them checked against the machine.

import { describe, it, expect, beforeAll } from 'vitest';
import { readElf } from '../../tools/asm/elf.js';
import { Program } from '../../tools/debugger/symbols.js';
import { S } from '../../emulator/cpu/state.js';
import type { DebugTarget } from '../../tools/debugger/index.js';
import { buildFixtures, runTargetOf, start, expectGolden, fingerprint, outputs, lineOf, hex8, state, type Fixtures } from './harness.js';

let f: Fixtures;
let cow: DebugTarget;
let kernel: Program;
beforeAll(() => {
  f = buildFixtures();
  cow = runTargetOf(f, 'userland/demos/cow.ts');
  kernel = new Program('kernel', 'kernel.elf', readElf(f.kernel), true);
});

describe('toy86 debug: frames', () => {
  it('frame, up, down and info frame select and show a frame; $pc, list and finish follow it', async () => {
    const d = start(cow);
    const t = await d.run([
      'break cowfault',
      'continue',
      'backtrace',
      'frame 1',
      'print $pc',
      'info frame',
      'up',
      'up 2',
      'up',
      'up',
      'down',
      'down 9',
      'down',
      'frame 2',
      'finish',
      'frame',
      'frame 42',
    ]);
    expectGolden('frames', t, fingerprint(cow));
    const o = outputs(t);
    const bt = o[2].out.split('\n');
    // `frame 1` prints the backtrace's line #1 and the call's source line.
    expect(o[3].out.split('\n')[0]).toBe(bt[1]);
    const line = lineOf('kernel/trap.ts', 'const c = cowfault(');
    expect(o[3].out.split('\n')[1]).toBe(`${line}\t    const c = cowfault(p.pgdir, va, p.pid);`);
    const pc1 = /^#1  (0x[0-9a-f]{8}) in handlePageFault/.exec(bt[1])![1];
    // $pc names the frame's place, and its source line (SPEC §6; gdb's `set print symbol-filename on`).
    expect(o[4].out).toBe(`$1 = (void (*)()) ${pc1.replace(/^0x0*/, '0x')} <handlePageFault+${parseInt(pc1, 16) - kernel.lookup('handlePageFault')[0].addr} at kernel/trap.ts:${line}>\n`);
    expect(o[5].out).toMatch(/^Stack level 1, frame at 0x[0-9a-f]+:\n eip = 0x[0-9a-f]+ in handlePageFault \(kernel\/trap.ts:\d+\); saved eip = 0x[0-9a-f]+\n/);
    expect(o[6].out.split('\n')[0]).toBe(bt[2]);
    expect(o[7].out).toBe(bt[4] + '\n');                     // up 2: the trap's pseudo-frame
    expect(o[8].out.split('\n')[0]).toBe(bt[5]);              // main
    expect(o[9].out).toBe('Initial frame selected; you cannot go up.\n');
    expect(o[10].out).toBe(bt[4] + '\n');
    expect(o[11].out.split('\n')[0]).toBe(bt[0]);             // down 9: as far as there is
    expect(o[12].out).toBe('Bottom (innermost) frame selected; you cannot go down.\n');
    // finish in frame #2 (trap): runs until trap returns to alltraps.
    expect(o[14].out).toMatch(/^Run till exit from #2  0x[0-9a-f]{8} in trap \(tfp=0x[0-9a-f]+\) at kernel\/trap.ts:\d+\n(0x[0-9a-f]{8} in )?alltraps \(\) at kernel\/trapasm.s:\d+\n/);
    const alltraps = kernel.lookup('alltraps')[0];
    expect(d.session.m.cpu.eip >>> 0).toBe(parseInt(/#3  (0x[0-9a-f]{8})/.exec(o[2].out)![1], 16));
    expect(d.session.m.cpu.eip >>> 0).toBeGreaterThan(alltraps.addr);
    // The machine moved: frame #0 is selected again.
    expect(o[15].out.split('\n')[0]).toMatch(/^#0  (0x[0-9a-f]{8} in )?alltraps \(\)/);
    expect(o[16].out).toBe('No frame at level 42.\n');
    d.close();
  });
});

describe('toy86 debug: run, start, and the frame\'s arguments', () => {
  it('start stops at main; run starts over from power-on; arguments are expressions in their frame', async () => {
    const d = start(cow);
    const t = await d.run([
      'start',
      'info args',
      'print argc + 1',
      'next',
      'run',
      'break cowfault',
      'run',
      'print va',
      'print/x pid',
      'info args',
      'up',
      'print user',
      'info locals',
      'run now',
      'frame 0',
      'printf "va=%#x pid=%d %5u|%-4d|%c %%\\n", va, pid, 7, 3, 65',
      'output pid',
      'printf "%d\\n"',
      'print $_exitcode',
    ]);
    expectGolden('run-start', t, fingerprint(cow));
    const o = outputs(t);
    const main = lineOf('userland/demos/cow.ts', 'for (let i: u32 = 0; i < 64; i++) store<u32>(pages + i * 4096, i);');
    expect(o[0].out).toMatch(new RegExp(`^Temporary breakpoint 1 at 0x[0-9a-f]+: file userland/demos/cow.ts, line ${main}\\.\nStarting program: kernel.elf init=/bin/cow\ntoy86 kernel\n[^]*\nTemporary breakpoint 1, main \\(argc=1, argv=0x[0-9a-f]+\\) at userland/demos/cow.ts:${main}\n`));
    expect(o[1].out).toMatch(/^argc = 1\nargv = 0x[0-9a-f]+\n$/);
    expect(o[2].out).toBe('$1 = 2\n');
    // run again: from power-on, the guest's output shown again, to the end.
    expect(o[4].out).toMatch(/^Starting program: kernel.elf init=\/bin\/cow\ntoy86 kernel\n[^]*cow: the parent's pages are unchanged\n\[Inferior 1 \(toy86\) exited normally\]\n$/);
    expect(o[6].out).toMatch(/\nBreakpoint 2, cowfault \(pd=0x[0-9a-f]+, va=(0x[0-9a-f]+), pid=(\d+)\) at kernel\/vm.ts:\d+\n/);
    const [, va, pid] = /va=(0x[0-9a-f]+), pid=(\d+)/.exec(o[6].out)!;
    expect(o[7].out).toBe(`$2 = ${va}\n`);
    expect(o[8].out).toBe(`$3 = 0x${Number(pid).toString(16)}\n`);
    expect(o[11].out).toMatch(/^\$4 = (true|false)\n$/);
    expect(o[12].out).toMatch(/^No locals: /);
    expect(o[13].out).toBe('The program\'s arguments are given on the command line: toy86 debug run PROGRAM ARGS...\n');
    expect(o[15].out).toBe(`va=${va} pid=${pid}     7|3   |A %\n`);
    // output adds no newline (gdb's prompt follows it on the line).
    expect(t).toContain(`(toy86) output pid\n${pid}(toy86) printf "%d\\n"\nWrong number of arguments for specified format-string\n`);
    // The first run's exit code, as gdb keeps it.
    expect(t.endsWith('(toy86) print $_exitcode\n$5 = 0\n')).toBe(true);
    d.close();
  });
});

describe('toy86 debug: until and advance', () => {
  it('until goes past a loop\'s jump back; advance stops at its location or when the function returns', async () => {
    const d = start(cow);
    const loop = lineOf('userland/demos/cow.ts', 'while (field < 10');
    const t = await d.run([
      `tbreak cow.ts:${loop}`,
      'continue',
      'until',
      'advance nosuch',
      'advance cowfault',
      'advance cowfault',
      'advance kmain',
    ]);
    expectGolden('until-advance', t, fingerprint(cow));
    const o = outputs(t);
    expect(o[2].out).toBe(`${loop + 1}\t  let v: u32 = 0;\n`);
    expect(o[3].out).toBe('Function "nosuch" not defined.\n');
    // minflt returns before any cowfault: advance stops there, in main.
    expect(o[4].out).toMatch(/^0x[0-9a-f]{8} in main \(.*\) at userland\/demos\/cow.ts:\d+\n/);
    expect(o[5].out).toMatch(/^cowfault \(pd=0x[0-9a-f]+, va=0x[0-9a-f]+, pid=\d+\) at kernel\/vm.ts:\d+\n/);
    // kmain never runs again: advance stops when cowfault returns, in handlePageFault.
    expect(o[6].out).toMatch(/^0x[0-9a-f]{8} in handlePageFault \(.*\) at kernel\/trap.ts:\d+\n/);
    d.close();
  });
});

describe('toy86 debug: display and x\'s formats', () => {
  it('display shows its expressions after every stop; x/g and x/f read giant words and floats', async () => {
    const d = start(cow);
    const t = await d.run([
      'tbreak userinit',
      'continue',
      'display $eax',
      'display/x $esp',
      'display/i $pc',
      'display/2xw $sp',
      'info display',
      'stepi',
      'undisplay 1',
      'disable display 2',
      'nexti',
      'info display',
      'delete display',
      'stepi',
      'info display',
      'x/2xg $sp',
      'x/3dg $sp',
      'x/2ug $sp',
      'x/2tg $sp',
      'x/2fw $sp',
      'x/fg $sp',
      'print/x 1.5',
      'x/2zg $sp',
      'display nosuch',
      'display/q $eax',
      'undisplay 9',
      'print/i 1',
      'xp/2xg 0',
      'xp/2fw 0',
      'set print symbol-filename on',
      'x/i $pc',
      'set print symbol-filename off',
    ]);
    expectGolden('display', t, fingerprint(cow));
    const o = outputs(t);
    const at = (cmd: string) => o.find((x) => x.cmd === cmd)!.out;
    expect(at('display $eax')).toMatch(/^1: \$eax = -?\d+\n$/);
    expect(at('display/i $pc')).toMatch(/^3: x\/i \$pc\n=> 0x[0-9a-f]{8} <userinit\+\d+ at kernel\/proc.ts:\d+>:\t.+\n$/);
    expect(at('info display')).toBe('Auto-display expressions now in effect:\nNum Enb Expression\n1:   y  $eax\n2:   y  /x $esp\n3:   y  /i $pc\n4:   y  /2xw $sp\n');
    // After stepi: the location, then each display in order.
    expect(o[7].out).toMatch(/\n1: \$eax = -?\d+\n2: \/x \$esp = 0x[0-9a-f]+\n3: x\/i \$pc\n=> 0x[0-9a-f]{8} <\w+(\+\d+)? at kernel\/\w+\.ts:\d+>:\t.+\n4: x\/2xw \$sp\n0x[0-9a-f]+( <[^>]+>)?:\t0x[0-9a-f]{8}\t0x[0-9a-f]{8}\n$/);
    expect(o[10].out).not.toMatch(/^[12]: /m);
    expect(o[10].out).toMatch(/^3: x\/i \$pc$/m);
    expect(o[13].out).not.toMatch(/^\d: /m);
    expect(o[14].out).toBe('There are no auto-display expressions now.\n');
    // Giant words: the two words at $sp as one little-endian 64-bit value.
    const m = d.session.m;
    const sp = m.cpu.regs[4] >>> 0;
    const word = (a: number) => BigInt(m.readPhys32(m.translate(a)!) >>> 0);
    const g0 = (word(sp + 4) << 32n) | word(sp), g1 = (word(sp + 12) << 32n) | word(sp + 8);
    const lab = o[15].out.slice(0, o[15].out.indexOf(':\t'));
    expect(lab).toMatch(new RegExp(`^0x${sp.toString(16)}( <[^>]+>)?$`));
    expect(o[15].out).toBe(`${lab}:\t0x${g0.toString(16).padStart(16, '0')}\t0x${g1.toString(16).padStart(16, '0')}\n`);
    expect(o[16].out.split('\n')[0]).toBe(`${lab}:\t${BigInt.asIntN(64, g0)}\t${BigInt.asIntN(64, g1)}`);
    expect(o[17].out).toBe(`${lab}:\t${g0}\t${g1}\n`);
    expect(o[18].out).toBe(`${lab}:\t${g0.toString(2).padStart(64, '0')}\t${g1.toString(2).padStart(64, '0')}\n`);
    const f32 = (a: number) => new Float32Array(new Uint32Array([Number(word(a))]).buffer)[0];
    const floats = /^0x[0-9a-f]+(?: <[^>]+>)?:\t(\S+)\t(\S+)\n$/.exec(o[19].out)!;
    for (const [i, text] of [floats[1], floats[2]].entries()) {
      const want = f32(sp + 4 * i);
      expect(Math.abs(parseFloat(text) - want)).toBeLessThanOrEqual(Math.abs(want) * 1e-8);
      expect(text.replace(/^-/, '').replace(/e.*$/, '').replace('.', '').replace(/^0+/, '').length).toBeLessThanOrEqual(9);
    }
    expect(at('display nosuch')).toBe('No symbol "nosuch" in current context.\n');
    expect(at('display/q $eax')).toBe('Undefined output format "q".\n');
    expect(at('undisplay 9')).toBe('No display number 9.\n');
    expect(at('print/i 1')).toBe('Format letter "i" is meaningless in "print" command.\n');
    expect(at('xp/2xg 0')).toMatch(/^00000000: 0x[0-9a-f]{16} 0x[0-9a-f]{16}\n$/);
    expect(at('xp/2fw 0')).toBe("xp: format 'f' is not one of QEMU's (x d u o c i s)\n");
    // gdb's `set print symbol-filename on`: addresses with their source line.
    expect(o[30].out).toMatch(/^=> 0x[0-9a-f]{8} <allocproc\+\d+ at kernel\/proc.ts:\d+>:\t/);
    d.close();
  });
});

describe('toy86 debug: catch syscall', () => {
  it('stops on the call and on the return, as gdb does, forward and backward', async () => {
    const d = start(cow);
    const t = await d.run([
      'catch syscall write',
      'continue',
      'continue',
      'info breakpoints',
      'print $_exitcode',
      'continue',
      'reverse-continue',
      'reverse-continue',
      'continue',
      'continue',
    ]);
    expectGolden('catch-syscall', t, fingerprint(cow));
    const o = outputs(t);
    expect(o[1].out).toMatch(/\nCatchpoint 1 \(call to syscall write\), vector128 \(\) at vectors.s:\d+\n$/);
    expect(o[2].out).toMatch(/\nCatchpoint 1 \(returned from syscall write\), write \(\) at userland\/lib\/sys.s:\d+\n\d+\t.*\n$/);
    // The return is to the instruction after the int 0x80, in user mode.
    const s = d.session;
    expect(o[3].out).toContain('catchpoint already hit 2 times');
    expect(o[4].out).toBe('$1 = void\n');                   // no exit code yet
    expect(o[5].out).toContain('(call to syscall write)');
    expect(o[6].out).toContain('(returned from syscall write)');
    expect(o[7].out).toContain('(call to syscall write)');
    expect(o[8].out).toContain('(returned from syscall write)');
    expect(o[9].out).toContain('(call to syscall write)');
    expect(s.m.cpu.state[S.CPL]).toBe(0);
    d.close();
  });
});

describe('toy86 debug: reverse-step, reverse-next, reverse-nexti, reverse-finish', () => {
  it('reverse-next retraces next exactly; reverse-step goes into the callee\'s last line', async () => {
    const d = start(cow, { snapshotInterval: 20_000 });
    const s = d.session;
    const t1 = await d.run(['break main', 'continue', 'delete']);
    const seen = [state(s)];
    for (let i = 0; i < 5; i++) { await d.run(['next']); seen.push(state(s)); }
    const back: string[] = [];
    for (let i = 4; i >= 0; i--) {
      back.push(await d.run(['reverse-next']));
      expect(state(s), `reverse-next to line ${i}`).toEqual(seen[i]);
    }
    // At main's first line: back into the caller, _start's call.
    const t2 = await d.run(['reverse-step', 'reverse-stepi', 'reverse-next']);
    const o2 = outputs(t2);
    expect(o2[0].out).toMatch(/^_start \(\) at userland\/lib\/crt0.s:\d+\n\d+\t +call main\n$/);
    expectGolden('reverse-lines', t1 + back.join('') + t2, fingerprint(cow));
    d.close();
  });

  it('reverse-next from a function\'s first line goes back to its call; with the default snapshots too', async () => {
    const d = start(cow);
    const s = d.session;
    const t1 = await d.run(['tbreak cowfault', 'continue', 'reverse-next']);
    const o = outputs(t1);
    // Back to the call in handlePageFault (in the middle of its line), as reverse-finish goes.
    expect(o[2].out).toMatch(/^0x[0-9a-f]{8} in handlePageFault \(.*\) at kernel\/trap.ts:\d+\n\d+\t    const c = cowfault\(p.pgdir, va, p.pid\);\n$/);
    expect(s.decodeAt(s.m.cpu.eip >>> 0)?.form.mnemonic).toBe('call');
    const t2 = await d.run(['stepi', 'next', 'next', 'reverse-next']);
    const o2 = outputs(t2);
    expect(o2[3].out).toBe(o2[1].out);                 // back to where the first next went
    expectGolden('reverse-next-entry', t1 + t2, fingerprint(cow));
    d.close();
  });

  it('reverse-finish lands on the call; reverse-nexti comes back over a call that returned', async () => {
    const d = start(cow, { snapshotInterval: 20_000 });
    const s = d.session;
    const t1 = await d.run(['tbreak cowfault', 'continue', 'stepi 40', 'reverse-finish']);
    const o1 = outputs(t1);
    expect(o1[3].out).toMatch(/^Run back to call of #0  (0x[0-9a-f]{8} in )?cowfault \(.*\) at kernel\/vm.ts:\d+\n0x[0-9a-f]{8} in handlePageFault \(.*\) at kernel\/trap.ts:\d+\n\d+\t    const c = cowfault\(p.pgdir, va, p.pid\);\n$/);
    const call = s.m.cpu.eip >>> 0;
    const d0 = s.decodeAt(call)!;
    expect(d0.form.mnemonic).toBe('call');
    const atCall = state(s);
    // Forward from the call: into cowfault's first instruction.
    await d.run(['stepi']);
    expect(s.m.cpu.eip >>> 0).toBe(kernel.lookup('cowfault')[0].addr);
    await d.run(['reverse-stepi']);
    expect(state(s)).toEqual(atCall);
    // nexti over the call, then back over it in one step.
    const t2 = await d.run(['nexti', 'print $eax', 'reverse-nexti', 'reverse-nexti', 'nexti', 'nexti']);
    const o2 = outputs(t2);
    expect(o2[1].out).toBe('$1 = 1\n');
    expect(state(s)).not.toEqual(atCall);
    const t3 = await d.run(['reverse-nexti']);
    expect(state(s)).toEqual(atCall);
    expect(outputs(t3)[0].out).toMatch(/^0x[0-9a-f]{8}\t\d+\t/);
    // A syscall: reverse-nexti from after int 0x80 comes back to the int.
    const t4 = await d.run(['delete', 'tbreak write', 'continue', 'nexti 6']);
    expect(s.callsBefore(s.m.cpu.eip >>> 0, 'int')).toHaveLength(1);
    const after = state(s);
    await d.run(['reverse-stepi']);
    expect(s.m.cpu.state[S.CPL]).toBe(0); // the kernel's IRETD
    expect(s.decodeAt(s.m.cpu.eip >>> 0)?.form.mnemonic).toBe('iretd');
    await d.run(['stepi']);
    expect(state(s)).toEqual(after);
    const t5 = await d.run(['reverse-nexti']);
    expect(s.decodeAt(s.m.cpu.eip >>> 0)?.form.mnemonic).toBe('int');
    expect(s.m.cpu.regs[4] >>> 0).toBe(after.regs[4] >>> 0);
    const t6 = await d.run(['reverse-finish', 'frame 1', 'reverse-finish', 'reverse-step 3']);
    expectGolden('reverse-finish', t1 + t2 + t3 + t4 + t5 + t6, fingerprint(cow));
    d.close();
  });
});

describe('toy86 debug: mistakes in the new commands get one line', () => {
  it('frames, displays, reverse moves at the start of the history', async () => {
    const d = start(cow);
    const t = await d.run([
      'frame 1',
      'up',
      'down',
      'info frame',
      'reverse-step',
      'reverse-next',
      'reverse-nexti',
      'reverse-finish',
      'display',
      'undisplay x',
      'x/2fb 0',
      'frame nosuch',
    ]);
    expectGolden('errors-more', t, fingerprint(cow));
    const o = outputs(t);
    expect(o[0].out).toBe('No frame at level 1.\n');
    expect(o[1].out).toBe('Initial frame selected; you cannot go up.\n');
    expect(o[2].out).toBe('Bottom (innermost) frame selected; you cannot go down.\n');
    for (const i of [4, 5, 6]) expect(o[i].out).toMatch(/^\nNo more reverse-execution history.\n0x00100000 in \?\? \(\)\n$/);
    expect(o[7].out).toBe('"finish" not meaningful in the outermost frame.\n');
    expect(o[8].out).toBe('');
    expect(o[9].out).toBe('Arguments must be display numbers.\n');
    expect(o[11].out).toBe('No symbol "nosuch" in current context.\n');
    expect(hex8(d.session.m.cpu.eip)).toBe('0x00100000');
    d.close();
  });
});
