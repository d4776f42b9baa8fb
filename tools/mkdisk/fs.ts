// The reader of toy86's disk images (docs/disk.md), for the tests, the debugger and the kernel's
// tests: parse an image, look a path up from the root as the kernel does, list a directory, read a
// file, and check every rule of the format (check()).
//
//   const disk = DiskFs.open('disk.img');            // or parseImage(bytes)
//   disk.list('/bin')                                // [{ name: 'sh', ino: 5 }, ...]
//   disk.readFile('/etc/motd')                       // Uint8Array
//   disk.stat('/bin/sh')                             // { type: 'file', size, start, mode, ... }
//
// A malformed image, a missing path or a file read as a directory is an FsError with one line.

import { readFileSync } from 'node:fs';
import {
  SECTOR, BLOCK_SECTORS, MAGIC, VERSION, SB, INODE, INODE_SIZE, TYPE_FILE, TYPE_DIR, DIRENT_SIZE,
  DIRENT, NAME_FIELD, extentSectors, nameProblem,
} from './format.js';

export class FsError extends Error {}

export interface Superblock {
  version: number;
  totalSectors: number;
  fsStart: number;
  fsSectors: number;
  swapStart: number;
  swapSectors: number;
  rootIno: number;
  inodeStart: number;
  inodeCount: number;
  inodeSize: number;
  direntSize: number;
  dataStart: number;
}

export interface Inode {
  ino: number;
  type: 'file' | 'dir';
  size: number;
  /** First sector of the contents (0 when size is 0). */
  start: number;
  /** Sectors the contents occupy (a multiple of 8). */
  sectors: number;
  /** Permission bits, e.g. 0o755. */
  mode: number;
  nlink: number;
}

export interface DirEntry {
  name: string;
  ino: number;
}

export interface TreeEntry {
  path: string;
  inode: Inode;
}

/** Reads and checks the superblock (sector 0) of an image. */
export function readSuperblock(image: Uint8Array): Superblock {
  if (image.length < SECTOR) throw new FsError(`not a toy86 disk image: ${image.length} bytes, less than one sector`);
  for (let i = 0; i < MAGIC.length; i++) {
    if (image[SB.MAGIC + i] !== MAGIC.charCodeAt(i)) throw new FsError('not a toy86 disk image: no TOY86FS magic in sector 0');
  }
  const v = new DataView(image.buffer, image.byteOffset, SECTOR);
  const u = (off: number) => v.getUint32(off, true);
  const sb: Superblock = {
    version: u(SB.VERSION), totalSectors: u(SB.TOTAL_SECTORS), fsStart: u(SB.FS_START), fsSectors: u(SB.FS_SECTORS),
    swapStart: u(SB.SWAP_START), swapSectors: u(SB.SWAP_SECTORS), rootIno: u(SB.ROOT_INO),
    inodeStart: u(SB.INODE_START), inodeCount: u(SB.INODE_COUNT), inodeSize: u(SB.INODE_SIZE),
    direntSize: u(SB.DIRENT_SIZE), dataStart: u(SB.DATA_START),
  };
  const bad = (why: string) => new FsError(`malformed superblock: ${why}`);
  if (sb.version !== VERSION) throw new FsError(`toy86 disk image version ${sb.version}; this reader knows version ${VERSION}`);
  if (sb.inodeSize !== INODE_SIZE) throw bad(`inode size ${sb.inodeSize}, not ${INODE_SIZE}`);
  if (sb.direntSize !== DIRENT_SIZE) throw bad(`directory entry size ${sb.direntSize}, not ${DIRENT_SIZE}`);
  if (sb.fsStart !== 0) throw bad(`the filesystem area starts at sector ${sb.fsStart}, not 0`);
  if (sb.fsSectors > sb.totalSectors) throw bad(`the filesystem area (${sb.fsSectors} sectors) is larger than the disk (${sb.totalSectors})`);
  const tableEnd = sb.inodeStart + Math.ceil((sb.inodeCount * INODE_SIZE) / SECTOR);
  if (sb.inodeStart < 1 || sb.inodeCount < 2 || tableEnd > sb.dataStart || sb.dataStart > sb.fsSectors) {
    throw bad(`inode table at sector ${sb.inodeStart} with ${sb.inodeCount} slots does not fit before the data at sector ${sb.dataStart} in a filesystem of ${sb.fsSectors} sectors`);
  }
  if (sb.rootIno < 1 || sb.rootIno >= sb.inodeCount) throw bad(`root inode ${sb.rootIno} is not in the table`);
  if (sb.swapStart < sb.fsSectors || sb.swapStart + sb.swapSectors > sb.totalSectors) {
    throw bad(`swap area at sector ${sb.swapStart} (${sb.swapSectors} sectors) is not between the filesystem area and the end of the disk`);
  }
  if (image.length < sb.fsSectors * SECTOR) throw new FsError(`truncated disk image: ${image.length} bytes, but the filesystem area is ${sb.fsSectors * SECTOR}`);
  return sb;
}

