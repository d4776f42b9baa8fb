// `toy86 vmlab` (issue 7; tools/vmlab/): the replacement policies on reference strings with the
// textbooks' answers, against plain reference implementations on random strings, the trace
// reader, and the command from a recorded run (`toy86 run --trace pages`) to its table.

import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { fifo, lru, clock, opt, simulateAll } from '../../tools/vmlab/sim.js';
import { parsePageTrace, runLab } from '../../tools/vmlab/index.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const CLI = join(ROOT, 'tools', 'toy86.mjs');

/** Textbook strings use page numbers from 0 or 1; the simulators take dense ids. */
const ids = (s: string) => {
  const nums = s.trim().split(/\s+/).map(Number);
  const map = new Map<number, number>();
  return nums.map((n) => { if (!map.has(n)) map.set(n, map.size); return map.get(n)!; });
};

const BELADY = ids('1 2 3 4 1 2 5 1 2 3 4 5');
const SILBERSCHATZ = ids('7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1');
const STALLINGS = ids('2 3 2 1 5 2 4 5 3 2 5 2');

describe('the replacement policies on textbook strings', () => {
  it("Belady's anomaly: FIFO faults more with 4 frames than with 3; LRU and OPT do not", () => {
    expect(simulateAll(BELADY, 3)).toEqual({ FIFO: 9, LRU: 10, CLOCK: 9, OPT: 7 });
    expect(simulateAll(BELADY, 4)).toEqual({ FIFO: 10, LRU: 8, CLOCK: 10, OPT: 6 });
  });

  it('Silberschatz (Operating System Concepts, 9.4): FIFO 15, OPT 9, LRU 12 with 3 frames', () => {
    expect(fifo(SILBERSCHATZ, 3)).toBe(15);
    expect(opt(SILBERSCHATZ, 3)).toBe(9);
    expect(lru(SILBERSCHATZ, 3)).toBe(12);
  });

  it('Stallings (Operating Systems, fig. 8.15): OPT 3, LRU 4, FIFO 6, CLOCK 5 faults after the 3 frames fill', () => {
    expect(simulateAll(STALLINGS, 3)).toEqual({ OPT: 6, LRU: 7, FIFO: 9, CLOCK: 8 });
  });

  it('edge cases: one frame, frames for every page, an empty string', () => {
    const s = ids('1 1 2 2 1 3 3 3 1');
    for (const f of [fifo, lru, clock, opt]) {
      expect(f(s, 1)).toBe(5);
      expect(f(s, 3)).toBe(3);
      expect(f(s, 100)).toBe(3);
      expect(f([], 4)).toBe(0);
      expect(() => f(s, 0)).toThrow(RangeError);
    }
  });
});

// Plain implementations, as the textbooks state them, to check the fast ones against.
function naive(refs: number[], frames: number, policy: 'FIFO' | 'LRU' | 'CLOCK' | 'OPT'): number {
  const mem: number[] = [];
  const loaded: number[] = [], used: number[] = [];
  const bit: number[] = [];
  let hand = 0, faults = 0;
  refs.forEach((p, i) => {
    const at = mem.indexOf(p);
    if (at >= 0) { used[at] = i; bit[at] = 1; return; }
    faults++;
    if (policy === 'CLOCK') {
      if (mem.length < frames) { mem.push(p); bit.push(1); hand = mem.length % frames; return; }
      while (bit[hand]) { bit[hand] = 0; hand = (hand + 1) % frames; }
      mem[hand] = p; bit[hand] = 1; hand = (hand + 1) % frames;
      return;
    }
    if (mem.length < frames) { mem.push(p); loaded.push(i); used.push(i); return; }
    let victim = 0;
    for (let k = 1; k < mem.length; k++) {
      if (policy === 'FIFO' && loaded[k] < loaded[victim]) victim = k;
      if (policy === 'LRU' && used[k] < used[victim]) victim = k;
      if (policy === 'OPT') {
        const next = (q: number) => { const j = refs.indexOf(q, i + 1); return j < 0 ? Infinity : j; };
        if (next(mem[k]) > next(mem[victim])) victim = k;
      }
    }
    mem[victim] = p; loaded[victim] = i; used[victim] = i;
  });
  return faults;
}

