// Swapping (issue 6): programs bigger than RAM run, every byte they read is checked, and the
// replacement policies (vm.policy=) make different choices on the same workload.

import { describe, it, expect, beforeAll } from 'vitest';
import { buildKernel } from '../../tools/kernel.js';
import { buildDisk } from '../../tools/userland.js';
import { Machine } from '../../emulator/machine.js';
import { memoryDisk } from '../../emulator/host/diskimage.js';

let kernel: Uint8Array;
let disk: Uint8Array;
beforeAll(() => {
  kernel = buildKernel();
  disk = buildDisk(8 * 1024 * 1024);
});

/** The shell, given commands on its input (each line typed at once; the echo comes first). */
function shell(commands: string[], policy = 'clock', mem = 2 << 20): string {
  let out = '';
  const m = new Machine({ memSize: mem, onSerialOutput: (b) => { out += String.fromCharCode(b); }, disk: memoryDisk(new Uint8Array(disk)) });
  m.loadKernel(kernel, `vm.policy=${policy}`);
  m.serial.receive(Buffer.from(commands.map((c) => `${c}\r`).join('') + '\x04'));
  const stop = m.run(4_000_000_000);
  expect(stop.kind, out).toBe('poweroff');
  expect(out).not.toContain('kernel panic');
  return out;
}

const vmstat = (out: string) => Object.fromEntries([...out.matchAll(/^(?:\$ )?(pgfault|pgmajfault|pswpin|pswpout|pgevict|pgscan_direct|pgsteal_direct|cowfault) (\d+)$/gm)].map((m) => [m[1], Number(m[2])]));

describe('swapping', () => {
  it('a program four times the size of RAM runs, its data intact, through swap', () => {
    const out = shell(['hog 8192', 'cat /proc/vmstat']);
    expect(out).toContain('hog: 8192 KiB in 2048 pages\n');
    const v = vmstat(out);
    expect(v.pswpout).toBeGreaterThan(1000);
    expect(v.pswpin).toBeGreaterThan(1000);
    // Linux's reclaim counters: every page evicted was stolen by a direct reclaim, after the
    // policy looked at at least as many frames; every major fault is a fault.
    expect(v.pgsteal_direct).toBe(v.pgevict);
    expect(v.pgscan_direct).toBeGreaterThanOrEqual(v.pgsteal_direct);
    expect(v.pgfault).toBeGreaterThanOrEqual(v.pgmajfault + v.cowfault);
  });

  it('vm.policy= names the policy; an unknown one is said so, and CLOCK runs', () => {
    const out = shell(['cat /proc/vmstat'], 'lfu');
    expect(out).toMatch(/\nswap: unknown vm\.policy \(clock, fifo, aging or lru2\): clock\nswap: 8192 KiB, policy clock\n/);
    expect(shell(['cat /proc/vmstat'], 'clock')).not.toContain('unknown');
  });

  it('each policy runs the same workloads with every byte intact, and their fault counts differ', () => {
    const counts: Record<string, Record<string, number>> = {};
    for (const policy of ['clock', 'fifo', 'aging', 'lru2']) {
      const out = shell(['pagetest hot 3072 3', 'cat /proc/vmstat'], policy);
      expect(out, policy).toContain('pagetest: ok\n');
      expect(out).toContain(`policy ${policy}`);
      counts[policy] = vmstat(out);
    }
    console.log(JSON.stringify(counts));
    const faults = Object.values(counts).map((c) => c.pgmajfault);
    expect(new Set(faults).size, JSON.stringify(counts)).toBe(4);
    // On this 80-20 hot set, the two-list LRU keeps more of the hot pages than CLOCK and FIFO.
    expect(counts.lru2.pgmajfault, JSON.stringify(counts)).toBeLessThan(counts.clock.pgmajfault);
    expect(counts.lru2.pgmajfault, JSON.stringify(counts)).toBeLessThan(counts.fifo.pgmajfault);
  });

  it('lru2 on 4 MiB: on a hot set of 1.6 MiB in 8 MiB, fewer major faults than CLOCK and FIFO; /proc/meminfo shows its two lists', () => {
    const counts: Record<string, number> = {};
    for (const policy of ['clock', 'fifo', 'lru2']) {
      const out = shell(['pagetest hot 8192 3', 'cat /proc/vmstat', 'cat /proc/meminfo'], policy, 4 << 20);
      expect(out, policy).toContain('pagetest: ok\n');
      counts[policy] = vmstat(out).pgmajfault;
      // Linux's Active and Inactive lines, with the two lists only.
      const m = /MemTotal: +(\d+) kB\nMemFree: +(\d+) kB\n(?:.*\n){2}(?:Active: +(\d+) kB\nInactive: +(\d+) kB\n)?/.exec(out);
      expect(m, out).not.toBeNull();
      if (policy === 'lru2') expect(Number(m![3]) + Number(m![4])).toBeLessThanOrEqual(Number(m![1]) - Number(m![2]));
      else expect(m![3]).toBeUndefined();
    }
    expect(counts.lru2, JSON.stringify(counts)).toBeLessThan(counts.clock);
    expect(counts.lru2, JSON.stringify(counts)).toBeLessThan(counts.fifo);
  });

  it('lru2: copy-on-write and swap together, and a program four times the size of RAM', () => {
    const out = shell(['/demos/cow', 'pagetest loop 4096 2', 'pagetest random 3072 2', 'hog 8192', 'cat /proc/vmstat'], 'lru2');
    expect(out).toContain('policy lru2');
    expect(out).toContain("cow: the parent's pages are unchanged\n");
    expect(out.match(/pagetest: ok/g)?.length).toBe(2);
    expect(out).toContain('hog: 8192 KiB in 2048 pages\n');
    expect(vmstat(out).pswpout).toBeGreaterThan(1000);
  });

  it('copy-on-write and swap together: a child forked with most memory in use, both sides checked', () => {
    const out = shell(['/demos/cow', 'pagetest loop 4096 2', 'pagetest random 3072 2']);
    expect(out).toContain("cow: the parent's pages are unchanged\n");
    expect(out.match(/pagetest: ok/g)?.length).toBe(2);
  });
});
