// expect: 3:10: error: 'this' is not in the subset (classes with methods are not)
function get(): i32 {
  return this;
}

export function main(): i32 { return get(); }
