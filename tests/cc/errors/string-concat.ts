// expect: 3:13: error: string operations are not in the subset (a string literal is an address)
export function main(): i32 {
  const s = "toy" + "86";
  return 0;
}
