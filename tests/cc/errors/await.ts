// expect: 4:16: error: async code (await) is not in the subset
function work(): i32 { return 1; }

const result = await work();

export function main(): i32 { return result; }
