// A printf-like formatter for kernel and user code (SPEC §3.3, issue 4): the text goes out one
// byte at a time through a function the caller gives (the kernel's console, a user's write(2)).
//
//   %d  signed decimal        %u  unsigned decimal      %x  hexadecimal
//   %c  a character           %s  a NUL-terminated string (an address or a literal)
//   %p  an address, as 0x and eight hex digits         %%  a percent sign
// A width may come between % and the letter (`%8d`); with a leading 0 the padding is zeros
// (`%08x`), with a leading - the value is left-aligned (`%-6s`). Up to six arguments.

/** Where the formatter's output goes: one byte at a time. */
export type Putc = (c: u8) => void;
/** Any 32-bit argument: a number, an address, a string literal. */
export type Arg = i32 | u32 | usize | string | bool;

/** The k-th argument (the subset has no rest parameters: the formatter takes six). */
function pick(k: i32, a0: Arg, a1: Arg, a2: Arg, a3: Arg, a4: Arg, a5: Arg): u32 {
  switch (k) {
    case 0: return changetype<u32>(a0);
    case 1: return changetype<u32>(a1);
    case 2: return changetype<u32>(a2);
    case 3: return changetype<u32>(a3);
    case 4: return changetype<u32>(a4);
    default: return changetype<u32>(a5);
  }
}

/** The length of a NUL-terminated string. */
export function strlen(s: usize): u32 {
  let n: u32 = 0;
  while (load<u8>(s + n) != 0) n++;
  return n;
}

function pad(out: Putc, c: u8, n: i32): i32 {
  let k = 0;
  while (k < n) { out(c); k++; }
  return k;
}

/** Digits of v in base 10 or 16. */
function digits(v: u32, base: u32): i32 {
  let n = 1;
  while (v >= base) { v = v / base; n++; }
  return n;
}

function putDigits(out: Putc, v: u32, base: u32, n: i32): void {
  // The highest power of the base below v, then one digit per power.
  let p: u32 = 1;
  for (let i = 1; i < n; i++) p = p * base;
  while (p != 0) {
    const d = v / p;
    v = v - d * p;
    out(d < 10 ? <u8>(48 + d) : <u8>(87 + d)); // '0'..'9', 'a'..'f'
    p = p / base;
  }
}

/** Writes fmt with its conversions replaced by the arguments; returns the bytes written. */
export function format(out: Putc, fmt: string, a0: Arg = 0, a1: Arg = 0, a2: Arg = 0, a3: Arg = 0, a4: Arg = 0, a5: Arg = 0): i32 {
  const f = changetype<usize>(fmt);
  let i: u32 = 0;
  let arg = 0;
  let written = 0;
  while (true) {
    const c = load<u8>(f + i);
    if (c == 0) break;
    i++;
    if (c != 37) { out(c); written++; continue; } // not '%'
    let zero = false;
    let left = false;
    let width = 0;
    let k = load<u8>(f + i);
    if (k == 45) { left = true; i++; k = load<u8>(f + i); }   // '-'
    if (k == 48) { zero = true; i++; k = load<u8>(f + i); }   // '0'
    while (k >= 48 && k <= 57) { width = width * 10 + (k - 48); i++; k = load<u8>(f + i); }
    if (k == 0) break;
    i++;
    if (k == 37) { out(37); written++; continue; }
    const v = pick(arg, a0, a1, a2, a3, a4, a5);
    arg++;
    let len = 0;
    let neg = false;
    let base: u32 = 10;
    let mag: u32 = v;
    switch (k) {
      case 100: // 'd'
        if (<i32>v < 0) { neg = true; mag = 0 - v; }
        len = digits(mag, 10) + (neg ? 1 : 0);
        break;
      case 117: len = digits(v, 10); break;                 // 'u'
      case 120: base = 16; len = digits(v, 16); break;      // 'x'
      case 112: base = 16; len = 10; if (width < 10) width = 10; zero = true; break; // 'p'
      case 99: len = 1; break;                              // 'c'
      case 115: len = <i32>strlen(v); break;                // 's'
      default: out(37); out(k); written += 2; continue;     // unknown: as written
    }
    const fill = width > len ? width - len : 0;
    if (!left && !zero) written += pad(out, 32, fill);
    if (neg) out(45);
    if (k == 112) { out(48); out(120); }                   // "0x"
    if (!left && zero) written += pad(out, 48, fill);
    if (k == 99) out(<u8>v);
    else if (k == 115) { for (let j: u32 = 0; j < <u32>len; j++) out(load<u8>(v + j)); }
    else if (k == 112) putDigits(out, v, 16, 8);
    else putDigits(out, mag, base, neg ? len - 1 : len);
    written += len;
    if (left) written += pad(out, 32, fill);
  }
  return written;
}
