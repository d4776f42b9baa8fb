// The kernel and its userland booted on the machine (issue 5): the kernel compiled from kernel/ by
// tools/kernel.ts, the disk built from userland/ by tools/userland.ts. Console transcripts are
// compared exactly (the machine is deterministic); commands are typed after each prompt, as a
// user would.

import { describe, it, expect, beforeAll } from 'vitest';
import { buildKernel } from '../../tools/kernel.js';
import { buildDisk } from '../../tools/userland.js';
import { Machine, type StopReason } from '../../emulator/machine.js';
import { memoryDisk } from '../../emulator/host/diskimage.js';

let kernel: Uint8Array;
let disk: Uint8Array;
beforeAll(() => {
  kernel = buildKernel();
  disk = buildDisk(1024 * 1024);
});

interface Session { out: string; stop: StopReason; m: Machine }

/** Boots, types each command after a prompt, then ends the input (Ctrl-D) and runs to the end. */
function session(commands: string[], cmdline = ''): Session {
  let out = '';
  const m = new Machine({ onSerialOutput: (b) => { out += String.fromCharCode(b); }, disk: memoryDisk(new Uint8Array(disk)) });
  m.loadKernel(kernel, cmdline);
  let sent = 0;
  // A new prompt after what was sent last (the old one stays at the end until the echo comes).
  const prompt = () => {
    for (let i = 0; i < 2000 && !(out.endsWith('$ ') && out.length > sent) && !m.stopReason; i++) m.run(200_000);
    expect(out.endsWith('$ '), `no prompt; the console so far:\n${out}`).toBe(true);
  };
  for (const c of commands) {
    prompt();
    m.serial.receive(Buffer.from(`${c}\r`));
    sent = out.length;
  }
  for (let i = 0; i < 2000 && !(out.endsWith('$ ') && out.length > sent) && !m.stopReason; i++) m.run(200_000);
  if (!m.stopReason) m.serial.receive([4]);
  let stop = m.run(200_000_000);
  for (let i = 0; i < 10 && stop.kind === 'limit'; i++) stop = m.run(200_000_000);
  return { out, stop, m };
}

