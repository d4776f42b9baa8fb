// The kernel boots (issue 5, first part): compiled from kernel/ by the build in tools/kernel.ts,
// run on the machine; its console transcript is compared exactly (the machine is deterministic),
// and a deliberate kernel fault shows the panic path: registers, a backtrace with symbol names,
// power-off with 250.

import { describe, it, expect, beforeAll } from 'vitest';
import { buildKernel } from '../../tools/kernel.js';
import { Machine } from '../../emulator/machine.js';

let image: Uint8Array;
beforeAll(() => { image = buildKernel(); });

function boot(cmdline = '', budget = 20_000_000) {
  let out = '';
  const m = new Machine({ onSerialOutput: (b) => { out += String.fromCharCode(b); } });
  m.loadKernel(image, cmdline);
  const stop = m.run(budget);
  return { out, stop, m };
}

describe('the kernel', () => {
  it('boots, runs init as a process: fork, exit status, waitpid, console input, end of input', () => {
    let out = '';
    const m = new Machine({ onSerialOutput: (b) => { out += String.fromCharCode(b); } });
    m.loadKernel(image);
    const until = (text: string) => {
      for (let i = 0; i < 100 && !out.endsWith(text); i++) m.run(1_000_000);
      expect(out.endsWith(text), out).toBe(true);
    };
    until('init> ');
    m.serial.receive(Buffer.from('hello\r'));
    until('init> ');
    m.serial.receive([4]);
    const stop = m.run(50_000_000);
    expect(out).toBe([
      'toy86 kernel',
      'memory: 16384 KiB in 4096 frames, 3799 free',
      'init: pid 1, argv[0] /bin/init',
      'child: pid 2',
      'init: child 2 exited with status 0x700',
      'init> hello',
      'you typed 6 bytes: hello',
      'init> ',
      'init: end of input',
      'init exited (status 0x0): powering off',
      '',
    ].join('\n'));
    expect(stop).toEqual({ kind: 'poweroff', code: 0 });
  });

  it('the same run twice is the same, instruction for instruction', () => {
    const a = boot(), b = boot();
    expect(a.m.clock).toBe(b.m.clock);
    expect(a.out).toBe(b.out);
  });

  it('a kernel fault is a panic: the reason, the registers, a backtrace with symbol names, power-off with 250', () => {
    const { out, stop } = boot('panic=test');
    expect(stop).toEqual({ kind: 'poweroff', code: 250 });
    const lines = out.split('\n');
    const at = lines.indexOf('kernel panic: page fault (#PF)');
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1]).toMatch(/^ {2}trap 14 err 0x00000002 eip 0xc01[0-9a-f]{5} cs 0x8 eflags 0x[0-9a-f]{8} cr2 0x00000010$/);
    expect(lines[at + 2]).toMatch(/^ {2}eax 0x[0-9a-f]{8} ebx 0x[0-9a-f]{8} ecx 0x[0-9a-f]{8} edx 0x[0-9a-f]{8}$/);
    expect(lines[at + 3]).toMatch(/^ {2}esi 0x[0-9a-f]{8} edi 0x[0-9a-f]{8} ebp 0xc01[0-9a-f]{5} esp 0xc01[0-9a-f]{5}$/);
    expect(lines[at + 4]).toBe('backtrace:');
    expect(lines[at + 5]).toMatch(/^ {2}0xc01[0-9a-f]{5} <kmain\+0x[0-9a-f]+>$/);
    expect(lines[at + 6]).toMatch(/^ {2}0xc01[0-9a-f]{5} <_start\+0x[0-9a-f]+>$/);
  });
});
