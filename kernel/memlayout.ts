// The memory map (SPEC §4.1): the one place every address of the kernel's design is written.
//
//   virtual                                  physical
//   0xFFFFFFFF +------------------------+
//              |  (unused)              |
//   0xE0000000 +------------------------+
//              |  all of physical RAM   |  <- the direct map: physical p at KERNBASE + p,
//              |  (up to 512 MiB)       |     4 MiB pages, supervisor-only, global, the same
//              |                        |     in every address space
//   0xC0100000 |  the kernel's image    |  <- linked here, loaded at physical 0x100000
//   0xC0000000 +------------------------+  KERNBASE = USERTOP
//              |  user stack            |  grows down on demand, at most 8 MiB
//   0xBF800000 |- - - - - - - - - - - - |  USTACK_LIMIT
//              |                        |
//              |  heap (brk), upwards   |
//              |  bss, data             |
//   0x08048000 |  text                  |  UTEXT: where programs link
//              |                        |
//   0x00001000 |                        |
//   0x00000000 +------------------------+  page 0: never mapped
//
// Physical memory: 0–0xFFFFF holds the boot record (0x9000) and nothing else the kernel needs;
// the kernel's image starts at 0x100000; the frame table follows the image; every frame after it
// is free for processes and page tables.

/** Where the kernel half of every address space starts; also the end of user space. */
export const KERNBASE: usize = 0xC0000000;
/** The kernel is linked here and loaded at KERNLINK - KERNBASE. */
export const KERNLINK: usize = 0xC0100000;
/** Programs link here (SPEC §4.1). */
export const UTEXT: usize = 0x08048000;
/** The top of user space and of the user stack. */
export const USERTOP: usize = 0xC0000000;
/** The user stack grows down on demand to at most this many bytes. */
export const USTACK_MAX: u32 = 8 * 1024 * 1024;
/** The lowest address the stack may grow to. */
export const USTACK_LIMIT: usize = 0xBF800000;

export const PGSIZE: u32 = 4096;
export const PGSHIFT: u32 = 12;
/** Bytes one page-directory entry maps. */
export const PDSIZE: u32 = 4 * 1024 * 1024;

/** The largest RAM the direct map covers (the machine's maximum, SPEC §2.6). */
export const MAXRAM: u32 = 512 * 1024 * 1024;

/** The boot record (physical; SPEC §2.6): magic, memory bytes, disk sectors, command line. */
export const BOOT_MAGIC: u32 = 0x70796f74;

// Page-table entry bits (SPEC §2.4).
export const PTE_P: u32 = 0x001;
export const PTE_W: u32 = 0x002;
export const PTE_U: u32 = 0x004;
export const PTE_A: u32 = 0x020;
export const PTE_D: u32 = 0x040;
export const PTE_PS: u32 = 0x080;
export const PTE_G: u32 = 0x100;

// Segment selectors (flat segments; SPEC §2.3).
export const SEL_KCODE: u32 = 0x08;
export const SEL_KDATA: u32 = 0x10;
export const SEL_UCODE: u32 = 0x1b;
export const SEL_UDATA: u32 = 0x23;

// I/O ports (docs/devices.md).
export const COM1: u16 = 0x3f8;
export const PIC_CMD: u16 = 0x20;
export const PIC_MASK: u16 = 0x21;
export const TIMER: u16 = 0x40;
export const POWER: u16 = 0xf4;

/** Retired instructions between timer ticks (the scheduler's quantum). */
export const TICK: u32 = 100000;
