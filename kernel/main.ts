// kmain: where entry.s arrives with paging on, on the boot stack, at the kernel's own addresses.

import { KERNBASE, BOOT_MAGIC } from './memlayout';
import { printf } from './console';
import { kinit, kallocReport } from './kalloc';
import { idtinit, picinit, panic } from './trap';
import { consinit } from './console';
import { syscallinit } from './syscall';
import { userinit, scheduler } from './proc';
import { exec } from './exec';

/** The boot record's command line contains `word` (as a whole word). */
function cmdline_has(cmd: usize, word: string): bool {
  const w = changetype<usize>(word);
  let i: u32 = 0;
  while (true) {
    // At the start of a word: compare.
    let j: u32 = 0;
    while (load<u8>(w, j) != 0 && load<u8>(cmd, i + j) == load<u8>(w, j)) j++;
    if (load<u8>(w, j) == 0 && (load<u8>(cmd, i + j) == 0 || load<u8>(cmd, i + j) == 32)) return true;
    // To the next word.
    while (load<u8>(cmd, i) != 0 && load<u8>(cmd, i) != 32) i++;
    if (load<u8>(cmd, i) == 0) return false;
    i++;
  }
}

export function kmain(boot: usize): void {
  printf("toy86 kernel\n");
  if (load<u32>(boot) != BOOT_MAGIC) panic("no boot record", 0);
  const mem = load<u32>(boot, 4);
  const cmd = KERNBASE + load<usize>(boot, 12);
  // The low 4 MiB mapping entry.s needed is gone; user space starts empty.
  const pgdir = symbol("boot_pgdir");
  store<u32>(pgdir, 0);
  lcr3(pgdir - KERNBASE);
  kinit(symbol("kernel_end"), mem);
  kallocReport();
  idtinit();
  picinit();
  consinit();
  syscallinit();
  if (cmdline_has(cmd, "panic=test")) {
    // A kernel fault on purpose: the panic path with registers and a backtrace.
    store<u32>(0x10, 1);
  }
  userinit(exec);
  scheduler();
}
