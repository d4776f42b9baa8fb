// execve (SPEC §4.2, §4.3, §4.5): replaces a process's memory with a program, lazily. Nothing of
// the program is read here but its ELF headers: each PT_LOAD segment becomes a file-backed region
// (text read-only, data writable with its bss zero-filled), then a heap region (brk) and a stack
// region; pages come in on first touch (vm.ts pagein). The stack is laid out as Linux i386 does:
// argc, the argv pointers, NULL, (no environment) NULL, the strings above.

import { KERNBASE, PGSIZE, USERTOP, USTACK_MAX, SEL_UCODE, SEL_UDATA } from './memlayout';
import { TrapFrame } from './trap';
import { setupkvm, freevm, switchpgdir, newregion, NREGION, Region, PROT_READ, PROT_WRITE, PROT_EXEC, REGION_TEXT, REGION_DATA, REGION_HEAP, REGION_STACK } from './vm';
import { readi } from './fs';
import { Proc, regions, setname } from './proc';

const ELF_MAGIC: u32 = 0x464c457f;
const PT_LOAD: u32 = 1;
const PF_W: u32 = 2;
const MAXARG: u32 = 32;

/** The ELF header and program headers being read (one exec at a time: the kernel is not preempted). */
const hdr = memory.data(512, 4);
/** The new program's regions, before they replace the old ones. */
const newregions = memory.data(16 * 32, 4);
/** The argument strings, copied out of the old address space. */
const argbuf = memory.data(4096, 4);
const argoff = memory.data(4 * 32, 4);

/**
 * Runs the program in inode ino with argc strings whose addresses are at argv (addresses the
 * kernel can read now). Returns 0, or a negative errno with the process unchanged.
 */
export function exec(p: Proc, ino: u32, argv: usize, argc: u32): i32 {
  if (argc > MAXARG) return -7; // E2BIG
  // The arguments first, while the old address space is there.
  let used: u32 = 0;
  for (let i: u32 = 0; i < argc; i++) {
    const s = load<usize>(argv, i * 4);
    store<u32>(argoff, used, i * 4);
    let k: u32 = 0;
    while (true) {
      if (used >= 4096) return -7;
      const c = load<u8>(s, k);
      store<u8>(argbuf, c, used);
      used++;
      k++;
      if (c == 0) break;
    }
  }
  // The headers.
  if (readi(ino, hdr, 0, 512) < 52 || load<u32>(hdr) != ELF_MAGIC) return -8; // ENOEXEC
  const entry = load<u32>(hdr, 24);
  const phoff = load<u32>(hdr, 28);
  const phnum = load<u16>(hdr, 44);
  // The program headers must lie in the 512 bytes read (phoff alone first: phoff + phnum × 32
  // could wrap round to a small number, and the headers be looked for outside the buffer).
  if (phoff > 512 || phnum > 16 || phoff + phnum * 32 > 512) return -8;
  for (let k: u32 = 0; k < NREGION * sizeof<Region>(); k += 4) store<u32>(newregions, 0, k);
  let top: usize = 0;
  for (let i: u32 = 0; i < phnum; i++) {
    const ph = hdr + phoff + i * 32;
    if (load<u32>(ph) != PT_LOAD) continue;
    const off = load<u32>(ph, 4), va = load<u32>(ph, 8), filesz = load<u32>(ph, 16), memsz = load<u32>(ph, 20), flags = load<u32>(ph, 24);
    // A segment may not reach into the stack's 8 MiB: the stack region below would overlap it,
    // and the arguments written at the top of the stack would land in the segment's pages.
    if (memsz < filesz || va + memsz < va || va + memsz > USERTOP - USTACK_MAX || va < PGSIZE || (off & 0xfff) != (va & 0xfff)) return -8;
    const start = va & ~0xfff;
    const end = (va + memsz + PGSIZE - 1) & ~0xfff;
    const writable = (flags & PF_W) != 0;
    const r = newregion(newregions, start, end, PROT_READ | (writable ? PROT_WRITE : PROT_EXEC), writable ? REGION_DATA : REGION_TEXT);
    if (changetype<usize>(r) == 0) return -8;
    r.ino = ino;
    r.off = off - (va - start);
    r.filesz = filesz + (va - start);
    if (end > top) top = end;
  }
  if (top == 0) return -8;
  // The heap starts empty after the program; the stack may grow to 8 MiB below the top.
  const heap = newregion(newregions, top, top, PROT_READ | PROT_WRITE, REGION_HEAP);
  const stack = newregion(newregions, USERTOP - USTACK_MAX, USERTOP, PROT_READ | PROT_WRITE, REGION_STACK);
  if (changetype<usize>(heap) == 0 || changetype<usize>(stack) == 0) return -8; // too many segments

  // Commit: the new address space replaces the old one.
  const pd = setupkvm(p.pid);
  if (pd == 0) return -12;
  const old = p.pgdir;
  p.pgdir = pd;
  switchpgdir(pd);
  if (old != 0) freevm(old);
  const rt = regions(p);
  for (let k: u32 = 0; k < NREGION * sizeof<Region>(); k += 4) store<u32>(rt, load<u32>(newregions, k), k);
  p.brkbase = top;
  p.brk = top;
  p.minflt = 0;
  p.majflt = 0;

  // The stack (its pages come in as these writes touch them).
  let sp: usize = USERTOP - ((used + 3) & ~3);
  const strings = sp;
  for (let k: u32 = 0; k < used; k++) store<u8>(strings, load<u8>(argbuf, k), k);
  sp -= (argc + 3) * 4;
  store<u32>(sp, argc);
  for (let i: u32 = 0; i < argc; i++) store<usize>(sp, strings + load<u32>(argoff, i * 4), 4 + i * 4);
  store<u32>(sp, 0, 4 + argc * 4);      // argv's NULL
  store<u32>(sp, 0, 8 + argc * 4);      // the environment's NULL

  // The name: the last part of argv[0].
  let base: u32 = 0;
  for (let k: u32 = 0; load<u8>(argbuf, k) != 0; k++) if (load<u8>(argbuf, k) == 47) base = k + 1;
  setname(p, argbuf + base);

  const tf = changetype<TrapFrame>(p.tf);
  tf.eip = entry;
  tf.esp = sp;
  tf.cs = SEL_UCODE;
  tf.ss = SEL_UDATA;
  tf.eflags = 0x202;
  tf.eax = 0; tf.ebx = 0; tf.ecx = 0; tf.edx = 0; tf.esi = 0; tf.edi = 0; tf.ebp = 0;
  return 0;
}
