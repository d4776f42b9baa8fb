// Malformed executables (SPEC §4.2, §4.4): execve of an ELF file that is not what the kernel's
// loader expects must fail with ENOEXEC — the process unchanged, the kernel alive — or run. A user
// puts such a file on the disk with `toy86 run FILE` or `toy86 mkdisk`; here the disk holds the
// shell and a few hand-made ELF32 files, and the shell runs each of them as a child: each must
// end with the shell's `cannot run it` (execve failed) or with its own status, and the session
// must go on to the end. (Before the checks in kernel/exec.ts, a segment at the top of the
// stack made the kernel fault writing the arguments — a panic; program headers at an offset
// near 4 GiB were looked for outside the header buffer.)

import { describe, it, expect, beforeAll } from 'vitest';
import { join } from 'node:path';
import { buildKernel } from '../../tools/kernel.js';
import { buildProgram } from '../../tools/userland.js';
import { buildImage } from '../../tools/mkdisk/build.js';
import { Machine, type StopReason } from '../../emulator/machine.js';
import { memoryDisk } from '../../emulator/host/diskimage.js';

const ROOT = join(__dirname, '..', '..');
/** toy86's e_machine (SPEC §3.2). */
const EM_TOY86 = 0x7486;

interface Seg { va: number; filesz: number; memsz: number; flags: number; off: number }

/**
 * An ELF32 executable: the header, program headers (PT_LOAD, one per seg) at phoff, and at file
 * offset 0x1000 the code `exit(7)`. phnum may lie (more headers than there are).
 */
function elf(segs: Seg[], opts: { phoff?: number; phnum?: number; entry?: number } = {}): Uint8Array {
  const out = new Uint8Array(0x2000);
  const v = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1]);
  v.setUint16(16, 2, true);                       // ET_EXEC
  v.setUint16(18, EM_TOY86, true);
  v.setUint32(20, 1, true);
  v.setUint32(24, opts.entry ?? 0x08048000, true);
  v.setUint32(28, opts.phoff ?? 52, true);
  v.setUint16(40, 52, true);
  v.setUint16(42, 32, true);
  v.setUint16(44, opts.phnum ?? segs.length, true);
  segs.forEach((s, i) => {
    const at = 52 + i * 32;
    if (at + 32 > 0x1000) return;
    for (const [k, x] of [1, s.off, s.va, s.va, s.filesz, s.memsz, s.flags, 0x1000].entries()) v.setUint32(at + k * 4, x, true);
  });
  // mov eax, 1; mov ebx, 7; int 0x80 (docs/isa.md's encoding)
  out.set([2, 0, 1, 0, 0, 0, 2, 3, 7, 0, 0, 0, 0x0f, 0xdf, 0x80], 0x1000);
  return out;
}

const text: Seg = { va: 0x08048000, filesz: 0x1000, memsz: 0x1000, flags: 5, off: 0x1000 };

/** The hand-made files, by name: whether execve must refuse it (true) or it runs and exits 7. */
const FILES: [string, Uint8Array, boolean][] = [
  ['good', elf([text]), false],
  // A second text segment in the stack's 8 MiB (its last page): the arguments go there.
  ['stacktext', elf([text, { va: 0xbffff000, filesz: 0x1000, memsz: 0x1000, flags: 5, off: 0x1000 }]), true],
  // A data segment ending just inside the stack's region.
  ['stackdata', elf([text, { va: 0xbf7ff000, filesz: 0, memsz: 0x2000, flags: 6, off: 0x1000 }]), true],
  // Program headers at an offset that wraps phoff + phnum × 32 round to a small number.
  ['phwrap', elf([text], { phoff: 0xffffffe0, phnum: 2 }), true],
  ['phfar', elf([text], { phoff: 0x7ffffff0, phnum: 1 }), true],
  // More program headers than the 512 bytes read hold.
  ['phnum', elf([text], { phnum: 0xffff }), true],
  // A segment that wraps past 4 GiB, one in the kernel's half, one on page 0.
  ['segwrap', elf([text, { va: 0xfffff000, filesz: 0, memsz: 0x2000, flags: 6, off: 0x1000 }]), true],
  ['segkernel', elf([text, { va: 0xc0100000, filesz: 0x1000, memsz: 0x1000, flags: 5, off: 0x1000 }]), true],
  ['segzero', elf([{ ...text, va: 0 }]), true],
  // File bytes past the end of the file: read as zeroes (the code page is there).
  ['bigfile', elf([{ ...text, filesz: 0x100000, memsz: 0x100000 }]), false],
  // Overlapping segments: the first one found wins; it runs.
  ['overlap', elf([text, { va: 0x08048000, filesz: 0x1000, memsz: 0x3000, flags: 6, off: 0x1000 }]), false],
];

let kernel: Uint8Array;
let disk: Uint8Array;

beforeAll(() => {
  kernel = buildKernel();
  const files = [{ path: '/bin/sh', data: buildProgram([join(ROOT, 'userland', 'bin', 'sh.ts')]), mode: 0o755 }];
  for (const [name, data] of FILES) files.push({ path: `/bin/${name}`, data, mode: 0o755 });
  disk = buildImage({ files, swapBytes: 1 << 20 });
});

/** Boots the shell as init, types each command after a prompt, then `exit 3`. */
function session(commands: string[]): { out: string; stop: StopReason } {
  let out = '';
  const m = new Machine({ onSerialOutput: (b) => { out += String.fromCharCode(b); }, disk: memoryDisk(new Uint8Array(disk)) });
  m.loadKernel(kernel, 'init=/bin/sh');
  let sent = 0;
  for (const c of [...commands, 'exit 3']) {
    for (let i = 0; i < 2000 && !(out.endsWith('$ ') && out.length > sent) && !m.stopReason; i++) m.run(200_000);
    expect(out.endsWith('$ '), `no prompt; the console so far:\n${out}`).toBe(true);
    m.serial.receive(Buffer.from(`${c}\r`));
    sent = out.length;
  }
  let stop = m.run(200_000_000);
  for (let i = 0; i < 10 && stop.kind === 'limit'; i++) stop = m.run(200_000_000);
  return { out, stop };
}

describe('execve of malformed ELF files', () => {
  it('each is refused (the shell says so) or runs; the kernel goes on to the end of the session', () => {
    const { out, stop } = session(FILES.map(([name]) => `/bin/${name}`));
    expect(out, 'a kernel panic').not.toContain('kernel panic');
    for (const [name, , refused] of FILES) {
      const at = out.indexOf(`$ /bin/${name}\n`);
      expect(at, `no command line for ${name}:\n${out}`).toBeGreaterThanOrEqual(0);
      const reply = out.slice(at + `$ /bin/${name}\n`.length).split('$ ')[0];
      expect(reply, name).toBe(refused ? `sh: /bin/${name}: cannot run it\n` : '');
    }
    expect(stop).toEqual({ kind: 'poweroff', code: 3 });
  });
});