export class DiskFs {
  readonly sb: Superblock;
  readonly image: Uint8Array;
  private readonly view: DataView;

  /** Parses an image: at least its filesystem area (the swap area may be left off). */
  constructor(image: Uint8Array) {
    // A plain Uint8Array view (a Node Buffer's slice() would not copy).
    this.image = image = new Uint8Array(image.buffer, image.byteOffset, image.byteLength);
    this.sb = readSuperblock(image);
    this.view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  }

  /** Reads an image file. */
  static open(path: string): DiskFs {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(path);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      throw new FsError(`cannot read '${path}': ${err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : err.message}`);
    }
    return new DiskFs(bytes);
  }

  private u32(off: number): number {
    return this.view.getUint32(off, true);
  }

  /** Inode `ino`, checked: a used slot whose extent lies in the data area. */
  inode(ino: number): Inode {
    const sb = this.sb;
    if (!Number.isInteger(ino) || ino < 1 || ino >= sb.inodeCount) throw new FsError(`inode ${ino} is not in the table (1 to ${sb.inodeCount - 1})`);
    const at = sb.inodeStart * SECTOR + ino * INODE_SIZE;
    const t = this.u32(at + INODE.TYPE);
    if (t !== TYPE_FILE && t !== TYPE_DIR) throw new FsError(`inode ${ino} has type ${t} (1 file, 2 directory)`);
    const n: Inode = {
      ino, type: t === TYPE_FILE ? 'file' : 'dir', size: this.u32(at + INODE.SIZE), start: this.u32(at + INODE.START),
      sectors: this.u32(at + INODE.SECTORS), mode: this.u32(at + INODE.MODE), nlink: this.u32(at + INODE.NLINK),
    };
    if (n.size > n.sectors * SECTOR) throw new FsError(`inode ${ino}: ${n.size} bytes do not fit in ${n.sectors} sectors`);
    if (n.sectors > 0 && (n.start < sb.dataStart || n.start + n.sectors > sb.fsSectors)) {
      throw new FsError(`inode ${ino}: sectors ${n.start} to ${n.start + n.sectors - 1} are outside the data area (${sb.dataStart} to ${sb.fsSectors - 1})`);
    }
    return n;
  }

  /** The contents of an inode (a view into the image, `size` bytes). */
  contents(n: Inode | number): Uint8Array {
    const i = typeof n === 'number' ? this.inode(n) : n;
    return this.image.subarray(i.start * SECTOR, i.start * SECTOR + i.size);
  }

  /** Every entry of directory `dir` (a path or an inode number), "." and ".." included, in disk order. */
  readdir(dir: string | number): DirEntry[] {
    const n = this.inode(typeof dir === 'number' ? dir : this.resolve(dir));
    if (n.type !== 'dir') throw new FsError(`${typeof dir === 'number' ? `inode ${dir}` : `'${dir}'`} is not a directory`);
    if (n.size % DIRENT_SIZE !== 0) throw new FsError(`directory inode ${n.ino}: size ${n.size} is not a whole number of ${DIRENT_SIZE}-byte entries`);
    const out: DirEntry[] = [];
    const base = n.start * SECTOR;
    for (let off = 0; off < n.size; off += DIRENT_SIZE) {
      const e = base + off;
      const ino = this.u32(e + DIRENT.INO);
      if (ino === 0) continue; // a free entry (mkdisk writes none)
      let name = '';
      let j = 0;
      while (j < NAME_FIELD && this.image[e + DIRENT.NAME + j] !== 0) name += String.fromCharCode(this.image[e + DIRENT.NAME + j++]);
      if (j === NAME_FIELD) throw new FsError(`directory inode ${n.ino}: the entry at byte ${off} has no NUL after its name`);
      out.push({ name, ino });
    }
    return out;
  }

  /** The entries of a directory without "." and "..". */
  list(dir: string | number): DirEntry[] {
    return this.readdir(dir).filter((e) => e.name !== '.' && e.name !== '..');
  }

  /** The inode number of an absolute path, walking directories from the root; null if it is not there. */
  lookup(path: string): number | null {
    if (!path.startsWith('/')) throw new FsError(`'${path}' is not an absolute path`);
    let ino = this.sb.rootIno;
    for (const name of path.split('/')) {
      if (name === '') continue;
      const n = this.inode(ino);
      if (n.type !== 'dir') return null;
      const e = this.readdir(ino).find((x) => x.name === name);
      if (!e) return null;
      ino = e.ino;
    }
    return ino;
  }

  private resolve(path: string): number {
    const ino = this.lookup(path);
    if (ino === null) throw new FsError(`'${path}': no such file or directory`);
    return ino;
  }

  /** The inode of a path; FsError if it is not there. */
  stat(path: string): Inode {
    return this.inode(this.resolve(path));
  }

  exists(path: string): boolean {
    return this.lookup(path) !== null;
  }

  /** A copy of a file's bytes. */
  readFile(path: string): Uint8Array {
    const n = this.stat(path);
    if (n.type !== 'file') throw new FsError(`'${path}' is a directory`);
    return new Uint8Array(this.contents(n));
  }

  /** Every path below the root, depth first, in disk order (the root itself first, as '/'). */
  walk(): TreeEntry[] {
    const out: TreeEntry[] = [{ path: '/', inode: this.inode(this.sb.rootIno) }];
    const seen = new Set<number>([this.sb.rootIno]);
    const visit = (ino: number, path: string) => {
      for (const e of this.list(ino)) {
        if (seen.has(e.ino)) throw new FsError(`inode ${e.ino} is reached twice (again as '${path}/${e.name}')`);
        seen.add(e.ino);
        const p = `${path}/${e.name}`;
        const n = this.inode(e.ino);
        out.push({ path: p, inode: n });
        if (n.type === 'dir') visit(e.ino, p);
      }
    };
    visit(this.sb.rootIno, '');
    return out;
  }

  /**
   * Checks every rule of docs/disk.md that mkdisk keeps; throws FsError naming the first one
   * broken. With `wholeImage` (the default) the image must be exactly totalSectors long.
   */
  check(wholeImage = true): void {
    const sb = this.sb;
    const fail = (why: string): never => { throw new FsError(why); };
    if (wholeImage && this.image.length !== sb.totalSectors * SECTOR) fail(`the image is ${this.image.length} bytes, but the superblock says ${sb.totalSectors} sectors`);
    if (sb.inodeStart !== 1) fail(`the inode table starts at sector ${sb.inodeStart}, not 1`);
    for (const [what, v] of [['data start', sb.dataStart], ['filesystem size', sb.fsSectors], ['swap start', sb.swapStart], ['swap size', sb.swapSectors]] as const) {
      if (v % BLOCK_SECTORS !== 0) fail(`the ${what} (${v} sectors) is not a multiple of ${BLOCK_SECTORS} sectors`);
    }
    if (sb.swapStart + sb.swapSectors !== sb.totalSectors) fail('the swap area does not end at the end of the disk');
    for (let off = SB.END; off < SECTOR; off++) if (this.image[off] !== 0) fail(`superblock byte ${off} is not zero`);
    const slot0 = sb.inodeStart * SECTOR;
    for (let off = 0; off < INODE_SIZE; off++) if (this.image[slot0 + off] !== 0) fail('inode slot 0 is not zero');

    const tree = this.walk();
    if (tree.length !== sb.inodeCount - 1) fail(`${tree.length} inodes are reachable from the root, but the table has ${sb.inodeCount - 1}`);
    const root = sb.rootIno;
    const extents: [number, number, number][] = [];
    for (const { path, inode: n } of tree) {
      for (let off = INODE.END; off < INODE_SIZE; off++) {
        if (this.image[slot0 + n.ino * INODE_SIZE + off] !== 0) fail(`inode ${n.ino} ('${path}'): reserved byte ${off} is not zero`);
      }
      if (n.size === 0) {
        if (n.start !== 0 || n.sectors !== 0) fail(`'${path}' is empty but has sectors ${n.start} (+${n.sectors})`);
      } else {
        if (n.sectors !== extentSectors(n.size)) fail(`'${path}': ${n.sectors} sectors for ${n.size} bytes, not ${extentSectors(n.size)}`);
        if (n.start % BLOCK_SECTORS !== 0) fail(`'${path}' starts at sector ${n.start}, not on a 4 KiB boundary`);
        extents.push([n.start, n.sectors, n.ino]);
        const end = (n.start + n.sectors) * SECTOR;
        for (let b = n.start * SECTOR + n.size; b < end; b++) if (this.image[b] !== 0) fail(`'${path}': the padding after its last byte is not zero`);
      }
      if (n.type === 'file') {
        if (n.nlink !== 1) fail(`file '${path}' has ${n.nlink} links, not 1`);
        continue;
      }
      const all = this.readdir(n.ino);
      const parent = n.ino === root ? root : this.lookup(path.slice(0, path.lastIndexOf('/')) || '/');
      if (all.length < 2 || all[0].name !== '.' || all[0].ino !== n.ino) fail(`directory '${path}' does not start with '.' naming itself`);
      if (all[1].name !== '..' || all[1].ino !== parent) fail(`directory '${path}': its second entry is not '..' naming its parent`);
      if (n.size !== all.length * DIRENT_SIZE) fail(`directory '${path}' has free entries`);
      const names = all.slice(2).map((e) => e.name);
      for (let i = 0; i < names.length; i++) {
        const why = nameProblem(names[i]);
        if (why) fail(`directory '${path}': ${why}`);
        if (i > 0 && !(names[i - 1] < names[i])) fail(`directory '${path}': '${names[i - 1]}' and '${names[i]}' are not in byte order, or repeat`);
      }
      const subdirs = all.slice(2).filter((e) => this.inode(e.ino).type === 'dir').length;
      if (n.nlink !== 2 + subdirs) fail(`directory '${path}' has ${n.nlink} links, not ${2 + subdirs}`);
      if (n.mode !== 0o755) fail(`directory '${path}' has mode ${n.mode.toString(8)}, not 755`);
    }
    extents.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < extents.length; i++) {
      if (extents[i - 1][0] + extents[i - 1][1] > extents[i][0]) fail(`inodes ${extents[i - 1][2]} and ${extents[i][2]} share sectors`);
    }
  }
}

/** Parses an image held in memory. */
export function parseImage(image: Uint8Array): DiskFs {
  return new DiskFs(image);
}
