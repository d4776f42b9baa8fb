// The kernel's side of docs/disk.md: the reader written there in the TypeScript subset ("Reading a
// path") is taken from the document itself, compiled with `toy86 cc --kernel` and run on the
// machine with an image from mkdisk as its disk. It must find every path the host's reader finds,
// read any range of any file, and answer 0 for what is not there.

import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ccCommand } from '../../tools/cc/driver.js';
import { buildImage } from '../../tools/mkdisk/build.js';
import { parseImage } from '../../tools/mkdisk/fs.js';
import { Machine } from '../../emulator/machine.js';
import { memoryDisk } from '../../emulator/host/diskimage.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PARAM = 0x280000;   // off, n, then the path at PARAM + 0x100
const OUT = 0x300000;     // fsInit's result, the inode, readi's count, then the bytes at OUT + 0x1000

/** The ```ts block of docs/disk.md's "Reading a path". */
function documentedReader(): string {
  const md = readFileSync(join(ROOT, 'docs', 'disk.md'), 'utf8');
  const section = md.slice(md.indexOf('## Reading a path'));
  const m = /```ts\n([\s\S]*?)```/.exec(section);
  if (!m) throw new Error('docs/disk.md has no ```ts block under "Reading a path"');
  return m[1];
}

const DISK_TS = `// Polling one-sector reads (docs/devices.md): the test's stand-in for the kernel's driver.
export function readSector(sector: u32, buf: usize): void {
  outl(0x1f0, sector);
  outl(0x1f1, 1);
  outl(0x1f2, buf);
  outl(0x1f7, 1);
  while ((inl(0x1f7) & 4) == 0) {}
}
`;

const MAIN_TS = `import { fsInit, namei, readi } from './fs';
// Looks up each of the NUL-terminated paths at PARAM + 0x100 (an empty one ends the list), and
// reads bytes [PARAM] .. [PARAM] + [PARAM + 4] - 1 of the first.
export function kmain(): void {
  const ok = fsInit();
  store<u32>(${OUT}, ok ? 1 : 0);
  if (!ok) return;
  let p: usize = ${PARAM + 0x100};
  let i: u32 = 0;
  while (load<u8>(p) != 0) {
    const ino = namei(p);
    store<u32>(${OUT + 0x10} + i * 4, ino);
    if (i == 0 && ino != 0) store<u32>(${OUT + 8}, readi(ino, ${OUT + 0x1000}, load<u32>(${PARAM}), load<u32>(${PARAM + 4})));
    while (load<u8>(p) != 0) p++;
    p++;
    i++;
  }
}
`;

const START_S = `section .text
global _start
extern kmain
_start:
    mov esp, 0x200000
    call kmain
    mov al, 0
    out 0xf4, al
`;

const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 13 + seed + (i >> 8)) & 0xff);

let dir = '';
let kernel: Uint8Array;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'toy86-mkdisk-guest-'));
  writeFileSync(join(dir, 'fs.ts'), documentedReader());
  writeFileSync(join(dir, 'disk.ts'), DISK_TS);
  writeFileSync(join(dir, 'main.ts'), MAIN_TS);
  writeFileSync(join(dir, 'start.s'), START_S);
  const out = join(dir, 'reader.elf');
  ccCommand({ inputs: ['main.ts', 'fs.ts', 'disk.ts', 'start.s'].map((f) => join(dir, f)), output: out, kernel: true });
  kernel = readFileSync(out);
});
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

interface Answer { ok: number; inos: number[]; count: number; data: Uint8Array }

/** Boots the reader on `image` and asks it for the inode of each path, and bytes off .. off + n - 1 of the first. */
function ask(image: Uint8Array, paths: string[], off = 0, n = 0): Answer {
  const m = new Machine({ disk: memoryDisk(image), diskLatency: 20, memSize: 4 << 20 });
  m.loadKernel(kernel);
  m.writePhys32(PARAM, off);
  m.writePhys32(PARAM + 4, n);
  m.writePhys(PARAM + 0x100, new TextEncoder().encode(paths.map((p) => p + '\0').join('') + '\0'));
  m.writePhys(OUT, new Uint8Array(16).fill(0xee));
  expect(m.run(100_000_000), paths[0]).toEqual({ kind: 'poweroff', code: 0 });
  const ok = m.readPhys32(OUT);
  const inos = ok ? paths.map((_, i) => m.readPhys32(OUT + 0x10 + 4 * i)) : [];
  const count = inos[0] ? m.readPhys32(OUT + 8) : 0;
  return { ok, inos, count, data: m.readPhys(OUT + 0x1000, count) };
}

describe('the kernel-side reader of docs/disk.md, on the machine', () => {
  const files = [
    { path: '/bin/sh', data: bytes(9000, 1), mode: 0o755 },
    { path: '/etc/motd', data: new TextEncoder().encode('Welcome to toy86!\n') },
    { path: '/etc/empty', data: new Uint8Array(0) },
    { path: '/demos/sizes/f511', data: bytes(511, 2) },
    { path: '/demos/sizes/f512', data: bytes(512, 3) },
    { path: '/demos/sizes/f513', data: bytes(513, 4) },
    { path: '/x/' + 'n'.repeat(27), data: bytes(40, 5) },
    // Enough entries that /many spans several sectors (16 entries a sector).
    ...Array.from({ length: 40 }, (_, i) => ({ path: `/many/file${String(i).padStart(2, '0')}`, data: bytes(i + 1, i) })),
  ];
  const image = buildImage({ files, swapBytes: 64 * 1024 });
  const host = parseImage(image);

  it('finds every path the host reader finds, "." and ".." included', () => {
    const tree = host.walk();
    expect(ask(image, tree.map((e) => e.path)).inos).toEqual(tree.map((e) => e.inode.ino));
    expect(ask(image, ['/many/./../bin//sh', '/many/file39', '/demos/sizes/..']).inos)
      .toEqual([host.lookup('/bin/sh'), host.lookup('/many/file39'), host.lookup('/demos')]);
  });

  it('reads whole files and ranges across sector boundaries, clipped at the end', () => {
    for (const f of files.slice(0, 7)) {
      const a = ask(image, [f.path], 0, 100_000);
      expect(a.count, f.path).toBe(f.data.length);
      expect(a.data, f.path).toEqual(f.data);
    }
    const sh = files[0].data;
    expect(ask(image, ['/bin/sh'], 500, 1100).data).toEqual(sh.subarray(500, 1600));
    expect(ask(image, ['/bin/sh'], 8990, 100).data).toEqual(sh.subarray(8990));
    expect(ask(image, ['/bin/sh'], 9000, 10).count).toBe(0);
  });

  it('answers 0 for what is not there, a file used as a directory, a name longer than 27 bytes', () => {
    const missing = ['/nope', '/bin/nope', '/etc/motd/x', '/x/' + 'n'.repeat(28), '/x/' + 'n'.repeat(26), '/many/file4'];
    const a = ask(image, missing);
    expect(a.ok).toBe(1);
    expect(a.inos).toEqual(missing.map(() => 0));
  });

  it('refuses a disk without the magic', () => {
    const blank = new Uint8Array(image.length);
    expect(ask(blank, ['/bin/sh']).ok).toBe(0);
  });
});
