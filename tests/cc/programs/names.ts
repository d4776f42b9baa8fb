// Ordinary TypeScript names that are also assembler words (instruction mnemonics, in any case, and
// directives) name functions and globals like any other: the compiler must not hand them to the
// assembler as they are. (Register names are refused with a message instead: see tests/cc/errors.)
import { check, check_summary } from '../lib/check';

let out: i32 = 0;
let loop: u32 = 3;
let align: i32 = 16;
let times: i32 = 0;

function add(a: i32, b: i32): i32 { return a + b; }
function inc(x: i32): i32 { return x + 1; }
function push(v: i32): void { out = out * 10 + v; }
function div(a: u32, b: u32): u32 { return a / b; }
function test(x: i32): bool { return x > 0; }
function setG(v: i32): void { times = v; }
function Call(f: (x: i32) => i32, x: i32): i32 { return f(x); }

export function main(): i32 {
  check(add(2, 3) == 5);
  check(inc(41) == 42);
  push(1);
  push(2);
  check(out == 12);
  check(div(100, 7) == 14);
  check(test(1) && !test(0));
  setG(9);
  check(times == 9);
  loop++;
  check(loop == 4);
  check(align == 16);
  check(Call(inc, 1) == 2);
  return check_summary();
}
