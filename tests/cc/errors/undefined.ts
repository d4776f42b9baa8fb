// expect: 4:13: error: 'undefined' is not in the subset
export function main(): i32 {
  let x: i32 = 0;
  if (x === undefined) return 1;
  return 0;
}
