// Function values: tables of functions in static memory (filled with store<usize>, or initialised
// with memory.data<usize>), read back with load and changetype and called indirectly, as a system
// call table would be; function values in globals, locals, parameters, results and fields.
import { check, check_summary } from '../lib/check';

type BinFn = (a: i32, b: i32) => i32;
type Handler = (arg: u32) => void;

function plus(a: i32, b: i32): i32 { return a + b; }
function minus(a: i32, b: i32): i32 { return a - b; }
function product(a: i32, b: i32): i32 { return a * b; }
function over(a: i32, b: i32): i32 { return a / b; }

let log: u32 = 0;
function h0(arg: u32): void { log = log * 10 + arg; }
function h1(arg: u32): void { log = log * 10 + arg + 1; }
function h2(arg: u32): void { log = log * 10 + arg + 2; }

// A table filled at run time.
const table = memory.data(4 * 4, 4);
// A table initialised at link time.
const handlers = memory.data<usize>([changetype<usize>(h0), changetype<usize>(h1), changetype<usize>(h2)]);
const NHANDLERS: u32 = 3;

// A global function value, initialised and reassigned.
let current: BinFn = plus;

@unmanaged class Ops { n: i32; f: BinFn; g: BinFn }

function fill(): void {
  store<usize>(table, changetype<usize>(plus), 0);
  store<usize>(table, changetype<usize>(minus), 4);
  store<usize>(table, changetype<usize>(product), 8);
  store<usize>(table, changetype<usize>(over), 12);
}

function callAt(i: u32, a: i32, b: i32): i32 {
  const f = changetype<BinFn>(load<usize>(table + i * 4));
  return f(a, b);
}

function dispatch(n: u32, arg: u32): bool {
  if (n >= NHANDLERS) return false;
  changetype<Handler>(load<usize>(handlers, n * 4))(arg);
  return true;
}

function apply(f: BinFn, a: i32, b: i32): i32 { return f(a, b); }

function pick(i: i32): BinFn { return i == 0 ? plus : product; }

function twice(f: BinFn, x: i32): i32 { return f(f(x, x), x); }

export function main(): i32 {
  fill();
  check(load<usize>(table) == changetype<usize>(plus));
  check(callAt(0, 7, 5) == 12);
  check(callAt(1, 7, 5) == 2);
  check(callAt(2, 7, 5) == 35);
  check(callAt(3, -35, 5) == -7);
  // Called straight from the load.
  check(changetype<BinFn>(load<usize>(table, 4))(1, 10) == -9);
  // Through every entry in a loop.
  let s = 0;
  for (let i: u32 = 0; i < 4; i++) s += callAt(i, 12, 4);
  check(s == 16 + 8 + 48 + 3);
  // The table initialised at link time.
  log = 0;
  check(dispatch(2, 5));
  check(dispatch(0, 3));
  check(dispatch(1, 1));
  check(!dispatch(3, 0));
  check(log == 732);
  check(load<usize>(handlers, 8) == changetype<usize>(h2));
  // A global function value.
  check(current(2, 3) == 5);
  current = minus;
  check(current(2, 3) == -1);
  check(current == minus);
  check(current != plus);
  // Locals, parameters, results.
  let f: BinFn = product;
  check(f(6, 7) == 42);
  f = over;
  check(f(42, 7) == 6);
  check(apply(plus, 1, 2) == 3);
  check(apply(current, 1, 2) == -1);
  check(pick(0)(4, 5) == 9);
  check(pick(1)(4, 5) == 20);
  check(twice(product, 3) == 27);
  check(twice(plus, 3) == 9);
  // A structure field.
  const ops = changetype<Ops>(memory.data(sizeof<Ops>(), 4));
  ops.n = 100;
  ops.f = plus;
  ops.g = changetype<BinFn>(load<usize>(table, 8));
  check(ops.f(ops.n, 1) == 101);
  check(ops.g(ops.n, 3) == 300);
  check(offsetof<Ops>("g") == 8);
  return check_summary();
}
