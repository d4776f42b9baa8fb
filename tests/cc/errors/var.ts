// expect: 3:3: error: 'var' is not in the subset: use let or const
export function main(): i32 {
  var x = 1;
  return x;
}
