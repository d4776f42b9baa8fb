// kmain: where entry.s arrives with paging on, on the boot stack, at the kernel's own addresses.

import { KERNBASE, BOOT_MAGIC } from './memlayout';
import { printf } from './console';
import { kinit, kallocReport } from './kalloc';
import { idtinit, picinit, panic } from './trap';
import { consinit } from './console';
import { syscallinit } from './syscall';
import { userinit, scheduler } from './proc';
import { exec } from './exec';
import { fsinit } from './fs';
import { swapinit, swaptotal, setpolicy, policyname, POLICY_FIFO, POLICY_AGING, POLICY_LRU2 } from './swap';

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

/** Whether a word of the command line starts with `prefix`. */
function cmdline_prefix(cmd: usize, prefix: string): bool {
  const w = changetype<usize>(prefix);
  let i: u32 = 0;
  while (true) {
    let j: u32 = 0;
    while (load<u8>(w, j) != 0 && load<u8>(cmd, i + j) == load<u8>(w, j)) j++;
    if (load<u8>(w, j) == 0) return true;
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
  if (!fsinit()) panic("no toy86 filesystem on the disk (toy86 mkdisk makes one)", 0);
  if (cmdline_has(cmd, "vm.policy=fifo")) setpolicy(POLICY_FIFO);
  else if (cmdline_has(cmd, "vm.policy=aging")) setpolicy(POLICY_AGING);
  else if (cmdline_has(cmd, "vm.policy=lru2")) setpolicy(POLICY_LRU2);
  else if (!cmdline_has(cmd, "vm.policy=clock") && cmdline_prefix(cmd, "vm.policy=")) {
    printf("swap: unknown vm.policy (clock, fifo, aging or lru2): clock\n");
  }
  swapinit();
  printf("swap: %u KiB, policy %s\n", swaptotal() * 4, policyname());
  // init= on the command line names the first program (toy86 run uses it); else /bin/init. As
  // with Linux, the words after `--` are its arguments.
  userinit(initpath(cmd), initargs(cmd), exec);
  scheduler();
}

/** The address of what follows " -- " on the command line (0: nothing). */
function initargs(cmd: usize): usize {
  let i: u32 = 0;
  while (load<u8>(cmd, i) != 0) {
    if ((i == 0 || load<u8>(cmd, i - 1) == 32) && load<u8>(cmd, i) == 45 && load<u8>(cmd, i + 1) == 45 && (load<u8>(cmd, i + 2) == 32 || load<u8>(cmd, i + 2) == 0)) {
      return load<u8>(cmd, i + 2) == 0 ? 0 : cmd + i + 3;
    }
    i++;
  }
  return 0;
}

const initbuf = memory.data(64, 4);

/** The value of init= on the command line, or "/bin/init". */
function initpath(cmd: usize): usize {
  let i: u32 = 0;
  while (load<u8>(cmd, i) != 0) {
    if (load<u8>(cmd, i) == 105 && load<u8>(cmd, i + 1) == 110 && load<u8>(cmd, i + 2) == 105 && load<u8>(cmd, i + 3) == 116 && load<u8>(cmd, i + 4) == 61 && (i == 0 || load<u8>(cmd, i - 1) == 32)) {
      let k: u32 = 0;
      i += 5;
      while (k < 63 && load<u8>(cmd, i) != 0 && load<u8>(cmd, i) != 32) { store<u8>(initbuf, load<u8>(cmd, i), k); k++; i++; }
      store<u8>(initbuf, 0, k);
      return initbuf;
    }
    i++;
  }
  return changetype<usize>("/bin/init");
}