describe('the kernel and its userland', () => {
  it('boots to the shell; a short session is exactly this transcript', () => {
    const { out, stop } = session(['echo hello, world', 'ls /demos', 'cat /etc/motd', '/demos/null-deref', 'true', 'exit 3']);
    // Instruction pointers depend on how the programs compile, the free frames on the kernel's
    // size: shown as 0x… and N.
    expect(out.replace(/ip 0x[0-9a-f]{8}/g, 'ip 0x…').replace(/frames, \d+ free/, 'frames, N free')).toBe([
      'toy86 kernel',
      'memory: 16384 KiB in 4096 frames, N free',
      'swap: 1024 KiB, policy clock',
      '$ echo hello, world',
      'hello, world',
      '$ ls /demos',
      'breakpoint', 'cow', 'divzero', 'file-backed', 'illegal', 'kernel-read', 'mprotect', 'null-deref', 'privileged', 'spin', 'stack-grow', 'swap', 'write-text', 'zero-fill',
      '$ cat /etc/motd',
      'Welcome to toy86. Programs are in /bin, fault demos in /demos.',
      '$ /demos/null-deref',
      'null-deref: reading address 0',
      '[pid 6 null-deref] segmentation fault: read at 0x00000000 (not present), ip 0x…',
      'Segmentation fault',
      '$ true',
      '$ exit 3',
      '',
    ].join('\n'));
    expect(stop).toEqual({ kind: 'poweroff', code: 3 });
  });

  it('the same session twice is the same, instruction for instruction', () => {
    const a = session(['ls /bin', 'hog 256']);
    const b = session(['ls /bin', 'hog 256']);
    expect(a.m.clock).toBe(b.m.clock);
    expect(a.out).toBe(b.out);
  });

  it('each fault kills only its process, with its line and the shell\'s report (SPEC §4.4)', () => {
    const { out, stop } = session(['/demos/divzero', '/demos/illegal', '/demos/breakpoint', '/demos/privileged', '/demos/write-text', '/demos/kernel-read', 'echo still here']);
    expect(out).toMatch(/\[pid \d+ divzero\] divide error, ip 0x0804[0-9a-f]{4}\nFloating point exception\n/);
    expect(out).toMatch(/\[pid \d+ illegal\] illegal instruction, ip 0x0804[0-9a-f]{4}\nIllegal instruction\n/);
    expect(out).toMatch(/\[pid \d+ breakpoint\] breakpoint trap, ip 0x0804[0-9a-f]{4}\nTrace\/breakpoint trap\n/);
    expect(out).toMatch(/\[pid \d+ privileged\] general protection fault, ip 0x0804[0-9a-f]{4}\nSegmentation fault\n/);
    expect(out).toMatch(/\[pid \d+ write-text\] segmentation fault: write to 0x08048000 \(protection\), ip 0x0804[0-9a-f]{4}\nSegmentation fault\n/);
    expect(out).toMatch(/\[pid \d+ kernel-read\] segmentation fault: read at 0xc0000000 \(protection\), ip 0x0804[0-9a-f]{4}\nSegmentation fault\n/);
    expect(out).toContain('$ echo still here\nstill here\n');
    expect(stop).toEqual({ kind: 'poweroff', code: 0 });
  });

  it('pages in on demand: zero-fill, the heap (brk), the stack growing, from the file; copy-on-write fork', () => {
    const { out } = session(['/demos/zero-fill', 'hog 2048', '/demos/stack-grow 512', '/demos/file-backed', '/demos/cow']);
    expect(out).toContain('file-backed: 64 pages read from the disk (sum 192), 64 major faults\n');
    expect(out).toContain('cow: child read 64 shared pages (sum 2016) with 0 faults, wrote 8 with 8 faults\ncow: the parent\'s pages are unchanged\n');
    expect(out).toContain('zero-fill: 64 pages read as zero\n');
    expect(out).toContain('hog: 2048 KiB in 512 pages\n');
    expect(out).toMatch(/stack-grow: 512 KiB of stack \(\d+\)\n/);
  });

  it('/proc: ps, free, maps, vmstat, stat', () => {
    const { out } = session(['ps', 'free', 'cat /proc/self/maps', 'cat /proc/vmstat', 'cat /proc/1/stat']);
    // Each process's faults (fields 10 and 12 of its stat) and resident KiB (field 24 × 4).
    expect(out).toMatch(/ {2}PID {2}PPID S {3}MINFLT {3}MAJFLT {5}RSS NAME\n {4}1 {5}0 S +\d+ +\d+ +\d+ init\n {4}2 {5}1 S +\d+ +\d+ +\d+ sh\n {4}3 {5}2 R +\d+ +\d+ +\d+ ps\n/);
    const rows = [...out.matchAll(/^ +(\d+) +\d+ [SR] +(\d+) +(\d+) +(\d+) (\w+)$/gm)];
    for (const [, , minflt, majflt, rss] of rows) {
      expect(Number(minflt) + Number(majflt)).toBeGreaterThan(0);
      expect(Number(rss) % 4).toBe(0);
      expect(Number(rss)).toBeGreaterThan(0);
    }
    expect(out).toMatch(/ {10}total {7}used {7}free\nMem: {7}16384 +\d+ +\d+\nSwap: {7}1024 +0 +1024\n/);
    expect(out).toMatch(/\n08048000-08049000 r-xp 00001000 00:00 \d+ +\/bin\/cat\n/);
    expect(out).toMatch(/\nbf800000-c0000000 rw-p 00000000 00:00 0 +\[stack\]\n/);
    expect(out).toMatch(/\npgfault \d+\npgmajfault \d+\npswpin 0\npswpout 0\npgevict 0\npgscan_direct 0\npgsteal_direct 0\ntlbflush \d+\ncowfault \d+\n/);
    // Linux's 24 fields at least: minflt 10th, majflt 12th, vsize (bytes) 23rd, rss (pages) 24th.
    const stat = /\n(1 \(init\) S 0 .*)\n/.exec(out)![1].split(' ');
    expect(stat.length).toBe(24);
    expect(stat.slice(0, 9)).toEqual(['1', '(init)', 'S', '0', '0', '0', '0', '-1', '0']);
    expect(Number(stat[9])).toBeGreaterThan(0);
    expect(Number(stat[22])).toBeGreaterThan(8 << 20); // the stack's 8 MiB and the program
    expect(Number(stat[22]) % 4096).toBe(0);
    expect(Number(stat[23])).toBeGreaterThan(0);
  });

  it('/proc/PID/maps lists the regions in order of address, each file by its path', () => {
    const { out } = session(['/demos/mprotect']);
    const at = out.indexOf('mprotect: /proc/self/maps:\n');
    expect(at, out).toBeGreaterThan(0);
    const lines = out.slice(at).split('\n').slice(1).filter((l) => /^[0-9a-f]{8}-/.test(l));
    const starts = lines.map((l) => parseInt(l.slice(0, 8), 16));
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(lines[0]).toMatch(/^08048000-08049000 r-xp 00001000 00:00 \d+ +\/demos\/mprotect$/);
    // The four pages: read-only, read-write, (unmapped), and /etc/motd's page in the hole.
    expect(lines.slice(-5).map((l) => l.replace(/ 00:00 \d+/, ' 00:00 N'))).toEqual([
      'bf7fc000-bf7fd000 r--p 00000000 00:00 N',
      'bf7fd000-bf7fe000 rw-p 00000000 00:00 N',
      'bf7fe000-bf7ff000 r--p 00000000 00:00 N          /etc/motd',
      'bf7ff000-bf800000 rw-p 00000000 00:00 N',
      'bf800000-c0000000 rw-p 00000000 00:00 N          [stack]',
    ]);
  });

  it('a kernel fault is a panic: the reason, the registers, a backtrace with symbol names, power-off with 250', () => {
    let out = '';
    const m = new Machine({ onSerialOutput: (b) => { out += String.fromCharCode(b); }, disk: memoryDisk(new Uint8Array(disk)) });
    m.loadKernel(kernel, 'panic=test');
    const stop = m.run(50_000_000);
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

describe('mappings', () => {
  it('mmap2, mprotect and munmap: rights per page, regions split, a private file mapping', () => {
    const { out } = session(['/demos/mprotect', 'cat /proc/self/maps']);
    expect(out).toMatch(/mprotect: 4 pages mapped at 0xbf7fc000\n/);
    expect(out).toContain('mprotect: page 0 read-only: a write kills with signal 11, a read gives 100\n');
    expect(out).toContain('mprotect: page 2 unmapped: a read kills with signal 11; page 3 still holds 103\n');
    expect(out).toMatch(/mprotect: \/etc\/motd mapped at 0x[0-9a-f]{8}, its first line 62 bytes, begins with 'W'\n/);
    expect(out).toContain('mprotect: writing to that read-only mapping kills with signal 11\n');
  });
});

describe('the console', () => {
  it('Ctrl-C stops the foreground program with SIGINT; the shell reports it and goes on', () => {
    let out = '';
    const m = new Machine({ onSerialOutput: (b) => { out += String.fromCharCode(b); }, disk: memoryDisk(new Uint8Array(disk)) });
    m.loadKernel(kernel);
    const until = (text: string) => { for (let i = 0; i < 500 && !out.includes(text); i++) m.run(200_000); expect(out, out).toContain(text); };
    until('$ ');
    m.serial.receive(Buffer.from('/demos/spin\r'));
    until('spin: looping');
    m.run(5_000_000);
    m.serial.receive([3]);
    until('Interrupt\n$ ');
    m.serial.receive(Buffer.from('echo after\r'));
    until('after\n$ ');
    expect(out).toMatch(/spin: looping \(Ctrl-C to stop\)\n\.*\^C\nInterrupt\n\$ echo after\nafter\n\$ $/);
  });
});
