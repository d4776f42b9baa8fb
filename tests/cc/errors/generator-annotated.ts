// expect: 2:1: error: generators are not in the subset
function* count(): Generator<i32> {
  yield 1;
}

export function main(): i32 { return 0; }
