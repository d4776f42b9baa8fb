// expect: 3:3: error: nested functions are not in the subset (they would be closures)
export function main(): i32 {
  function inc(x: i32): i32 { return x + 1; }
  return inc(1);
}