describe('the fast simulators agree with plain ones', () => {
  it('on random strings, with OPT never worse and LRU never worse with more frames', () => {
    let seed = 7;
    const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) >>> 0; return (seed >>> 8) % n; };
    for (let t = 0; t < 60; t++) {
      const pages = 2 + rnd(12);
      const refs = ids(Array.from({ length: 1 + rnd(80) }, () => rnd(pages)).join(' '));
      let prevLru = Infinity;
      for (let frames = 1; frames <= pages + 1; frames++) {
        const got = simulateAll(refs, frames);
        for (const p of ['FIFO', 'LRU', 'CLOCK', 'OPT'] as const) expect(got[p], `${p} ${frames} [${refs}]`).toBe(naive(refs, frames, p));
        expect(got.OPT).toBeLessThanOrEqual(Math.min(got.FIFO, got.LRU, got.CLOCK));
        expect(got.LRU).toBeLessThanOrEqual(prevLru);
        prevLru = got.LRU;
      }
    }
  });
});

/** Belady's string as a trace: the kernel's faults are those FIFO with 3 frames takes. */
function beladyTrace(): string {
  const pages = [1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5];
  const fifoFaults = [1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0];
  const lines = ['1 exec cpl=3 0x08048000 <_start>: mov eax, 0x1', '2 tlb cpl=3 flush'];
  pages.forEach((p, i) => {
    lines.push(`${100 + i} page cpl=3 cr3=0x00153000 0x${(0x08048000 + p * 4096).toString(16).padStart(8, '0')}${fifoFaults[i] ? ' fault' : ''}`);
    lines.push(`${100 + i} int cpl=3 vec=14 #PF err=0x0004 (not-present user read) cr2=0x08049000 eip=0x08048000 <_start>`);
  });
  lines.push('200 vmstat policy=fifo pgfault=9 pgmajfault=4 pswpin=4 pswpout=6 pgevict=6 user-frames-max=3');
  return lines.join('\n') + '\n';
}

describe('the trace reader', () => {
  it('takes the page records and the counters, and passes over the other lines', () => {
    const t = parsePageTrace(beladyTrace());
    expect([...t.refs]).toEqual(BELADY);
    expect(t.faults.reduce((a, b) => a + b, 0)).toBe(9);
    expect(t.pages).toBe(5);
    expect(t.spaces).toBe(1);
    expect(t.vmstat).toEqual({ policy: 'fifo', pgfault: '9', pgmajfault: '4', pswpin: '4', pswpout: '6', pgevict: '6', 'user-frames-max': '3' });
    const r = runLab(t, 3);
    expect(r.policies).toEqual({ FIFO: 9, LRU: 10, CLOCK: 9, OPT: 7 });
    expect(r.kernel).toEqual({ name: 'kernel (fifo)', faults: 9, firstTouches: 5, refaults: 4 });
  });

  it('tells address spaces apart: the same page under two CR3 values is two pages', () => {
    const t = parsePageTrace('1 page cpl=3 cr3=0x00100000 0x08048000\n2 page cpl=3 cr3=0x00200000 0x08048000\n3 page cpl=3 cr3=0x00100000 0x08048000 fault\n');
    expect([...t.refs]).toEqual([0, 1, 0]);
    expect(t.spaces).toBe(2);
    expect(runLab(t, 1).kernel).toEqual({ name: 'kernel', faults: 1, firstTouches: 0, refaults: 1 });
  });
});

