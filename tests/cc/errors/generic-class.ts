// expect: 2:1: error: generic classes are not in the subset
@unmanaged
class Box<T> {
  x: i32;
}

export function main(): i32 { return 0; }
