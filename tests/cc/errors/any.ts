// expect: 2:19: error: 'any' is not in the subset
function first(x: any): i32 {
  return 0;
}

export function main(): i32 { return first(1); }
