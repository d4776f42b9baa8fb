// expect: 7:12: error: the comma operator is not in the subset
let calls = 0;

function bump(): i32 { return ++calls; }

export function main(): i32 {
  let x = (bump(), 2);
  return x;
}
