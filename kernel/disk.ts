// The disk driver (docs/devices.md "Block device"): one request at a time by DMA to a physical
// address; a process sleeps until the completion interrupt (IRQ 14), and before the first
// process runs the kernel polls.

import { KERNBASE } from './memlayout';
import { cansleep, sleep, wakeup } from './proc';

const SECTOR_PORT: u16 = 0x1f0;
const COUNT_PORT: u16 = 0x1f1;
const ADDRESS_PORT: u16 = 0x1f2;
const SIZE_PORT: u16 = 0x1f3;
const ERROR_PORT: u16 = 0x1f4;
const STATUS_PORT: u16 = 0x1f7;
const BUSY: u32 = 1;
const ERROR: u32 = 2;
const DONE: u32 = 4;
const CMD_READ: u32 = 1;
const CMD_WRITE: u32 = 2;

/** A request is in flight (others wait their turn). */
let busy = false;
/** The in-flight request's status, once it completed (0: not yet). */
let finished: u32 = 0;
/** Disk reads and writes done (for /proc/vmstat). */
export let diskreads: u32 = 0;
export let diskwrites: u32 = 0;

const chan = memory.data(4, 4);

export function disksize(): u32 {
  return inl(SIZE_PORT);
}

/**
 * Reads (or writes) count sectors starting at sector to or from kernel memory at buf (its
 * physical address is buf − KERNBASE). Returns 0, or the device's error code.
 */
export function diskrw(sector: u32, count: u32, buf: usize, write: bool): u32 {
  const polling = !cansleep();  // before the scheduler runs
  while (busy) sleep(chan);
  busy = true;
  finished = 0;
  outl(SECTOR_PORT, sector);
  outl(COUNT_PORT, count);
  outl(ADDRESS_PORT, buf - KERNBASE);
  outl(STATUS_PORT, write ? CMD_WRITE : CMD_READ);
  if (polling) {
    // No process to put to sleep (the kernel is starting): wait for the completion interrupt
    // with HLT — STI's shadow keeps the interrupt from slipping in between the two.
    while (finished == 0) {
      sti();
      hlt();
      cli();
    }
  } else {
    while (finished == 0) sleep(chan);
  }
  const err = (finished & ERROR) != 0 ? inl(ERROR_PORT) : 0;
  if (write) diskwrites++; else diskreads++;
  busy = false;
  wakeup(chan);
  return err;
}

/** IRQ 14: reading STATUS acknowledges the completion. */
export function diskintr(): void {
  const s = inl(STATUS_PORT);
  if ((s & DONE) != 0) {
    finished = s;
    wakeup(chan);
  }
}
