// expect: 2:1: error: async functions are not in the subset
async function work() {
  return 1;
}

export function main(): i32 { return 0; }
