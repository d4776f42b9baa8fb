// expect: 2:1: error: namespaces are not in the subset
namespace util {
  export const ONE = 1;
}

export function main(): i32 { return 0; }
