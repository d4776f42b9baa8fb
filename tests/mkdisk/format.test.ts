// The disk format of docs/disk.md, through the writer (tools/mkdisk/build.ts) and the reader
// (tools/mkdisk/fs.ts): files of awkward sizes in nested directories come back byte for byte, the
// superblock, inodes and directory entries sit at the documented offsets (read here with literal
// numbers, as a kernel would), a path is found by the documented walk from the root inode, the
// layout is deterministic, and every mistake in the input is an MkdiskError with a clear line.

import { describe, it, expect } from 'vitest';
import { buildDisk, buildImage, MkdiskError, type DiskFile, type DiskSpec } from '../../tools/mkdisk/build.js';
import { DiskFs, FsError, parseImage } from '../../tools/mkdisk/fs.js';

const KiB = 1024;
const MiB = 1024 * KiB;

/** Deterministic bytes that differ from file to file and from sector to sector. */
function bytes(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    b[i] = x & 0xff;
  }
  return b;
}

const SIZES = [0, 1, 511, 512, 513, 100 * KiB];
const FILES: DiskFile[] = [
  ...SIZES.map((n, i) => ({ path: `/data/sizes/f${n}`, data: bytes(n, i + 1) })),
  { path: '/bin/sh', data: bytes(9000, 10), mode: 0o755 },
  { path: '/bin/ls', data: bytes(4096, 11), mode: 0o755 },
  { path: '/demos/segv', data: bytes(4097, 12), mode: 0o755 },
  { path: '/etc/motd', data: new TextEncoder().encode('Welcome to toy86.\n') },
  { path: '/a/b/c/d/deep', data: bytes(3, 13) },
  { path: '/x-27-bytes-long-file-name.0', data: bytes(27, 14) }, // 27 bytes: the longest name
];
const SPEC: DiskSpec = { files: FILES, dirs: ['/empty', '/a/b/other'], swapBytes: 1 * MiB };

const u32 = (img: Uint8Array, off: number) => new DataView(img.buffer, img.byteOffset).getUint32(off, true);
const ascii = (img: Uint8Array, off: number, n: number) => String.fromCharCode(...img.subarray(off, off + n));

/**
 * The kernel's way (docs/disk.md, "Reading a path"): only whole sectors and u32 loads at the
 * documented offsets, nothing from the writer or the reader.
 */
function kernelLookup(img: Uint8Array, path: string): number {
  const sector = (n: number) => img.subarray(n * 512, n * 512 + 512);
  const load = (s: Uint8Array, off: number) => u32(s, off);
  const sb = sector(0);
  if (load(sb, 0) !== 0x38594f54 || load(sb, 4) !== 0x00534636 || load(sb, 8) !== 1) return 0;
  const inodeStart = load(sb, 36);
  const inodeField = (ino: number, off: number) => load(sector(inodeStart + (ino >>> 3)), (ino & 7) * 64 + off);
  let ino = load(sb, 32);
  for (const name of path.split('/')) {
    if (name === '') continue;
    if (inodeField(ino, 0) !== 2) return 0; // not a directory
    const size = inodeField(ino, 4);
    const start = inodeField(ino, 8);
    let found = 0;
    for (let off = 0; off < size && found === 0; off += 32) {
      const s = sector(start + (off >>> 9));
      const e = off & 511;
      if (load(s, e) === 0) continue;
      let j = 0;
      while (j < name.length && s[e + 4 + j] === name.charCodeAt(j)) j++;
      if (j === name.length && s[e + 4 + j] === 0) found = load(s, e);
    }
    if (found === 0) return 0;
    ino = found;
  }
  return ino;
}

/** Byte k of a file is byte k % 512 of sector start + k / 512. */
function kernelRead(img: Uint8Array, ino: number): Uint8Array {
  const inodeStart = u32(img, 36);
  const at = (inodeStart + (ino >>> 3)) * 512 + (ino & 7) * 64;
  const size = u32(img, at + 4);
  const start = u32(img, at + 8);
  const out = new Uint8Array(size);
  for (let k = 0; k < size; k++) out[k] = img[(start + (k >>> 9)) * 512 + (k & 511)];
  return out;
}

