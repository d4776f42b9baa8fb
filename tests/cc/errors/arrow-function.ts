// expect: 3:15: error: closures (arrow functions and function expressions) are not in the subset: use a named function
export function main(): i32 {
  const inc = (x: i32): i32 => x + 1;
  return inc(1);
}