describe('toy86 vmlab', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'toy86-vmlab-'));
    writeFileSync(join(dir, 't.txt'), beladyTrace());
    writeFileSync(join(dir, 'nopages.txt'), '1 exec cpl=0 0x00100000 <_start>: cli\n');
    writeFileSync(join(dir, 'noframes.txt'), '1 page cpl=3 cr3=0x00100000 0x08048000 fault\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const toy86 = (args: string[]) => {
    const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };

  it('prints each policy beside the kernel, with the frames of the trace or of --frames', () => {
    const r = toy86(['vmlab', 't.txt']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe([
      't.txt: 12 page references to 5 pages in 1 address space; 3 frames',
      '',
      'policy              faults   first touches  refaults',
      'FIFO                     9               5         4',
      'LRU                     10               5         5',
      'CLOCK                    9               5         4',
      'OPT                      7               5         2',
      'kernel (fifo)            9               5         4',
      '',
      'kernel: the not-present page faults on user pages in the run (pages it brought in, first touches included)',
      'its counters: pgfault 9, pgmajfault 4, pswpin 4, pswpout 6, pgevict 6',
      'it gave user pages at most 3 frames',
      '',
    ].join('\n'));
    const four = toy86(['vmlab', 't.txt', '--frames', '4']);
    expect(four.code).toBe(0);
    expect(four.out.split('\n').slice(3, 7)).toEqual([
      'FIFO                    10               5         5',
      'LRU                      8               5         3',
      'CLOCK                   10               5         5',
      'OPT                      6               5         1',
    ]);
  });

  it('one clear line for a missing file, a trace without pages, and bad or missing --frames', () => {
    expect(toy86(['vmlab', 'missing.txt'])).toEqual({ code: 1, out: '', err: 'toy86 vmlab: missing.txt: no such file\n' });
    expect(toy86(['vmlab', 'nopages.txt', '--frames', '4'])).toEqual({ code: 1, out: '', err: 'toy86 vmlab: nopages.txt: no page references (record them with --trace pages)\n' });
    expect(toy86(['vmlab', 't.txt', '--frames', '0'])).toEqual({ code: 2, out: '', err: "toy86 vmlab: --frames: '0' is not a whole number of frames, at least 1\n" });
    expect(toy86(['vmlab', 'noframes.txt'])).toEqual({ code: 2, out: '', err: 'toy86 vmlab: give the number of frames with --frames N (the trace does not say how many the kernel had)\n' });
  });

  it('end to end: pagetest under memory pressure, recorded by toy86 run --trace pages, replayed', () => {
    const run = toy86(['run', join(ROOT, 'userland', 'bin', 'pagetest.ts'), '--mem', '2M', '--trace', 'pages', '--trace-file', 'p.txt', '--', 'hot', '3072', '2']);
    expect(run.out).toContain('pagetest: ok\n');
    expect(run.code).toBe(0);
    const r = toy86(['vmlab', 'p.txt']);
    expect(r.code).toBe(0);
    const m = /^p\.txt: (\d+) page references to (\d+) pages in 1 address space; (\d+) frames\n/.exec(r.out);
    expect(m, r.out).not.toBeNull();
    const [refs, pages, frames] = m!.slice(1).map(Number);
    // 3 MiB of heap (768 pages) and the program's own pages, in 2 MiB of RAM.
    expect(pages).toBeGreaterThan(768);
    expect(refs).toBeGreaterThan(2 * 768);
    expect(frames).toBeGreaterThan(100);
    expect(frames).toBeLessThan(512);
    const row = (name: string) => {
      const x = new RegExp(`^${name.replace(/[()]/g, '\\$&')} +(\\d+) +(\\d+) +(\\d+)$`, 'm').exec(r.out);
      expect(x, `${name} in\n${r.out}`).not.toBeNull();
      return x!.slice(1).map(Number);
    };
    const [fifoF, lruF, clockF, optF, kernelF] = ['FIFO', 'LRU', 'CLOCK', 'OPT', 'kernel (clock)'].map((n) => row(n)[0]);
    expect(optF).toBeLessThan(Math.min(fifoF, lruF, clockF));
    for (const f of [fifoF, lruF, clockF, optF]) expect(f).toBeGreaterThan(pages);
    // The kernel's CLOCK is close to the textbook's on the same string, and never beats OPT.
    expect(kernelF).toBeGreaterThan(optF);
    expect(Math.abs(kernelF - clockF) / clockF).toBeLessThan(0.2);
    // The kernel's pgfault counts the faults of the trace (give or take the kernel's own copy to
    // the new stack).
    const pgfault = Number(/pgfault (\d+)/.exec(r.out)![1]);
    expect(Math.abs(pgfault - kernelF)).toBeLessThanOrEqual(2);
    expect(r.out).toMatch(/\nit gave user pages at most \d+ frames\n$/);
  });
});
