// expect: 4:1: error: export default / export = are not in the subset
export function main(): i32 { return 0; }

export default 42;
