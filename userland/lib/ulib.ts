// The user library (SPEC §4.5): output through write(2) with the shared formatter, and string
// helpers. The system calls themselves are in sys.ts (generated).

import { write } from './sys';
import { format, type Arg } from './fmt';
export { strlen } from './fmt';

const obuf = memory.data(256, 4);
let olen: u32 = 0;

/** Writes what printf has buffered. */
export function flush(): void {
  if (olen > 0) { write(1, obuf, olen); olen = 0; }
}

function outc(c: u8): void {
  store<u8>(obuf + olen, c);
  olen++;
  if (olen == 256) flush();
}

/** Formatted output on standard output (fmt.ts has the conversions); written at once. */
export function printf(fmt: string, a0: Arg = 0, a1: Arg = 0, a2: Arg = 0, a3: Arg = 0, a4: Arg = 0, a5: Arg = 0): void {
  format(outc, fmt, a0, a1, a2, a3, a4, a5);
  flush();
}

/** Whether the NUL-terminated strings at a and b are equal. */
export function streq(a: usize, b: usize): bool {
  let i: u32 = 0;
  while (true) {
    const x = load<u8>(a, i);
    if (x != load<u8>(b, i)) return false;
    if (x == 0) return true;
    i++;
  }
}

/** The i-th argument string. */
export function arg(argv: usize, i: i32): usize {
  return load<usize>(argv, <u32>i * 4);
}

/** A decimal number (an optional minus sign, then digits; stops at anything else). */
export function atoi(s: usize): i32 {
  let i: u32 = 0;
  let neg = false;
  if (load<u8>(s) == 45) { neg = true; i = 1; }
  let v = 0;
  while (load<u8>(s, i) >= 48 && load<u8>(s, i) <= 57) { v = v * 10 + (load<u8>(s, i) - 48); i++; }
  return neg ? -v : v;
}

/** Writes a string (address or literal) to fd. */
export function fputs(fd: i32, s: usize): void {
  let n: u32 = 0;
  while (load<u8>(s, n) != 0) n++;
  write(fd, s, n);
}
