// expect: 2:14: error: rest parameters are not in the subset
function sum(...xs: i32[]): i32 {
  return 0;
}

export function main(): i32 { return sum(1, 2); }
