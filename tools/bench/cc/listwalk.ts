// (i) A structure-heavy list walk: 1000 nodes linked in a scrambled order, walked 50 times,
// summing value × weight over the nodes whose flag is set. By hand: listwalk.s.

@unmanaged class Node {
  next: usize;
  value: i32;
  weight: u16;
  flags: u8;
}

const COUNT: u32 = 1000;
const nodes = memory.data(1000 * 12, 4);

export function main(): i32 {
  // Node k links to node (k + 383) mod 1000: one cycle through all of them.
  for (let k: u32 = 0; k < COUNT; k++) {
    const n = changetype<Node>(nodes + k * sizeof<Node>());
    let j = k + 383;
    if (j >= COUNT) j -= COUNT;
    n.next = nodes + j * sizeof<Node>();
    n.value = <i32>(k * 7) - 3000;
    n.weight = <u16>(k & 15);
    n.flags = <u8>(k % 3 == 0 ? 1 : 0);
  }
  let total = 0;
  for (let pass = 0; pass < 50; pass++) {
    let n = changetype<Node>(nodes);
    for (let i: u32 = 0; i < COUNT; i++) {
      if (n.flags != 0) total += n.value * n.weight;
      n = changetype<Node>(n.next);
    }
  }
  return total;
}
