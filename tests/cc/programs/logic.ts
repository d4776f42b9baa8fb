// && and || short-circuit (the right side's effects happen only when it is evaluated), ! , and
// ?: (only the chosen side is evaluated), as values and as conditions.
import { check, check_summary } from '../lib/check';

let calls: i32 = 0;
let flag: bool = false;

function yes(): bool { calls = calls + 1; return true; }
function no(): bool { calls = calls + 1; return false; }
function count(v: i32): i32 { calls = calls + 1; return v; }

function shortCircuit(): void {
  calls = 0;
  check(!(no() && yes()));
  check(calls == 1);               // yes() skipped
  calls = 0;
  check(yes() || no());
  check(calls == 1);               // no() skipped
  calls = 0;
  check(yes() && yes());
  check(calls == 2);
  calls = 0;
  check(!(no() || no()));
  check(calls == 2);
  // As values stored in variables.
  calls = 0;
  let v: bool = no() && yes();
  check(!v);
  check(calls == 1);
  calls = 0;
  v = yes() || no();
  check(v);
  check(calls == 1);
  // As conditions of if and while.
  calls = 0;
  if (no() && yes()) calls = calls + 100;
  check(calls == 1);
  calls = 0;
  if (yes() || no()) calls = calls + 100;
  check(calls == 101);
  calls = 0;
  let n = 0;
  while (n < 3 && count(n) < 2) n++;
  check(n == 2);
  check(calls == 3);
  // Nested: a && (b || c), (a || b) && c.
  calls = 0;
  check(yes() && (no() || yes()));
  check(calls == 3);
  calls = 0;
  check(!((no() || no()) && yes()));
  check(calls == 2);
  calls = 0;
  check(no() || (yes() && yes()) || yes());
  check(calls == 3);
  // Side effects on variables in the skipped part.
  let i = 0;
  let t = i > 0 && ++i > 0;
  check(!t);
  check(i == 0);
  t = i == 0 || i++ > 0;
  check(t);
  check(i == 0);
  t = i == 0 && i++ == 0;
  check(t);
  check(i == 1);
  // Integer conditions: non-zero is true.
  let a: i32 = 5;
  let z: i32 = 0;
  let r = 0;
  if (a && z) r = 1;
  else if (a || z) r = 2;
  check(r == 2);
  if (!z) r = r + 10;
  check(r == 12);
  // Constant left sides: the right side is still evaluated only when it decides.
  calls = 0;
  check(!(false && yes()));
  check(true || no());
  check(calls == 0);
  check(true && yes());
  check(!(false || no()));
  check(calls == 2);
}

function notOperator(): void {
  let f: bool = false;
  check(!f);
  check(!!!f);
  let n: i32 = 7;
  check(!!n);
  let z: u32 = 0;
  check(!z);
  flag = !flag;
  check(flag);
  flag = !flag;
  check(!flag);
}

function conditional(): void {
  calls = 0;
  let c: bool = true;
  let r = c ? count(1) : count(2);
  check(r == 1);
  check(calls == 1);
  c = false;
  r = c ? count(1) : count(2);
  check(r == 2);
  check(calls == 2);
  // Nested, right-associative.
  let x: i32 = 5;
  let k = x < 0 ? -1 : x == 0 ? 0 : x < 10 ? 1 : 2;
  check(k == 1);
  x = 0;
  k = x < 0 ? -1 : x == 0 ? 0 : x < 10 ? 1 : 2;
  check(k == 0);
  x = -3;
  k = x < 0 ? -1 : x == 0 ? 0 : x < 10 ? 1 : 2;
  check(k == -1);
  x = 99;
  k = x < 0 ? -1 : x == 0 ? 0 : x < 10 ? 1 : 2;
  check(k == 2);
  // Mixed operand types: u8 and i8 give i32, so -1 stays -1.
  let a: u8 = 200;
  let b: i8 = -1;
  check((x > 0 ? a : b) == 200);
  check((x < 0 ? a : b) == -1);
  // With a 32-bit unsigned side the result is unsigned.
  let u: u32 = 1;
  let s: i32 = -1;
  check((x > 0 ? s : u) > 1);
  // In a condition, as an argument, as an operand.
  if (x > 50 ? true : false) r = 7; else r = 8;
  check(r == 7);
  check(count(x > 50 ? 3 : 4) == 3);
  check(1 + (x > 50 ? 10 : 20) * 2 == 21);
  // A constant condition picks its side.
  check((true ? 5 : count(6)) == 5);
}

export function main(): i32 {
  shortCircuit();
  notOperator();
  conditional();
  return check_summary();
}
