// expect: 4:15: error: exceptions (throw, try) are not in the subset
export function main(): i32 {
  let x = 1;
  if (x == 1) throw 1;
  return 0;
}
