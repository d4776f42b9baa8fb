// `toy86 mkdisk` as a user runs it (SPEC §5, docs/disk.md): the image it writes reads back through
// the reader, has the swap area asked for and a whole number of sectors, boots as the machine's
// disk (the boot record and the SIZE register give its sector count, and a guest finds the
// superblock by DMA), and every bad input is one line on stderr with exit code 1 or 2.
//
// A few runs go through the real launcher (node tools/toy86.mjs); the many error cases call the
// command line's main() in this process, which is the same code without the process start.

import { describe, it, expect, beforeAll, afterAll, vi } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, chmodSync, statSync, truncateSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFile } from 'node:child_process';
import { main } from '../../tools/cli.js';
import { DiskFs } from '../../tools/mkdisk/fs.js';
import { Machine } from '../../emulator/machine.js';
import { openDiskImage } from '../../emulator/host/diskimage.js';
import { linkSources } from '../../tools/asm/index.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(ROOT, 'tools', 'toy86.mjs');
const MiB = 1024 * 1024;
let dir = '';
let real: Promise<Result[]>;
const at = (name: string) => join(dir, name);

interface Result { code: number | null; out: string; err: string }

/** Runs the real command (the launcher and its bundle) in `dir`. */
function toy86(args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 }, (error, out, err) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, out, err });
    });
  });
}

/** Runs the command line's main() here, catching stderr and the exit code. */
async function inProcess(args: string[]): Promise<Result> {
  let err = '';
  let out = '';
  const saved = process.exitCode;
  process.exitCode = undefined;
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => { err += String(s); return true; });
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => { out += String(s); return true; });
  try {
    await main(args);
    return { code: typeof process.exitCode === 'number' ? process.exitCode : 0, out, err };
  } finally {
    e.mockRestore();
    o.mockRestore();
    process.exitCode = saved;
  }
}

const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed * 31 + (i >> 9)) & 0xff);

/** One line on stderr, naming the command, no stack trace. */
function oneLine(r: Result, code: 1 | 2, message: RegExp) {
  expect(r.code, r.err).toBe(code);
  expect(r.out).toBe('');
  expect(r.err).toMatch(/^toy86( mkdisk)?: [^\n]+\n$/);
  expect(r.err).toMatch(message);
  expect(r.err).not.toMatch(/\n\s+at /);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'toy86-mkdisk-'));
  writeFileSync(at('a'), bytes(513, 1));
  writeFileSync(at('b'), bytes(100 * 1024, 2));
  writeFileSync(at('empty'), new Uint8Array(0));
  writeFileSync(at('tool'), '#!/bin/sh\n');
  chmodSync(at('tool'), 0o755);
  writeFileSync(at('hello.s'), readFileSync(join(ROOT, 'docs', 'examples', 'hello.s')));
  writeFileSync(at('hello.elf'), linkSources([at('hello.s')]));
  mkdirSync(at('adir'));
  // The runs of the real command start together (each process takes about half a second).
  real = Promise.all([
    toy86(['mkdisk', '-o', 'img', 'a:/bin/a', 'b:/demos/b', '--swap', '1M']),
    toy86(['mkdisk', '--help']),
    toy86(['mkdisk', '-o', 'x.img', 'nope:/bin/nope']),
  ]);
});
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

