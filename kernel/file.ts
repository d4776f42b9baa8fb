// Files the kernel reads (docs/kernel.md): for now one, inode 1, the init program linked into the
// kernel's image by the build (initcode.s). The disk's filesystem comes next.

/** Bytes of inode ino from offset off into dst (kernel memory); returns the bytes read. */
export function readi(ino: u32, dst: usize, off: u32, n: u32): u32 {
  if (ino != 1) return 0;
  const size = load<u32>(symbol("initcode_size"));
  if (off >= size) return 0;
  if (n > size - off) n = size - off;
  const src = symbol("initcode") + off;
  for (let i: u32 = 0; i < n; i++) store<u8>(dst + i, load<u8>(src + i));
  return n;
}

/** The size of inode ino. */
export function isize(ino: u32): u32 {
  return ino == 1 ? load<u32>(symbol("initcode_size")) : 0;
}
