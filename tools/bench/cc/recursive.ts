// (h) A recursive function: the 22nd Fibonacci number the slow way. By hand: recursive.s.

function fib(n: i32): i32 {
  if (n < 2) return n;
  return fib(n - 1) + fib(n - 2);
}

export function main(): i32 {
  return fib(22);
}
