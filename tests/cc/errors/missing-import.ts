// expect: 2:24: error: Cannot find module './nothere' or its corresponding type declarations.
import { helper } from "./nothere";

export function main(): i32 { return helper(); }
