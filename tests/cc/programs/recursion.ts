// Recursion: simple, with several recursive calls, mutual recursion, deep recursion (the stack
// grows and unwinds), and recursion that keeps locals live across the recursive call.
import { check, check_summary } from '../lib/check';

function fact(n: u32): u32 {
  return n <= 1 ? 1 : n * fact(n - 1);
}

function fib(n: i32): i32 {
  if (n < 2) return n;
  return fib(n - 1) + fib(n - 2);
}

function ackermann(m: i32, n: i32): i32 {
  if (m == 0) return n + 1;
  if (n == 0) return ackermann(m - 1, 1);
  return ackermann(m - 1, ackermann(m, n - 1));
}

function isEven(n: u32): bool {
  if (n == 0) return true;
  return isOdd(n - 1);
}

function isOdd(n: u32): bool {
  if (n == 0) return false;
  return isEven(n - 1);
}

function depth(n: i32): i32 {
  if (n == 0) return 0;
  return 1 + depth(n - 1);
}

function gcd(a: u32, b: u32): u32 {
  return b == 0 ? a : gcd(b, a % b);
}

/** Locals computed before the recursive call must survive it. */
function weave(n: i32): i32 {
  if (n == 0) return 1;
  let a = n * 3;
  let b = n + 7;
  let c = a ^ b;
  let d = c - n;
  let inner = weave(n - 1);
  return (a + b + c + d + inner) & 0xffff;
}

function weaveRef(n: i32): i32 {
  let r = 1;
  for (let i = 1; i <= n; i++) {
    let a = i * 3;
    let b = i + 7;
    let c = a ^ b;
    let d = c - i;
    r = (a + b + c + d + r) & 0xffff;
  }
  return r;
}

/** Two recursive calls per level: 2^n - 1 moves. */
function hanoi(n: i32, from: i32, to: i32, via: i32): i32 {
  if (n == 0) return 0;
  return hanoi(n - 1, from, via, to) + 1 + hanoi(n - 1, via, to, from);
}

export function main(): i32 {
  check(fact(0) == 1);
  check(fact(5) == 120);
  check(fact(12) == 479001600);
  check(fact(13) == 1932053504);   // 13! mod 2^32
  check(fib(20) == 6765);
  check(ackermann(2, 3) == 9);
  check(ackermann(3, 3) == 61);
  check(isEven(10));
  check(isOdd(7));
  check(!isEven(7));
  check(!isOdd(100));
  check(depth(1000) == 1000);
  check(gcd(1071, 462) == 21);
  check(gcd(0xfffffffe, 6) == 2);
  check(weave(10) == weaveRef(10));
  check(weave(1) == weaveRef(1));
  check(hanoi(10, 1, 3, 2) == 1023);
  return check_summary();
}
