// Evaluation order: TypeScript evaluates operands and arguments left to right (and the callee
// before its arguments), and each side effect is seen by what is evaluated after it. Every case
// here is one where another order would give another result.
import { check, check_summary } from '../lib/check';

@unmanaged class Box { v: i32; w: i32 }

let order: i32 = 0;
let g: i32 = 0;
const BOX = memory.data(8, 4);

/** Notes k in `order` (as a decimal digit) and returns v. */
function t(k: i32, v: i32): i32 { order = order * 10 + k; return v; }
function assignG(v: i32): i32 { g = v; return v; }
function two(a: i32, b: i32): i32 { return a * 100 + b; }
function three(a: i32, b: i32, c: i32): i32 { return a * 10000 + b * 100 + c; }
function box(): Box { order = order * 10 + 9; return changetype<Box>(BOX); }
function assignBoxV(v: i32): i32 { changetype<Box>(BOX).v = v; return v; }
function first(x: i32): i32 { return x + 1000; }
function second(x: i32): i32 { return x + 2000; }
function pick(k: i32): (x: i32) => i32 { order = order * 10 + k; return k == 1 ? first : second; }

function operands(): void {
  order = 0;
  check(t(1, 10) - t(2, 3) == 7);
  check(order == 12);
  order = 0;
  check(t(1, 100) / t(2, 7) == 14);
  check(order == 12);
  order = 0;
  check(t(1, 1) << t(2, 4) == 16);
  check(order == 12);
  order = 0;
  check(t(1, 1) < t(2, 2));
  check(order == 12);
  order = 0;
  check((t(1, 1) + t(2, 2)) * (t(3, 3) - t(4, 4)) == -3);
  check(order == 1234);
  // A global read, then changed by the right operand (and the other way round).
  g = 1;
  check(g + assignG(5) == 6);
  g = 1;
  check(assignG(5) + g == 10);
  g = 1;
  check(g - assignG(5) == -4);
  // A local read, then changed by the right operand.
  let i = 0;
  check(i + i++ == 0);
  check(i == 1);
  i = 0;
  check(i++ + i == 1);
  i = 5;
  check(i - (i = 2) == 3);
  i = 5;
  check((i = 2) - i == 0);
  i = 3;
  check(i * ++i == 12);
}

function args(): void {
  order = 0;
  check(three(t(1, 1), t(2, 2), t(3, 3)) == 10203);
  check(order == 123);
  order = 0;
  check(three(t(1, 1), two(t(2, 2), t(3, 3)), t(4, 4)) == 10000 + 20300 + 4);
  check(order == 1234);
  // Globals: an argument sees the effects of the ones before it, and only those.
  g = 1;
  check(two(g, assignG(5)) == 105);
  g = 1;
  check(two(assignG(5), g) == 505);
  // Locals.
  let i = 0;
  check(two(i++, i++) == 1);
  check(i == 2);
  i = 0;
  check(two(i, i++) == 0);
  i = 0;
  check(two(i++, i) == 1);
  i = 7;
  check(two(i = 1, i) == 101);
  // The callee before its arguments.
  order = 0;
  check(pick(1)(t(2, 5)) == 1005);
  check(order == 12);
  order = 0;
  check(pick(2)(t(3, 5)) == 2005);
  check(order == 23);
}

function assignments(): void {
  // Compound assignment reads its target before the right side runs.
  g = 1;
  g += assignG(5);
  check(g == 6);
  let i = 1;
  i += (i = 10);
  check(i == 11);
  const b = changetype<Box>(BOX);
  b.v = 1;
  b.v += assignBoxV(5);
  check(b.v == 6);
  b.v = 1;
  order = 0;
  box().v += assignBoxV(5);             // the target's address, then its value, then the right side
  check(b.v == 6);
  check(order == 9);
  // The target's address before the value.
  order = 0;
  box().w = t(1, 42);
  check(b.w == 42 && order == 91);
  // store<T>(ptr, value, offset): the arguments in order.
  const p = memory.data(8, 4);
  let n: u32 = 0;
  store<u8>(p, 0x55, n++);
  store<u8>(p, 0x66, n++);
  check(load<u16>(p) == 0x6655 && n == 2);
  n = 4;
  store<u8>(p, n, n++);
  check(load<u8>(p, 4) == 4 && n == 5);
}

export function main(): i32 {
  operands();
  args();
  assignments();
  return check_summary();
}
