// The console: COM1 (docs/devices.md), polled for output. printf is the formatter
// (userland/lib/fmt.ts) writing here.

import { COM1 } from './memlayout';
import { format, type Arg } from '../userland/lib/fmt';

/** One byte to COM1, when its transmitter is ready. */
export function consputc(c: u8): void {
  while ((inb(COM1 + 5) & 0x20) == 0) {}
  outb(COM1, c);
}

/** Formatted output on the console (see fmt.ts for the conversions). */
export function printf(fmt: string, a0: Arg = 0, a1: Arg = 0, a2: Arg = 0, a3: Arg = 0, a4: Arg = 0, a5: Arg = 0): void {
  format(consputc, fmt, a0, a1, a2, a3, a4, a5);
}
