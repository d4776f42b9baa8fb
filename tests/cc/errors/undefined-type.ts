// expect: 2:23: error: 'undefined' is not in the subset
function get(x: i32 | undefined): i32 {
  return 0;
}

export function main(): i32 { return get(1); }
