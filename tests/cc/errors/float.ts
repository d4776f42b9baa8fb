// expect: 3:11: error: floating-point numbers are not in the subset
export function main(): i32 {
  let x = 1.5;
  return 0;
}
