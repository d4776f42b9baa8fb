// usertests (userland/bin/usertests.ts), the kernel's own test suite run inside the OS as xv6's
// is: booted as the first process (kernel command line `init=/bin/usertests`), it runs every test
// in a child and prints `test NAME: ok` / `FAILED (reason)` / `skipped (why)`, then
// `ALL TESTS PASSED` or `N TESTS FAILED`, and exits with 0 only if all passed — which, as init,
// powers the machine off with that code. Each test of the guest is one case here, so a failure
// names the test and shows its reason.
//
// The paging, copy-on-write and out-of-swap tests (issue 6) size themselves from /proc/meminfo:
// on the default 16 MiB they run small, so they are booted again by name on a machine of 2 MiB
// with 8 MiB of swap, where their buffers are several times the RAM; and once more with every
// write to the swap area failing (the disk's fault injection), where the kernel must kill the
// process that needs memory with SIGKILL and go on.

import { describe, it, expect, beforeAll } from 'vitest';
import { buildKernel } from '../../tools/kernel.js';
import { buildDisk } from '../../tools/userland.js';
import { Machine, type StopReason } from '../../emulator/machine.js';
import { memoryDisk } from '../../emulator/host/diskimage.js';
import { parseImage } from '../../tools/mkdisk/fs.js';
import type { DiskFault } from '../../emulator/devices/disk.js';

/** Every test of usertests' table, in its order. */
const TESTS = [
  'exit', 'fork', 'getpid', 'getppid', 'waitpid', 'read', 'readfile', 'readstraddle', 'readdir',
  'write', 'open', 'openmany', 'close', 'fstat', 'execve', 'kill', 'killsig', 'killsleep',
  'killspin', 'killwait', 'killread', 'killself', 'killinit', 'killgroup', 'preempt', 'yield',
  'nanosleep', 'nanosleep-huge', 'readzero', 'ioctl', 'nosys', 'regs', 'badesp',
  'brk', 'brkwrap', 'brkcut', 'brkleak', 'exitleak', 'bss', 'textfile', 'stack', 'stackover', 'stacklimit',
  'faultnull', 'faulttext', 'faultkernel', 'faultwild', 'faultdiv', 'faultud', 'faultint3',
  'faultpriv', 'faultonly', 'iopl', 'faultstep', 'iretbad', 'forkseq', 'forkpar', 'forkfull', 'kmemfull', 'procstat', 'meminfo',
  'readrace', 'openrace', 'readaligned',
  'page-linear', 'page-parallel', 'page-shuffle', 'page-mergesort', 'cow-three', 'cow-read',
  'mmap-anon', 'mmap-fixed', 'mmap-hint', 'mmap-file', 'mmap-bad', 'mmap-wrap', 'munmap-partial', 'mprotect-split',
  'out-of-swap', 'cow-big',
];
/** The tests that page on a small machine, run again on one of 2 MiB with 8 MiB of swap (and
 * kmemfull, whose kernel pages would crowd out the user pages there). */
const SMALL = ['kmemfull', 'page-linear', 'page-parallel', 'page-shuffle', 'page-mergesort', 'cow-three', 'cow-read', 'mmap-file', 'out-of-swap', 'cow-big'];
/** Tests that report `skipped (no /proc yet)` until the kernel synthesises /proc (SPEC §4.2). */
const NEEDS_PROC = new Set(['procstat', 'meminfo']);

/** The guest's clock budget for the whole run: far more than it needs (a hang ends as 'limit'). */
const BUDGET = 4_000_000_000;

let kernel: Uint8Array;
let disk: Uint8Array;
/** The disk with 8 MiB of swap, for the small machine. */
let swapdisk: Uint8Array;

interface Run { out: string; stop: StopReason; lines: Map<string, string> }
interface Config { memSize?: number; disk?: Uint8Array; diskFaults?: DiskFault[] }

