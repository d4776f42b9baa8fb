// expect: 6:47: error: Expected 1 arguments, but got 2.
function twice(x: i32): i32 {
  return x * 2;
}

export function main(): i32 { return twice(1, 2); }
