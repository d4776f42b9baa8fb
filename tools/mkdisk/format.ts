// The on-disk format of toy86's read-only filesystem (docs/disk.md), shared by the writer
// (build.ts) and the reader (fs.ts). Every number on the disk is a little-endian u32.
//
//   sector 0                    superblock
//   sectors 1 ..                inode table: 64-byte inodes, 8 a sector; slot 0 is never used
//   data start (a multiple of 8) .. fs end   file and directory contents, each one contiguous
//                                and starting on a 4 KiB boundary (a multiple of 8 sectors)
//   swap start .. total         swap area (zero-filled), a whole number of 4 KiB slots

export const SECTOR = 512;
/** Extents, the data area and the swap area are aligned to this many sectors (one 4 KiB page). */
export const BLOCK_SECTORS = 8;
export const BLOCK = SECTOR * BLOCK_SECTORS;

/** "TOY86FS" and a NUL: the superblock's first 8 bytes. */
export const MAGIC = 'TOY86FS\0';
/** The magic as two u32 words, as a kernel compares it. */
export const MAGIC0 = 0x38594f54; // "TOY8"
export const MAGIC1 = 0x00534636; // "6FS\0"
export const VERSION = 1;

/** Byte offsets of the superblock's fields (sector 0); bytes 56 to 511 are zero. */
export const SB = {
  MAGIC: 0,           // 8 bytes "TOY86FS\0"
  VERSION: 8,         // 1
  TOTAL_SECTORS: 12,  // the image's size in sectors
  FS_START: 16,       // first sector of the filesystem area (0: it holds the superblock)
  FS_SECTORS: 20,     // sectors in the filesystem area
  SWAP_START: 24,     // first sector of the swap area (a multiple of 8)
  SWAP_SECTORS: 28,   // sectors in the swap area (a multiple of 8; 0 for none)
  ROOT_INO: 32,       // the root directory's inode number (1)
  INODE_START: 36,    // first sector of the inode table (1)
  INODE_COUNT: 40,    // inode slots in the table, slot 0 included
  INODE_SIZE: 44,     // 64
  DIRENT_SIZE: 48,    // 32
  DATA_START: 52,     // first sector of the data area (a multiple of 8)
  END: 56,            // the rest of the sector is reserved (zero)
} as const;

/** Byte offsets of an inode's fields; bytes 24 to 63 are zero. */
export const INODE = {
  TYPE: 0,            // 0 unused, 1 file, 2 directory
  SIZE: 4,            // bytes
  START: 8,           // first sector of the contents (0 when the size is 0)
  SECTORS: 12,        // sectors the contents occupy: ceil(size / 4096) * 8
  MODE: 16,           // permission bits: 0o755 or 0o644
  NLINK: 20,          // links: 1 for a file, 2 + subdirectories for a directory
  END: 24,
} as const;
export const INODE_SIZE = 64;
export const INODES_PER_SECTOR = SECTOR / INODE_SIZE;

export const TYPE_FILE = 1;
export const TYPE_DIR = 2;

/** A directory entry: the inode number, then the name NUL-padded to 28 bytes. */
export const DIRENT = { INO: 0, NAME: 4 } as const;
export const DIRENT_SIZE = 32;
export const NAME_FIELD = 28;
/** The longest name, in bytes (the name field always ends with at least one NUL). */
export const NAME_MAX = 27;

export const ROOT_INO = 1;
export const MODE_EXEC = 0o755;
export const MODE_FILE = 0o644;
export const MODE_DIR = 0o755;

/** The directories every image has (SPEC §4.2): /proc is where the kernel serves its own files. */
export const STANDARD_DIRS = ['/bin', '/demos', '/etc', '/proc'];

export const MiB = 1024 * 1024;
/** The default swap area (SPEC §4.1). */
export const DEFAULT_SWAP = 32 * MiB;
/** The largest file: bigger is surely a mistake on a machine of at most 512 MiB of RAM. */
export const MAX_FILE_BYTES = 256 * MiB;
/** The largest image: the machine reads the whole image into memory when it starts. */
export const MAX_IMAGE_BYTES = 1024 * MiB;

/** Rounds a sector count up to a whole number of 4 KiB blocks. */
export function alignSectors(n: number): number {
  return Math.ceil(n / BLOCK_SECTORS) * BLOCK_SECTORS;
}

/** Sectors a file or directory of `size` bytes occupies. */
export function extentSectors(size: number): number {
  return alignSectors(Math.ceil(size / SECTOR));
}

/** Why `name` cannot be a file or directory name, or null when it can. */
export function nameProblem(name: string): string | null {
  if (name === '') return 'an empty name';
  if (name === '.' || name === '..') return `'${name}' is reserved`;
  if (name.length > NAME_MAX) return `the name '${name}' is ${name.length} bytes long; a name is at most ${NAME_MAX} bytes`;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return `the name '${name}' has a character other than printable ASCII (no spaces or control characters)`;
    if (c === 0x3a) return `the name '${name}' has a ':' (it separates a host path from its destination)`;
  }
  return null;
}