/** Boots with a command line and runs until the machine stops (or the budget is spent). */
function boot(cmdline: string, budget = BUDGET, cfg: Config = {}): Run {
  let out = '';
  const m = new Machine({
    memSize: cfg.memSize, diskFaults: cfg.diskFaults,
    onSerialOutput: (b) => { out += String.fromCharCode(b); }, disk: memoryDisk(new Uint8Array(cfg.disk ?? disk)),
  });
  m.loadKernel(kernel, cmdline);
  let stop = m.run(0);
  for (let spent = 0; spent < budget; spent += 100_000_000) {
    stop = m.run(100_000_000);
    if (stop.kind !== 'limit') break;
  }
  // Each test's line: what follows `test NAME: ` (a test's own output may come before it).
  const lines = new Map<string, string>();
  for (const [, name, what] of out.matchAll(/^test (\S+): (.*)$/gm)) {
    lines.set(name, lines.has(name) ? `${lines.get(name)} / reported again: ${what}` : what);
  }
  return { out, stop, lines };
}

let all: Run;

beforeAll(() => {
  kernel = buildKernel();
  disk = buildDisk(1024 * 1024);
  swapdisk = buildDisk(8 << 20);
  all = boot('init=/bin/usertests');
});

/** The console around a test's line, for a failure's message. */
function around(run: Run, name: string): string {
  const at = run.out.indexOf(`test ${name}: `);
  if (at < 0) return run.out.slice(-3000);
  return run.out.slice(Math.max(0, at - 1500), at + 300);
}

describe('usertests, booted as init', () => {
  it('ends with ALL TESTS PASSED and powers off with 0, without a kernel panic', () => {
    const failed = TESTS.filter((t) => all.lines.get(t) !== 'ok' && !(NEEDS_PROC.has(t) && all.lines.get(t)?.startsWith('skipped')));
    expect(all.out, 'a kernel panic').not.toContain('kernel panic');
    expect(failed.map((t) => `${t}: ${all.lines.get(t) ?? '(no line)'}`), 'these tests did not report ok').toEqual([]);
    expect(all.out, `the end of the console:\n${all.out.slice(-2000)}`).toMatch(/\nALL TESTS PASSED\n$/);
    expect(all.stop).toEqual({ kind: 'poweroff', code: 0 });
  });

  it('runs every test of the table once, and no other', () => {
    expect([...all.lines.keys()].sort()).toEqual([...TESTS].sort());
    expect(all.out).toMatch(new RegExp(`usertests: ${TESTS.length} tests, \\d+ failed, \\d+ skipped\\n`));
  });

  for (const name of TESTS) {
    it(`test ${name}`, () => {
      const line = all.lines.get(name);
      if (NEEDS_PROC.has(name) && line === 'skipped (no /proc yet)') return;
      expect(line, `test ${name} reported: ${line ?? 'nothing'}; the console around it:\n${around(all, name)}`).toBe('ok');
    });
  }

  it('each fault in a child printed its one line (SPEC §4.4)', () => {
    const faults = [
      /\[pid \d+ usertests\] segmentation fault: read at 0x00000000 \(not present\), ip 0x0804[0-9a-f]{4}\n/,
      /\[pid \d+ usertests\] segmentation fault: write to 0x00000000 \(not present\), ip 0x0804[0-9a-f]{4}\n/,
      /\[pid \d+ usertests\] segmentation fault: execute at 0x00000000 \(not present\), ip 0x00000000\n/,
      /\[pid \d+ usertests\] segmentation fault: write to 0x08048000 \(protection\), ip 0x0804[0-9a-f]{4}\n/,
      /\[pid \d+ usertests\] segmentation fault: read at 0xc0000000 \(protection\), ip 0x0804[0-9a-f]{4}\n/,
      /\[pid \d+ usertests\] segmentation fault: write to 0xbf7ffffc \(not present\), ip 0x0804[0-9a-f]{4}\n/,
      /\[pid \d+ usertests\] divide error, ip 0x0804[0-9a-f]{4}\n/,
      /\[pid \d+ ut-asm\] illegal instruction, ip 0x0804[0-9a-f]{4}\n/,
      /\[pid \d+ ut-asm\] breakpoint trap, ip 0x0804[0-9a-f]{4}\n/,
      /\[pid \d+ ut-asm\] trace trap \(single step\), ip 0x0804[0-9a-f]{4}\n/,
      /\[pid \d+ ut-asm\] segmentation fault: execute at 0xc0100000 \(protection\), ip 0xc0100000\n/,
      /\[pid \d+ ut-asm\] general protection fault, ip 0x0804[0-9a-f]{4}\n/,
      /\[pid \d+ privileged\] general protection fault, ip 0x0804[0-9a-f]{4}\n/,
    ];
    for (const f of faults) expect(all.out).toMatch(f);
  });

  it('a write with a bad buffer showed nothing of it; good writes came out whole', () => {
    expect(all.out).not.toContain('<LEAK');
    expect(all.out).toContain('usertests: a line written with write(2)\n');
    expect(all.out).toContain('usertests: a line across a page boundary\n');
  });
});

