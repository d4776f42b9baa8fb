// String literals: NUL-terminated bytes in static memory, the value is their address; escapes,
// 8-bit characters, the empty string, template literals without substitutions, a module-level
// constant string, strings as parameters (type string) and as usize.
import { check, check_summary } from '../lib/check';

const GREETING = "hello";
let gText: string = "global";

function strlen(s: string): u32 {
  const p = changetype<usize>(s);
  let n: u32 = 0;
  while (load<u8>(p + n) != 0) n++;
  return n;
}

/** Whether two strings hold the same bytes. */
function equals(a: string, b: string): bool {
  const p = changetype<usize>(a);
  const q = changetype<usize>(b);
  let i: u32 = 0;
  while (true) {
    const x = load<u8>(p, i);
    if (x != load<u8>(q, i)) return false;
    if (x == 0) return true;
    i++;
  }
}

function sum(s: string): u32 {
  let total: u32 = 0;
  for (let p = changetype<usize>(s); load<u8>(p) != 0; p++) total += load<u8>(p);
  return total;
}

export function main(): i32 {
  const s = changetype<usize>("ABC");
  check(load<u8>(s) == 65);
  check(load<u8>(s, 1) == 66);
  check(load<u8>(s, 2) == 67);
  check(load<u8>(s, 3) == 0);         // NUL-terminated
  check(strlen("") == 0);
  check(load<u8>(changetype<usize>("")) == 0);
  check(strlen("hello, world") == 12);
  check(strlen(GREETING) == 5);
  check(load<u8>(changetype<usize>(GREETING), 4) == 111);
  check(strlen(gText) == 6);
  check(equals(gText, "global"));
  gText = "other";
  check(equals(gText, "other"));
  check(!equals(gText, "othe"));
  check(!equals("abc", "abd"));
  // Escapes.
  const e = changetype<usize>("a\nb\tc\\d\"e\x41\x7f");
  check(load<u8>(e, 1) == 10);
  check(load<u8>(e, 3) == 9);
  check(load<u8>(e, 5) == 92);
  check(load<u8>(e, 7) == 34);
  check(load<u8>(e, 9) == 65);
  check(load<u8>(e, 10) == 127);
  check(load<u8>(e, 11) == 0);
  // An embedded NUL: the bytes go on after it.
  const z = changetype<usize>("x\0y");
  check(load<u8>(z, 1) == 0 && load<u8>(z, 2) == 121 && load<u8>(z, 3) == 0);
  check(strlen("x\0y") == 1);
  // 8-bit characters are one byte each.
  const h = changetype<usize>("\xff\x80\xe9");
  check(load<u8>(h) == 255 && load<u8>(h, 1) == 128 && load<u8>(h, 2) == 233 && load<u8>(h, 3) == 0);
  check(load<i8>(h) == -1);
  // Quotes of every kind and a template literal.
  check(equals('single', "single"));
  check(equals(`back`, "back"));
  check(strlen("it's \"quoted\"; a:b") == 18);
  // Every printable character, in order.
  const all = changetype<usize>(" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~");
  let ok = true;
  for (let i: u32 = 0; i < 95; i++) if (load<u8>(all, i) != 32 + i) ok = false;
  check(ok);
  check(load<u8>(all, 95) == 0);
  check(sum("0123456789") == 525);
  // Two literals are two addresses; the same literal read twice gives the same bytes.
  check(changetype<usize>("a1") != changetype<usize>("a2"));
  check(equals("same", "same"));
  return check_summary();
}
