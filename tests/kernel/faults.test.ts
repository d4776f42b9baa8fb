// Disk errors and running out of swap (issue 6, SPEC §4.4): a page lost to a disk error kills
// its process with SIGBUS; a page that cannot be written to swap stays in memory; a process that
// needs a page when memory and swap are full is killed with SIGKILL. The kernel goes on.

import { describe, it, expect, beforeAll } from 'vitest';
import { buildKernel } from '../../tools/kernel.js';
import { buildDisk } from '../../tools/userland.js';
import { parseImage } from '../../tools/mkdisk/fs.js';
import { readElf } from '../../tools/asm/elf.js';
import { Machine, type MachineOptions } from '../../emulator/machine.js';
import { memoryDisk } from '../../emulator/host/diskimage.js';
import type { DiskFault } from '../../emulator/devices/disk.js';

let kernel: Uint8Array;
let disk: Uint8Array;
/** A disk with 8 MiB of swap: room for /demos/swap's 6 MiB on a 2 MiB machine. */
let swapdisk: Uint8Array;
beforeAll(() => {
  kernel = buildKernel();
  disk = buildDisk(1024 * 1024);
  swapdisk = buildDisk(8 << 20);
});

/** The shell with commands typed ahead, on a machine with options. */
function shell(commands: string[], opts: MachineOptions & { diskFaults?: DiskFault[] } = {}, image = disk): { out: string; stop: ReturnType<Machine['run']> } {
  let out = '';
  const m = new Machine({ ...opts, onSerialOutput: (b) => { out += String.fromCharCode(b); }, disk: memoryDisk(new Uint8Array(image)) });
  m.loadKernel(kernel);
  m.serial.receive(Buffer.from(commands.map((c) => `${c}\r`).join('') + '\x04'));
  const stop = m.run(4_000_000_000);
  expect(out).not.toContain('kernel panic');
  return { out, stop };
}

describe('disk errors and the end of swap', () => {
  it('a page of a program lost to a disk error kills it with SIGBUS; the shell and kernel go on', () => {
    // The sectors of page 10 of /demos/file-backed's initialised data.
    const fs = parseImage(disk);
    const node = fs.stat('/demos/file-backed');
    const elf = readElf(fs.readFile('/demos/file-backed'));
    const data = elf.sections.find((s) => s.name === '.data')!;
    const seg = elf.segments.find((g) => data.addr >= g.vaddr && data.addr < g.vaddr + g.memsz)!;
    const sector = node.start + Math.floor((seg.offset + (data.addr - seg.vaddr) + 10 * 4096) / 512);
    const { out, stop } = shell(['/demos/file-backed', 'echo still here'], { diskFaults: [{ start: sector, count: 8, read: true }] });
    expect(out).toMatch(/\[pid \d+ file-backed\] bus error: the page at 0x[0-9a-f]{8} was lost to a disk error\nBus error\n/);
    expect(out).toContain('still here\n');
    expect(stop.kind).toBe('poweroff');
  });

  it('pages that cannot be written to swap stay; with swap unusable a big program is killed, not the kernel', () => {
    const fs = parseImage(disk);
    const sb = fs.sb;
    const { out, stop } = shell(['hog 8192', 'echo still here', 'cat /proc/vmstat'], {
      memSize: 2 << 20, diskFaults: [{ start: sb.swapStart, count: sb.swapSectors, write: true }],
    });
    expect(out).toMatch(/\[pid \d+ hog\] out of memory and swap at 0x[0-9a-f]{8}: killed\nKilled\n/);
    expect(out).toContain('still here\n');
    expect(out).toMatch(/\npswpout 0\n/);
    expect(stop.kind).toBe('poweroff');
  });

  it('out of swap: the program that needs a page is killed with SIGKILL, the kernel goes on', () => {
    const { out, stop } = shell(['hog 8192', 'hog 256'], { memSize: 2 << 20 });
    expect(out).toMatch(/\[pid \d+ hog\] out of memory and swap at 0x[0-9a-f]{8}: killed\nKilled\n/);
    expect(out).toContain('hog: 256 KiB in 64 pages\n');
    expect(stop.kind).toBe('poweroff');
  });

  it('a page lost from swap to a disk error kills with SIGBUS, whether the program or the kernel (read(), write()) touched it', () => {
    // Reads of the swap area fail from the moment /demos/swap has pushed its pages out (it says
    // so, then touches page 0 at once) until the kernel has killed it — three times, the fourth
    // run goes through: the shell's own pages, out in swap too, come back afterwards.
    const sb = parseImage(swapdisk).sb;
    const faults: DiskFault[] = [];
    let out = '';
    let runs = 0;
    const m = new Machine({
      memSize: 2 << 20, diskFaults: faults, disk: memoryDisk(new Uint8Array(swapdisk)),
      onSerialOutput: (b) => {
        out += String.fromCharCode(b);
        if (out.endsWith('went out to swap\n') && ++runs <= 3) faults.push({ start: sb.swapStart, count: sb.swapSectors, read: true });
        if (/was lost to a disk error\n$/.test(out)) faults.length = 0;
      },
    });
    m.loadKernel(kernel);
    m.serial.receive(Buffer.from(['/demos/swap', '/demos/swap read', '/demos/swap write', 'echo still here', '/demos/swap'].map((c) => `${c}\r`).join('') + '\x04'));
    const stop = m.run(8_000_000_000);
    expect(stop.kind, out).toBe('poweroff');
    expect(out).not.toContain('kernel panic');
    // Each run lost page 0 of its mapping: touched by the program, by read() copying into it,
    // by write() copying from it; one line each (a fault in the kernel is not retried for ever).
    const lost = [...out.matchAll(/\[pid \d+ swap\] bus error: the page at 0x([0-9a-f]{8}) was lost to a disk error\nBus error\n/g)];
    expect(lost.map((x) => x[1]), out).toEqual(['bf200000', 'bf200400', 'bf200800']);
    expect(out.match(/bus error/g)?.length).toBe(3);
    // Nothing came of the calls that touched the lost page.
    expect(out).not.toContain('brought it back');
    expect(out).not.toContain('this line was written');
    // The kernel goes on, and so does swapping: the last run, without the fault, is intact.
    expect(out).toContain('still here\n');
    expect(out).toMatch(/swap: page 0 came back from swap \(major faults: 1\), holding 0x5a5a0000 \(right\)\nswap: all 1536 pages read back intact/);
  });
});