describe('mkdisk: the image', () => {
  const img = buildImage(SPEC);
  const disk = parseImage(img);

  it('gives back every file byte for byte, sizes 0, 1, 511, 512, 513 and 100 KiB among them', () => {
    disk.check();
    for (const f of FILES) {
      expect(disk.readFile(f.path), f.path).toEqual(f.data);
      const n = disk.stat(f.path);
      expect(n.type).toBe('file');
      expect(n.size).toBe(f.data.length);
      expect(n.sectors).toBe(Math.ceil(f.data.length / 4096) * 8);
      expect(n.start % 8).toBe(0);
      if (f.data.length === 0) expect(n.start).toBe(0);
      expect(n.mode).toBe(f.mode ?? 0o644);
      expect(n.nlink).toBe(1);
    }
  });

  it('has the standard directories and the directories asked for, nested, with . and ..', () => {
    expect(disk.list('/').map((e) => e.name)).toEqual(['a', 'bin', 'data', 'demos', 'empty', 'etc', 'proc', 'x-27-bytes-long-file-name.0']);
    expect(disk.list('/bin').map((e) => e.name)).toEqual(['ls', 'sh']);
    expect(disk.list('/data/sizes').map((e) => e.name)).toEqual(SIZES.map((n) => `f${n}`).sort());
    expect(disk.list('/empty')).toEqual([]);
    expect(disk.list('/a/b').map((e) => e.name)).toEqual(['c', 'other']);
    const root = disk.readdir('/');
    expect(root.slice(0, 2)).toEqual([{ name: '.', ino: 1 }, { name: '..', ino: 1 }]);
    const b = disk.lookup('/a/b')!;
    expect(disk.readdir('/a/b/c').slice(0, 2)).toEqual([{ name: '.', ino: disk.lookup('/a/b/c') }, { name: '..', ino: b }]);
    expect(disk.lookup('/a/b/c/../../b/./other')).toBe(disk.lookup('/a/b/other'));
    // Links: 2 + subdirectories for a directory.
    expect(disk.stat('/').nlink).toBe(2 + 8 - 1);
    expect(disk.stat('/a/b').nlink).toBe(4);
    expect(disk.stat('/empty')).toMatchObject({ type: 'dir', nlink: 2, size: 64, mode: 0o755 });
    expect(disk.walk().map((e) => e.path)).toContain('/a/b/c/d/deep');
  });

  it('has the superblock of docs/disk.md at its byte offsets, and a swap area of the size asked for', () => {
    expect(ascii(img, 0, 8)).toBe('TOY86FS\0');
    const total = u32(img, 12);
    expect(img.length).toBe(total * 512);
    expect(u32(img, 8)).toBe(1);                      // version
    expect(u32(img, 16)).toBe(0);                     // filesystem start
    const fsSectors = u32(img, 20);
    const swapStart = u32(img, 24);
    const swapSectors = u32(img, 28);
    expect(swapSectors).toBe(MiB / 512);
    expect(swapStart + swapSectors).toBe(total);
    expect(swapStart).toBeGreaterThanOrEqual(fsSectors);
    expect(swapStart % 8).toBe(0);
    expect(img.subarray(swapStart * 512).every((b) => b === 0)).toBe(true);
    expect(u32(img, 32)).toBe(1);                     // root inode
    expect(u32(img, 36)).toBe(1);                     // inode table
    expect(u32(img, 40)).toBe(disk.walk().length + 1); // slots, slot 0 included
    expect(u32(img, 44)).toBe(64);
    expect(u32(img, 48)).toBe(32);
    const dataStart = u32(img, 52);
    expect(dataStart % 8).toBe(0);
    expect(dataStart).toBeGreaterThanOrEqual(1 + Math.ceil((u32(img, 40) * 64) / 512));
    expect(img.subarray(56, 512).every((b) => b === 0)).toBe(true);
    expect(disk.sb).toEqual({
      version: 1, totalSectors: total, fsStart: 0, fsSectors, swapStart, swapSectors, rootIno: 1, inodeStart: 1,
      inodeCount: u32(img, 40), inodeSize: 64, direntSize: 32, dataStart,
    });
  });

  it('has inodes and directory entries at their byte offsets', () => {
    const ino = disk.lookup('/etc/motd')!;
    const at = 512 + ino * 64;
    expect(u32(img, at)).toBe(1);                     // a file
    expect(u32(img, at + 4)).toBe(18);
    const start = u32(img, at + 8);
    expect(u32(img, at + 12)).toBe(8);
    expect(u32(img, at + 16)).toBe(0o644);
    expect(u32(img, at + 20)).toBe(1);
    expect(img.subarray(at + 24, at + 64).every((b) => b === 0)).toBe(true);
    expect(ascii(img, start * 512, 18)).toBe('Welcome to toy86.\n');
    const etc = disk.stat('/etc');
    const d = etc.start * 512;
    expect(u32(img, 512 + etc.ino * 64)).toBe(2);     // a directory
    expect(etc.size).toBe(3 * 32);
    expect([u32(img, d), ascii(img, d + 4, 28)]).toEqual([etc.ino, '.'.padEnd(28, '\0')]);
    expect([u32(img, d + 32), ascii(img, d + 36, 28)]).toEqual([1, '..'.padEnd(28, '\0')]);
    expect([u32(img, d + 64), ascii(img, d + 68, 28)]).toEqual([ino, 'motd'.padEnd(28, '\0')]);
    expect(img.subarray(512, 512 + 64).every((b) => b === 0)).toBe(true); // slot 0
  });

  it('is read by the walk a kernel does: from the root inode, sector by sector', () => {
    for (const { path, inode } of disk.walk()) {
      expect(kernelLookup(img, path), path).toBe(inode.ino);
      if (inode.type === 'file') expect(kernelRead(img, inode.ino), path).toEqual(disk.readFile(path));
    }
    expect(kernelLookup(img, '/bin/nope')).toBe(0);
    expect(kernelLookup(img, '/etc/motd/x')).toBe(0);
    expect(kernelLookup(img, '/x-27-bytes-long-file-name')).toBe(0); // a prefix of a name is not the name
  });

  it('is deterministic: the same files in any order give the same bytes', () => {
    const again = buildImage({ ...SPEC, files: [...FILES].reverse(), dirs: [...SPEC.dirs!].reverse() });
    expect(Buffer.compare(Buffer.from(again), Buffer.from(img))).toBe(0);
  });

  it('takes any whole number of 4 KiB pages of swap, 0 included; 32 MiB by default', () => {
    const none = buildImage({ files: [{ path: '/bin/x', data: bytes(100, 1) }], swapBytes: 0 });
    const d = parseImage(none);
    d.check();
    expect(d.sb.swapSectors).toBe(0);
    expect(d.sb.swapStart).toBe(d.sb.totalSectors);
    expect(d.sb.fsSectors).toBe(d.sb.totalSectors);
    expect(buildDisk({ swapBytes: 4096 }).swapSectors).toBe(8);
    const dflt = buildDisk({});
    expect(dflt.swapSectors * 512).toBe(32 * MiB);
    expect(dflt.totalSectors).toBe(dflt.swapStart + 65536);
    // A disk with nothing asked for still has the standard directories.
    const bare = parseImage(buildImage({ swapBytes: 0 }));
    bare.check();
    expect(bare.list('/').map((e) => e.name)).toEqual(['bin', 'demos', 'etc', 'proc']);
  });
});