describe('toy86 mkdisk', () => {
  it('builds an image end to end: files read back, swap area of --swap, a whole number of sectors', async () => {
    const [r, help] = await real;
    expect(r).toEqual({ code: 0, out: '', err: '' });
    const disk = DiskFs.open(at('img'));
    disk.check();
    expect(disk.readFile('/bin/a')).toEqual(bytes(513, 1));
    expect(disk.readFile('/demos/b')).toEqual(bytes(100 * 1024, 2));
    expect(disk.list('/').map((e) => e.name)).toEqual(['bin', 'demos', 'etc', 'proc']);
    expect(disk.sb.swapSectors * 512).toBe(MiB);
    const size = statSync(at('img')).size;
    expect(size % 512).toBe(0);
    expect(size).toBe(disk.sb.totalSectors * 512);
    expect(size).toBe(disk.sb.swapStart * 512 + MiB);

    expect(help.code).toBe(0);
    expect(help.out).toMatch(/toy86 mkdisk \[files\.\.\]/);
    expect(help.out).toMatch(/--swap/);
    expect(help.out).toMatch(/--dir/);
  });

  it('makes a 32 MiB swap area by default, exactly (a hole where the host allows it)', async () => {
    const r = await inProcess(['mkdisk', '-o', at('dflt.img'), `${at('empty')}:/etc/empty`]);
    expect(r).toEqual({ code: 0, out: '', err: '' });
    const d = DiskFs.open(at('dflt.img'));
    d.check();
    expect(d.sb.swapSectors * 512).toBe(32 * MiB);
    expect(statSync(at('dflt.img')).size).toBe((d.sb.swapStart + 65536) * 512);
    expect(d.stat('/etc/empty')).toMatchObject({ type: 'file', size: 0, start: 0, sectors: 0 });
  });

  it('takes --dir (repeated), a destination ending in /, and marks ELF executables and host executables 755', async () => {
    writeFileSync(at('old.img'), new Uint8Array(64 * MiB / 16 + 7)); // an old file is replaced whole
    const r = await inProcess(['mkdisk', '-o', at('old.img'), '--dir', '/tmp/x', `${at('hello.elf')}:/bin/hello`,
      '--dir', '/usr/share', `${at('tool')}:/bin/`, `${at('a')}:/etc/deep/er/a`, '--swap', '0']);
    expect(r).toEqual({ code: 0, out: '', err: '' });
    const disk = DiskFs.open(at('old.img'));
    disk.check();
    expect(disk.sb.swapSectors).toBe(0);
    expect(statSync(at('old.img')).size).toBe(disk.sb.totalSectors * 512);
    expect(disk.list('/').map((e) => e.name)).toEqual(['bin', 'demos', 'etc', 'proc', 'tmp', 'usr']);
    expect(disk.list('/tmp/x')).toEqual([]);
    expect(disk.list('/usr/share')).toEqual([]);
    expect(disk.list('/bin').map((e) => e.name)).toEqual(['hello', 'tool']);
    expect(disk.stat('/bin/hello').mode).toBe(0o755);
    expect(disk.stat('/bin/tool').mode).toBe(0o755);
    expect(disk.stat('/etc/deep/er/a').mode).toBe(0o644);
    expect(disk.readFile('/bin/hello')).toEqual(new Uint8Array(readFileSync(at('hello.elf'))));
  });

  it('boots as the machine\'s disk: the boot record and SIZE give its sectors, and a guest reads the superblock', () => {
    writeFileSync(at('probe.s'), `section .text
global _start
_start:
    mov esi, [ebx + 8]             ; disk sectors, from the boot record
    mov [0x300000], esi
    mov dx, 0x1f3
    in eax, dx                     ; SIZE
    mov [0x300004], eax
    xor eax, eax
    mov dx, 0x1f0
    out dx, eax                    ; SECTOR 0
    mov eax, 1
    mov dx, 0x1f1
    out dx, eax                    ; COUNT 1
    mov eax, 0x200000
    mov dx, 0x1f2
    out dx, eax                    ; ADDRESS
    mov eax, 1
    mov dx, 0x1f7
    out dx, eax                    ; READ
.wait:
    in eax, dx
    test eax, 4                    ; DONE
    jz .wait
    test eax, 2                    ; ERROR
    jnz .bad
    cmp dword [0x200000], 0x38594f54   ; "TOY8"
    jne .bad
    cmp dword [0x200004], 0x00534636   ; "6FS", NUL
    jne .bad
    cmp esi, [0x20000c]            ; the superblock's total sectors
    jne .bad
    mov al, 0
    out 0xf4, al
.bad:
    mov al, 1
    out 0xf4, al
`);
    const kernel = linkSources([at('probe.s')], { base: 0x100000 });
    const sectors = DiskFs.open(at('img')).sb.totalSectors;
    const img = openDiskImage(at('img'), false);
    try {
      const m = new Machine({ disk: img, diskLatency: 100 });
      m.loadKernel(kernel);
      expect(m.readPhys32(0x9008)).toBe(sectors);
      expect(m.run(1_000_000)).toEqual({ kind: 'poweroff', code: 0 });
      expect(m.readPhys32(0x300000)).toBe(sectors);
      expect(m.readPhys32(0x300004)).toBe(sectors);
    } finally {
      img.close();
    }
  });

  it('says what is wrong in one line through the real command: a missing file, exit code 1', async () => {
    const [, , missing] = await real;
    oneLine(missing, 1, /^toy86 mkdisk: cannot read 'nope': no such file$/m);
  });

  it('says what is wrong in one line, exit code 1 for files and 2 for usage', async () => {
    writeFileSync(at('big'), '');
    truncateSync(at('big'), 256 * MiB + 1); // sparse: nothing is read
    const cases: [string[], 1 | 2, RegExp][] = [
      [['mkdisk', '-o', at('x.img'), `${at('nope')}:/bin/nope`], 1, /cannot read '.*nope': no such file/],
      [['mkdisk', '-o', at('x.img'), `${at('a')}:/bin/${'n'.repeat(28)}`], 2, /'n{28}' is 28 bytes long; a name is at most 27 bytes/],
      [['mkdisk', '-o', at('x.img'), `${at('adir')}:/bin/d`], 1, /cannot read '.*adir': is a directory/],
      [['mkdisk', '-o', at('x.img'), `${at('big')}:/bin/big`], 1, /'.*big' is 268435457 bytes; a file is at most 256 MiB/],
      [['mkdisk', '-o', at('no/such/dir/x.img'), `${at('a')}:/bin/a`], 1, /cannot write '.*x\.img': no such directory/],
      [['mkdisk', '-o', at('adir'), `${at('a')}:/bin/a`], 1, /cannot write '.*adir': is a directory/],
      [['mkdisk', '-o', at('x.img'), `${at('a')}:/bin/a`, `${at('b')}:/bin/a`], 2, /'\/bin\/a' is given twice/],
      [['mkdisk', '-o', at('x.img'), `${at('a')}:/bin`], 2, /'\/bin' is a directory, so a file cannot go there/],
      [['mkdisk', '-o', at('x.img'), `${at('a')}:/etc/a`, `${at('b')}:/etc/a/b`], 2, /'\/etc\/a' is a file/],
      [['mkdisk', '-o', at('x.img'), `${at('a')}:/bin/a b`], 2, /printable ASCII/],
      [['mkdisk', '-o', at('x.img'), '--swap', '1G'], 2, /the image would be .*; an image is at most 1024 MiB/],
      [['mkdisk', '-o', at('x.img'), '--swap', 'lots'], 2, /--swap: 'lots' is not a size/],
      [['mkdisk', '-o', at('x.img'), '--swap', '1000'], 2, /--swap: 1000 is not a whole number of 4 KiB pages/],
      [['mkdisk', '-o', at('x.img'), '--dir', 'etc'], 2, /directory 'etc' is not an absolute path/],
      [['mkdisk', at('a') + ':/bin/a'], 2, /give the output image with -o IMAGE/],
      [['mkdisk', '-o', at('x.img'), at('a')], 2, /give a host file and where it goes, as HOST:\/dest\/path/],
      [['mkdisk', '-o', at('x.img'), `${at('a')}:bin/a`], 2, /HOST:\/dest\/path/],
      [['mkdisk', '-o', at('x.img'), '-o', at('y.img')], 2, /give -o and --swap once each/],
      [['mkdisk', '-o', at('x.img'), '--frobnicate'], 2, /^toy86: Unknown argument: frobnicate/],
    ];
    for (const [args, code, message] of cases) {
      const r = await inProcess(args);
      oneLine(r, code, message);
    }
    // Nothing was written for a refused command.
    expect(() => statSync(at('x.img'))).toThrow();
  });
});
