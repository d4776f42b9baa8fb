// expect: 6:44: error: Expected 0 type arguments, but got 1.
function twice(x: i32): i32 {
  return x * 2;
}

export function main(): i32 { return twice<i32>(1); }
