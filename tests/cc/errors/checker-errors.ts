// expect: 4:7: error: Type 'string' is not assignable to type 'number'.
// expect: 5:3: error: Cannot find name 'y'.
export function main(): i32 {
  let x: i32 = "one";
  y = 2;
  return x;
}
