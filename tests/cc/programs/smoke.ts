import { check, check_summary } from '../lib/check';

function fib(n: i32): i32 {
  if (n < 2) return n;
  return fib(n - 1) + fib(n - 2);
}

export function main(): i32 {
  check(fib(10) == 55);
  check(fib(1) == 1);
  let s = 0;
  for (let i = 0; i < 10; i++) s += i;
  check(s == 45);
  check(s == 46); // deliberately false: the harness must report this line
  return check_summary();
}
