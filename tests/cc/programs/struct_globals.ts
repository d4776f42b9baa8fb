// Globals of a structure type: a module-level variable holding a structure's address (as a kernel
// keeps `let curproc: Proc`), initialised at link time or zero, assigned, and used to reach fields.
// The variable is a 32-bit address whatever the structure's size.
import { check, check_summary } from '../lib/check';

@unmanaged class Node { value: i32; next: usize }
@unmanaged class Big { a: i32; b: i32; c: i32; d: u8 }
@unmanaged class Tiny { x: u16 }

const BIG = memory.data(sizeof<Big>(), 4);
let gBig: Big = changetype<Big>(BIG);
let gNode: Node;
let gTiny: Tiny;
let after: u32 = 0x600dcafe;

function globals(): void {
  // A global holding a structure's address (initialised at link time, then assigned).
  check(changetype<usize>(gBig) == BIG);
  gBig.d = 0x5a;
  gBig.b = -1;
  check(load<u8>(BIG, 12) == 0x5a);
  check(load<i32>(BIG, 4) == -1);
  check(gBig.b == -1);
  check(changetype<usize>(gNode) == 0);
  const nodes = memory.data(sizeof<Node>(), 4);
  gNode = changetype<Node>(nodes);
  gNode.value = 77;
  check(changetype<usize>(gNode) == nodes);
  check(load<i32>(nodes) == 77);
}

function locals(): void {
  // The same through a local copy of the global, and a global assigned from a local.
  const b = gBig;
  check(changetype<usize>(b) == BIG);
  const t = changetype<Tiny>(memory.data(sizeof<Tiny>(), 4));
  gTiny = t;
  gTiny.x = 0xbeef;
  check(t.x == 0xbeef);
  check(changetype<usize>(gTiny) == changetype<usize>(t));
  check(after == 0x600dcafe);      // storing the globals did not spill into the next one
}

export function main(): i32 {
  globals();
  locals();
  return check_summary();
}
