// The statistics channel of `toy86 boot --stats` (tools/web/stats.ts), on a machine in this
// process: the frame grid, the kernel's counters read through its symbols, and the fault log —
// a segmentation fault run from the shell is recognised as one, and memhog on a small machine
// fills the frames and spills to swap. Deterministic: the machine runs by instruction counts.

import { describe, it, expect, beforeAll } from 'vitest';
import { buildKernel } from '../../tools/kernel.js';
import { buildDisk } from '../../tools/userland.js';
import { Machine } from '../../emulator/machine.js';
import { memoryDisk } from '../../emulator/host/diskimage.js';
import { StatsReporter } from '../../tools/web/stats.js';
import { FrameKind, type FaultRecord, type StatsMessage } from '../../tools/web/protocol.js';

let kernel: Uint8Array;
let disk: Uint8Array;
beforeAll(() => {
  kernel = buildKernel();
  disk = buildDisk(8 * 1024 * 1024);
});

/** A booted machine with a reporter, and a way to type a command and run to the next prompt. */
function machine(memSize: number) {
  let out = '';
  const m = new Machine({ memSize, onSerialOutput: (b) => { out += String.fromCharCode(b); }, disk: memoryDisk(new Uint8Array(disk)) });
  m.loadKernel(kernel, '');
  const stats = new StatsReporter(m);
  const faults: FaultRecord[] = [];
  const sample = (): StatsMessage => { const s = stats.sample(); faults.push(...s.faults); return s; };
  const prompt = (after: number) => {
    for (let i = 0; i < 5000 && !(out.endsWith('$ ') && out.length > after) && !m.stopReason; i++) { m.run(200_000); if (i % 50 === 0) sample(); }
    expect(out.endsWith('$ '), `no prompt; the console so far:\n${out}`).toBe(true);
  };
  prompt(0);
  const type = (command: string) => {
    const mark = out.length;
    m.serial.receive(Buffer.from(`${command}\r`));
    prompt(mark + command.length);
    return out.slice(mark);
  };
  return { m, type, sample, faults, stats };
}

const count = (frames: string, k: FrameKind) => [...frames].filter((c) => c === String(k)).length;

describe('the statistics of a booted machine', () => {
  it('a segmentation fault run from the shell is in the fault log as one, with its address and kind', () => {
    const { type, sample, faults, m } = machine(16 << 20);
    const first = sample();
    expect(first.frames.length).toBe(m.memSize / 4096);
    expect(count(first.frames, FrameKind.RESERVED)).toBeGreaterThan(0);
    expect(count(first.frames, FrameKind.FREE)).toBeGreaterThan(0);
    expect(first.vm!.pgfault).toBeGreaterThan(0);
    expect(type('/demos/null-deref')).toContain('segmentation fault');
    type('/demos/write-text');
    sample();
    const killed = faults.filter((f) => typeof f.outcome === 'number');
    expect(killed.map((f) => [f.name, f.addr, f.kind, f.outcome])).toEqual([
      ['null-deref', 0, 'not-present user read', 11],
      ['write-text', expect.any(Number), 'protection user write', 11],
    ]);
    // Every other fault of the session was served.
    expect(faults.filter((f) => f.outcome === 'served').length).toBeGreaterThan(10);
    // The counters are /proc/vmstat's: read by cat in the guest, then sampled once cat is done
    // (its own last faults and the shell's come after it read them: a few more, never fewer).
    const vmstat = type('cat /proc/vmstat');
    const later = sample().vm!;
    for (const k of ['pgfault', 'pgmajfault', 'cowfault'] as const) {
      const printed = Number(new RegExp(`^${k} (\\d+)`, 'm').exec(vmstat)![1]);
      expect(later[k], k).toBeGreaterThanOrEqual(printed);
      expect(later[k] - printed, k).toBeLessThan(40);
    }
    expect(later.cowfault).toBeGreaterThan(0);
  });
});

describe('memhog on a 2 MiB machine', () => {
  it('fills the frames with user pages and spills to swap; the counters are the kernel\'s own', () => {
    const { type, sample } = machine(2 << 20);
    const before = sample();
    // The shell's text is read from its file: clean file pages (the page cache's colour).
    expect(count(before.frames, FrameKind.FILE)).toBeGreaterThan(0);
    const out = type('memhog 3M 1');
    const after = sample();
    expect(out).not.toContain('killed');
    expect(after.vm!.pswpout).toBeGreaterThan(before.vm!.pswpout);
    expect(after.vm!.pswpin).toBeGreaterThan(before.vm!.pswpin);
    expect(after.vm!.pgfault - before.vm!.pgfault).toBeGreaterThan(768);
    expect(after.swap!.slots).toBeGreaterThan(0);
    expect(after.disk.writes).toBeGreaterThan(before.disk.writes);
    expect(after.tlb.misses).toBeGreaterThan(before.tlb.misses);
    // The TLB's lookups are the machine's memory accesses, those its soft TLB served counted as
    // hits: several for every ten instructions, not only the few that missed the soft TLB.
    expect(after.tlb).toMatchObject({ entries: 64, ways: 4 });
    const insns = (after.clock - after.idleClock) - (before.clock - before.idleClock);
    const lookups = (after.tlb.hits + after.tlb.misses) - (before.tlb.hits + before.tlb.misses);
    expect(lookups).toBeGreaterThan(insns / 4);
    expect(after.tlb.misses - before.tlb.misses).toBeLessThan(lookups / 100);
    // /proc/vmstat, read by a program on the same machine, says what the channel says.
    const vmstat = type('cat /proc/vmstat');
    const now = sample();
    expect(vmstat).toContain(`pswpout ${now.vm!.pswpout}\n`);
    expect(vmstat).toContain(`pswpin ${now.vm!.pswpin}\n`);
  });

  it('while memhog runs, its pages take the free frames', () => {
    const { m, type, sample } = machine(2 << 20);
    const before = sample();
    m.serial.receive(Buffer.from('memhog 3M 1\r'));
    // Run until memhog holds most of the free memory (the frame table sampled between slices).
    const free = count(before.frames, FrameKind.FREE);
    let during = before;
    for (let i = 0; i < 2000 && count(during.frames, FrameKind.USER) < free / 2; i++) { m.run(200_000); during = sample(); }
    expect(count(during.frames, FrameKind.USER)).toBeGreaterThanOrEqual(free / 2);
    expect(count(during.frames, FrameKind.FREE)).toBeLessThan(free / 2);
    type('');
  });
});
