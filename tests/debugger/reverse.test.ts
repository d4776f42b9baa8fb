// Time travel (docs/debugger.md, "Reverse execution"): reverse-stepi and reverse-continue land
// exactly where a forward run had been — the same instruction count, the same registers, the same
// memory — across snapshots (some thinned away), through system calls, traps and idle time; and
// console input and the debugger's own writes are replayed at the counts they happened at.

import { describe, it, expect, beforeAll } from 'vitest';
import { buildFixtures, runTargetOf, bootTargetOf, start, expectGolden, fingerprint, outputs, lineOf, state, type Fixtures } from './harness.js';
import type { DebugTarget } from '../../tools/debugger/index.js';

let f: Fixtures;
let cow: DebugTarget;
beforeAll(() => {
  f = buildFixtures();
  cow = runTargetOf(f, 'userland/demos/cow.ts');
});

describe('reverse execution', () => {
  it('reverse-stepi retraces stepi exactly, across snapshots, system calls and traps', async () => {
    // Small snapshots, few of them: the history is rebuilt from thinned snapshots.
    const d = start(cow, { snapshotInterval: 3000, snapshotBytes: 6 * 16 * 1024 * 1024 });
    const s = d.session;
    await d.run([`break cow.ts:${lineOf('userland/demos/cow.ts', 'const pid = fork();')}`, 'continue', 'delete']);
    const seen = [state(s)];
    // Into fork (int 0x80), the kernel, a trap, and back out: chunks of different sizes.
    for (const n of [1, 7, 40, 500, 2500, 9000, 13]) {
      await d.run([`stepi ${n}`]);
      seen.push(state(s));
    }
    expect(s.history.snaps.length).toBeLessThanOrEqual(6);
    expect(s.history.snaps.length).toBeGreaterThan(2);
    const sizes = [13, 9000, 2500, 500, 40, 7, 1];
    for (let i = 0; i < sizes.length; i++) {
      const out = await d.run([`reverse-stepi ${sizes[i]}`]);
      expect(out).not.toContain('No more');
      expect(state(s)).toEqual(seen[seen.length - 2 - i]);
    }
    // And forward again over the same ground.
    for (let i = 0; i < sizes.length; i++) {
      await d.run([`stepi ${sizes[sizes.length - 1 - i]}`]);
      expect(state(s)).toEqual(seen[i + 1]);
    }
    d.close();
  });

  it('reverse-continue lands on the previous breakpoint, watchpoint and caught fault as continue did', async () => {
    const d = start(cow, { snapshotInterval: 50_000 });
    const s = d.session;
    const forward: { out: string; st: ReturnType<typeof state> }[] = [];
    await d.run(['break handlePageFault', 'catch fault pf']);
    for (let i = 0; i < 5; i++) {
      const out = outputs(await d.run(['continue']))[0].out;
      forward.push({ out: out.slice(out.indexOf('\n\n')), st: state(s) });
    }
    const back: string[] = [];
    for (let i = 3; i >= 0; i--) {
      const text = await d.run(['reverse-continue']);
      const out = outputs(text)[0].out;
      back.push(text);
      expect(state(s)).toEqual(forward[i].st);
      // The same report as the forward stop (hit counts go on).
      expect(out.slice(out.indexOf('\n\n'))).toBe(forward[i].out);
    }
    // Forward again: the same stops.
    for (let i = 1; i < 5; i++) {
      await d.run(['continue']);
      expect(state(s)).toEqual(forward[i].st);
    }
    // Watchpoints: the stop after the write, with the same old and new values.
    const w = await d.run(['delete', 'watch freecount', 'continue', 'continue', 'continue', 'info record']);
    const stops = outputs(w).filter((x) => x.cmd === 'continue').map((x) => x.out);
    const at = state(s);
    const r = await d.run(['reverse-continue']);
    expect(outputs(r)[0].out).toBe(stops[1]);
    await d.run(['continue']);
    expect(state(s)).toEqual(at);
    expectGolden('reverse-continue', back.join('') + w + r, fingerprint(cow));
    d.close();
  });

  it('console input typed with send is replayed at its count; so are the debugger\'s writes', async () => {
    const target = bootTargetOf(f);
    const d = start(target, { snapshotInterval: 100_000 });
    const s = d.session;
    const t1 = await d.run(['continue', 'send "echo hi\\r"', 'catch syscall write', 'continue', 'continue']);
    expect(outputs(t1)[0].out).toContain('The guest is idle, waiting for console input');
    const at = state(s);
    const reported = outputs(t1)[4].out;
    expect(s.history.events.length).toBe(1);
    // Back before the input (the prompt's write), then forward: the input arrives again.
    const t2 = await d.run(['reverse-continue', 'reverse-continue', 'reverse-continue', 'continue', 'continue', 'continue']);
    const o2 = outputs(t2);
    // The same stop; the guest's output on the way is not shown twice.
    expect(o2[5].out).toBe(reported.replace(/^Continuing\.\n[^]*?\n\n/, 'Continuing.\n\n'));
    expect(reported).toContain('hi\n');
    expect(state(s)).toEqual(at);
    // A write by the debugger is part of the history too.
    const t3 = await d.run(['set var ticks = 100000', 'print ticks', 'continue', 'print ticks > 99999', 'reverse-continue', 'print ticks', 'reverse-continue', 'print ticks < 100000', 'continue', 'continue', 'print ticks > 99999', 'info record']);
    const o3 = outputs(t3);
    expect(o3[1].out).toBe('$1 = 100000\n');
    expect(o3[3].out).toBe('$2 = 1\n');
    expect(o3[5].out).toBe('$3 = 100000\n');
    expect(o3[7].out).toBe('$4 = 1\n');
    expect(o3[10].out).toBe('$5 = 1\n');
    expect(o3[11].out).toMatch(/console input and writes logged: 2\.\n$/);
    expectGolden('replayed-input', t1 + t2 + t3, fingerprint(target));
    d.close();
  });

  it('the debugger\'s own actions do not change the guest\'s run', async () => {
    // hog on 2 MiB swaps: CLOCK reads the A bits the TLB's misses set, so a debugger that
    // disturbed the TLB (its LRU) would change which pages go, and everything after.
    const hog = runTargetOf(f, 'userland/bin/hog.ts', ['1200'], { memSize: 2 << 20 });
    const plain = start(hog);
    await plain.run(['stepi 1200000']);
    const want = state(plain.session);
    plain.close();
    const d = start(hog, { snapshotInterval: 40_000 });
    await d.run(['break swapin', 'continue', 'watch freecount', 'continue', 'rwatch *$esp', 'stepi 5000', 'delete', 'catch fault pf',
      'continue', 'continue', 'reverse-stepi 3000', 'watch nframes', 'stepi 2000', 'reverse-continue', 'delete', 'info tlb', 'walk $cr2']);
    const left = 1200000 - d.session.busy();
    expect(left).toBeGreaterThan(0);
    await d.run([`stepi ${left}`]);
    expect(state(d.session)).toEqual(want);
    d.close();
  });

  it('stops at the beginning of the history', async () => {
    const d = start(cow);
    const s = d.session;
    const start0 = state(s);
    const t = await d.run(['reverse-stepi', 'stepi 100', 'reverse-stepi 1000', 'reverse-continue']);
    const o = outputs(t);
    expect(o[0].out).toBe('\nNo more reverse-execution history.\n0x00100000 in ?? ()\n');
    expect(o[2].out).toBe('\nNo more reverse-execution history.\n0x00100000 in ?? ()\n');
    expect(o[3].out).toBe('Continuing.\n\nNo more reverse-execution history.\n0x00100000 in ?? ()\n');
    expect(state(s)).toEqual(start0);
    d.close();
  });
});
