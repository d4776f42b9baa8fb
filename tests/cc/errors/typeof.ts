// expect: 4:13: error: typeof is not in the subset
export function main(): i32 {
  let x = 1;
  const t = typeof x;
  return 0;
}
