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
beforeAll(() => {
  kernel = buildKernel();
  disk = buildDisk(1024 * 1024);
});

/** The shell with commands typed ahead, on a machine with options. */
function shell(commands: string[], opts: MachineOptions & { diskFaults?: DiskFault[] } = {}): { out: string; stop: ReturnType<Machine['run']> } {
  let out = '';
  const m = new Machine({ ...opts, onSerialOutput: (b) => { out += String.fromCharCode(b); }, disk: memoryDisk(new Uint8Array(disk)) });
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
});
