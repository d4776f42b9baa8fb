// expect: 3:1: error: statements outside functions are not in the subset (module level holds declarations only)
let counter = 0;
counter = 5;

export function main(): i32 { return counter; }
