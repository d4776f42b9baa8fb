// expect: 3:10: error: '??' is not in the subset
function orZero(x: i32): i32 {
  return x ?? 0;
}

export function main(): i32 { return orZero(1); }