describe('usertests NAME', () => {
  it('runs only the tests named', () => {
    const r = boot('init=/bin/usertests -- getpid faultdiv', 500_000_000);
    expect([...r.lines.keys()]).toEqual(['getpid', 'faultdiv']);
    expect(r.out).toContain('\nALL TESTS PASSED\n');
    expect(r.stop).toEqual({ kind: 'poweroff', code: 0 });
  });

  it('refuses a name that is not in the table, with status 2', () => {
    const r = boot('init=/bin/usertests -- nosuchtest', 100_000_000);
    expect(r.out).toContain('usertests: no test named nosuchtest\n');
    expect(r.stop).toEqual({ kind: 'poweroff', code: 2 });
  });
});

describe('usertests on a small machine (2 MiB of RAM, 8 MiB of swap)', () => {
  let small: Run;
  beforeAll(() => { small = boot(`init=/bin/usertests -- ${SMALL.join(' ')}`, 8_000_000_000, { memSize: 2 << 20, disk: swapdisk }); });

  it('runs the paging tests named, without a kernel panic, and powers off', () => {
    expect(small.out, 'a kernel panic').not.toContain('kernel panic');
    expect([...small.lines.keys()]).toEqual(SMALL);
    expect(small.stop.kind, small.out.slice(-2000)).toBe('poweroff');
  });

  it('sizes the workloads from /proc/meminfo: several times the RAM', () => {
    const m = /usertests: page-linear: (\d+) KiB \(MemTotal (\d+) kB/.exec(small.out);
    expect(m, small.out.slice(0, 2000)).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThanOrEqual(2.5 * Number(m![2]));
  });

  for (const name of SMALL) {
    it(`test ${name}`, () => {
      const line = small.lines.get(name);
      expect(line, `test ${name} reported: ${line ?? 'nothing'}; the console around it:\n${around(small, name)}`).toBe('ok');
    });
  }

  it('out-of-swap: the child filling memory and swap was killed by the kernel, three times (the last in read())', () => {
    const kills = [...small.out.matchAll(/\[pid (\d+) usertests\] out of memory and swap at 0x[0-9a-f]{8}: killed\n/g)].map((m) => m[1]);
    expect(kills.length).toBeGreaterThanOrEqual(3);
    // One line per process: a fault in the kernel's copy is not retried over and over.
    expect(new Set(kills).size, kills.join(' ')).toBe(kills.length);
  });
});

describe('usertests with every write to the swap area failing (2 MiB of RAM)', () => {
  let faulty: Run;
  beforeAll(() => {
    const sb = parseImage(swapdisk).sb;
    faulty = boot('init=/bin/usertests -- out-of-swap page-linear cow-read mmap-anon', 2_000_000_000, {
      memSize: 2 << 20, disk: swapdisk, diskFaults: [{ start: sb.swapStart, count: sb.swapSectors, write: true }],
    });
  });

  it('the kernel survives: no panic, every test reported, the run ends with its status', () => {
    expect(faulty.out, 'a kernel panic').not.toContain('kernel panic');
    // (In the table's order.)
    expect([...faulty.lines.keys()]).toEqual(['page-linear', 'cow-read', 'mmap-anon', 'out-of-swap']);
    expect(faulty.out).toMatch(/\n1 TESTS FAILED\n$/);
    expect(faulty.stop).toEqual({ kind: 'poweroff', code: 1 });
  });

  it('out-of-swap: the child is killed with SIGKILL (no page can be written to swap), three times, and the parent goes on', () => {
    expect(faulty.lines.get('out-of-swap'), around(faulty, 'out-of-swap')).toBe('ok');
    const at = faulty.out.indexOf('usertests: out-of-swap:');
    const kills = [...faulty.out.slice(at).matchAll(/\[pid (\d+) usertests\] out of memory and swap at 0x[0-9a-f]{8}: killed\n/g)].map((m) => m[1]);
    expect(kills.length).toBe(3);
    expect(new Set(kills).size, kills.join(' ')).toBe(3);
  });

  it('page-linear (3 × RAM) cannot fit: its process is killed with SIGKILL, not the kernel or the runner', () => {
    expect(faulty.lines.get('page-linear'), around(faulty, 'page-linear')).toBe('FAILED (killed by signal 9)');
    expect(faulty.out).toMatch(/\[pid \d+ usertests\] out of memory and swap at 0x[0-9a-f]{8}: killed\ntest page-linear: /);
  });

  it('the tests after it pass', () => {
    expect(faulty.lines.get('cow-read'), around(faulty, 'cow-read')).toBe('ok');
    expect(faulty.lines.get('mmap-anon'), around(faulty, 'mmap-anon')).toBe('ok');
  });
});

describe('usertests under vm.policy=lru2 (the two-list LRU; 2 MiB of RAM, 8 MiB of swap)', () => {
  let lru2: Run;
  let faulty: Run;
  beforeAll(() => {
    lru2 = boot(`vm.policy=lru2 init=/bin/usertests -- ${SMALL.join(' ')}`, 8_000_000_000, { memSize: 2 << 20, disk: swapdisk });
    const sb = parseImage(swapdisk).sb;
    faulty = boot('vm.policy=lru2 init=/bin/usertests -- out-of-swap page-linear cow-read mmap-anon', 2_000_000_000, {
      memSize: 2 << 20, disk: swapdisk, diskFaults: [{ start: sb.swapStart, count: sb.swapSectors, write: true }],
    });
  });

  it('runs the paging tests with the policy, without a kernel panic, and powers off with 0', () => {
    expect(lru2.out).toContain('policy lru2\n');
    expect(lru2.out, 'a kernel panic').not.toContain('kernel panic');
    expect([...lru2.lines.keys()]).toEqual(SMALL);
    expect(lru2.out).toMatch(/\nALL TESTS PASSED\n$/);
    expect(lru2.stop).toEqual({ kind: 'poweroff', code: 0 });
  });

  for (const name of SMALL) {
    it(`test ${name}`, () => {
      const line = lru2.lines.get(name);
      expect(line, `test ${name} reported: ${line ?? 'nothing'}; the console around it:\n${around(lru2, name)}`).toBe('ok');
    });
  }

  it('with every write to swap failing: each failed victim is kept and another tried; only page-linear (3 × RAM) is killed', () => {
    expect(faulty.out, 'a kernel panic').not.toContain('kernel panic');
    expect(faulty.lines.get('page-linear'), around(faulty, 'page-linear')).toBe('FAILED (killed by signal 9)');
    for (const t of ['cow-read', 'mmap-anon', 'out-of-swap']) expect(faulty.lines.get(t), around(faulty, t)).toBe('ok');
    expect(faulty.stop).toEqual({ kind: 'poweroff', code: 1 });
  });
});
