import { check, check_summary, putc } from '../lib/check';
import { format, strlen } from '../../../userland/lib/fmt';

// The formatter writes into a buffer here, then each result is compared with what it should be.
const buf = memory.data(256);
let at: u32 = 0;

function sink(c: u8): void {
  store<u8>(buf + at, c);
  at++;
}

/** Whether the buffer holds exactly the NUL-terminated text s (and resets it). */
function is(s: string): bool {
  const p = changetype<usize>(s);
  const n = strlen(p);
  let same = n == at;
  for (let i: u32 = 0; same && i < n; i++) if (load<u8>(buf + i) != load<u8>(p + i)) same = false;
  at = 0;
  return same;
}

export function main(): i32 {
  check(format(sink, "plain") == 5 && is("plain"));
  format(sink, "%d", 0); check(is("0"));
  format(sink, "%d", -42); check(is("-42"));
  format(sink, "%d", 2147483647); check(is("2147483647"));
  format(sink, "%d", -2147483648); check(is("-2147483648"));
  format(sink, "%u", -1); check(is("4294967295"));
  format(sink, "%x", 0xdeadbeef); check(is("deadbeef"));
  format(sink, "%08x", 0x1f); check(is("0000001f"));
  format(sink, "%8d|", -5); check(is("      -5|"));
  format(sink, "%-6s|", "ab"); check(is("ab    |"));
  format(sink, "%05d", -12); check(is("-0012"));
  format(sink, "%c%c", 104, 105); check(is("hi"));
  format(sink, "%s and %s", "this", "that"); check(is("this and that"));
  format(sink, "%p", 0x1000); check(is("0x00001000"));
  format(sink, "100%%"); check(is("100%"));
  format(sink, "%d %u %x %c %s %d", 1, 2, 255, 65, "z", -3); check(is("1 2 ff A z -3"));
  check(format(sink, "%08x", 1) == 8); at = 0;
  // And to the serial console, for the record.
  format(putc, "fmt: %s %d\n", "ok", 42);
  return check_summary();
}
