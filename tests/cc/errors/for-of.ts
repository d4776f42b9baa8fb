// expect: 4:3: error: for...of and for...in are not in the subset (arrays and objects are not)
export function main(): i32 {
  let s = 0;
  for (const c of "abc") s += 1;
  return s;
}
