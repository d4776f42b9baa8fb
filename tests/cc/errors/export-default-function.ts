// expect: 2:1: error: export default / export = are not in the subset
export default function main(): i32 {
  return 0;
}
