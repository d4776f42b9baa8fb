// expect: 4:10: error: '**' is not in the subset
export function main(): i32 {
  let x = 3;
  return x ** 2;
}