describe('mkdisk: mistakes', () => {
  const file = (path: string, n = 1): DiskFile => ({ path, data: bytes(n, 1) });
  const cases: [string, DiskSpec, 1 | 2, RegExp][] = [
    ['a name of 28 bytes', { files: [file('/bin/' + 'n'.repeat(28))] }, 2, /'n{28}' is 28 bytes long; a name is at most 27 bytes/],
    ['a directory name of 28 bytes', { dirs: ['/' + 'd'.repeat(28) + '/x'] }, 2, /at most 27 bytes/],
    ['the same path twice', { files: [file('/bin/a'), file('/bin/a', 2)] }, 2, /'\/bin\/a' is given twice/],
    ['a file where a directory is', { files: [file('/bin')] }, 2, /'\/bin' is a directory/],
    ['a file under a file', { files: [file('/etc/motd'), file('/etc/motd/x')] }, 2, /'\/etc\/motd' is a file, so '\/etc\/motd\/x' cannot be made/],
    ['a file where a directory asked for is', { files: [file('/etc/motd')], dirs: ['/etc/motd'] }, 2, /'\/etc\/motd' is a directory, so a file cannot go there/],
    ['a relative path', { files: [file('bin/a')] }, 2, /'bin\/a' is not an absolute path/],
    ['a path ending in /', { files: [file('/bin/')] }, 2, /ends with '\/'/],
    ['the root as a file', { files: [file('/')] }, 2, /ends with '\/'/],
    ['a name ..', { files: [file('/bin/../a')] }, 2, /'\.\.' is reserved/],
    ['a name .', { dirs: ['/./x'] }, 2, /'\.' is reserved/],
    ['a name with a space', { files: [file('/bin/a b')] }, 2, /printable ASCII/],
    ['a name that is not ASCII', { files: [file('/bin/café')] }, 2, /printable ASCII/],
    ['a name with a colon', { files: [file('/bin/a:b')] }, 2, /':'/],
    ['swap that is not whole pages', { swapBytes: 1000 }, 2, /--swap: 1000 bytes is not a whole number of 4 KiB pages/],
    ['an image larger than 1 GiB', { swapBytes: 1024 * MiB }, 2, /the image would be 1048600 KiB \(filesystem 24 KiB, swap 1024 MiB\); an image is at most 1024 MiB/],
  ];
  for (const [what, spec, code, message] of cases) {
    it(`refuses ${what} with one line`, () => {
      let err: unknown;
      try { buildDisk(spec); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(MkdiskError);
      const e = err as MkdiskError;
      expect(e.code).toBe(code);
      expect(e.message).toMatch(message);
      expect(e.message).not.toMatch(/\n/);
    });
  }

  it('takes a name of exactly 27 bytes, and a directory given twice or named by a file path', () => {
    const n27 = 'n'.repeat(27);
    const d = parseImage(buildImage({ files: [file(`/bin/${n27}`)], dirs: ['/bin', '/bin', '/x/y', '/x'], swapBytes: 0 }));
    d.check();
    expect(d.list('/bin').map((e) => e.name)).toEqual([n27]);
    expect(d.list('/x').map((e) => e.name)).toEqual(['y']);
  });
});

describe('mkdisk: the reader on a bad image', () => {
  const good = buildImage({ files: [{ path: '/bin/a', data: bytes(600, 3) }], swapBytes: 4096 });
  const broken = (edit: (b: Uint8Array, v: DataView) => void) => {
    const b = good.slice();
    edit(b, new DataView(b.buffer));
    return b;
  };
  const fsError = (f: () => unknown, message: RegExp) => {
    let err: unknown;
    try { f(); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(FsError);
    expect((err as Error).message).toMatch(message);
  };

  it('refuses what is not a toy86 image, another version, a truncated image', () => {
    fsError(() => parseImage(new Uint8Array(4096)), /no TOY86FS magic/);
    fsError(() => parseImage(new Uint8Array(10)), /less than one sector/);
    fsError(() => parseImage(broken((_, v) => v.setUint32(8, 2, true))), /version 2/);
    fsError(() => parseImage(good.subarray(0, 4096)), /truncated/);
    fsError(() => parseImage(broken((_, v) => v.setUint32(40, 100000, true))), /inode table/);
    fsError(() => DiskFs.open('/nonexistent/disk.img'), /cannot read '\/nonexistent\/disk.img': no such file/);
  });

  it('reads the filesystem without its swap area, and says what is missing or of the wrong type', () => {
    const d = parseImage(good.subarray(0, good.length - 4096));
    expect(d.readFile('/bin/a')).toEqual(bytes(600, 3));
    fsError(() => d.check(), /the image is \d+ bytes, but the superblock says/);
    d.check(false);
    expect(d.lookup('/bin/b')).toBeNull();
    expect(d.lookup('/bin/a/x')).toBeNull();
    expect(d.exists('/bin/a')).toBe(true);
    fsError(() => d.stat('/nope'), /'\/nope': no such file or directory/);
    fsError(() => d.readFile('/bin'), /'\/bin' is a directory/);
    fsError(() => d.readdir('/bin/a'), /'\/bin\/a' is not a directory/);
    fsError(() => d.inode(0), /inode 0 is not in the table/);
  });

  it('finds a broken rule: an extent outside the data area, a wrong link count, dirty padding', () => {
    const ino = parseImage(good).lookup('/bin/a')!;
    const at = 512 + ino * 64;
    fsError(() => parseImage(broken((_, v) => v.setUint32(at + 8, 100000, true))).readFile('/bin/a'), /outside the data area/);
    fsError(() => parseImage(broken((_, v) => v.setUint32(at + 20, 2, true))).check(), /has 2 links, not 1/);
    const start = parseImage(good).stat('/bin/a').start;
    fsError(() => parseImage(broken((b) => { b[start * 512 + 600] = 1; })).check(), /padding/);
    fsError(() => parseImage(broken((_, v) => v.setUint32(512 + 64 * 1 + 20, 9, true))).check(), /directory '\/' has 9 links/);
  });
});
