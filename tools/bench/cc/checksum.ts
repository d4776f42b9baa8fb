// (g) A checksum over an array: fill 4096 words from a linear congruential generator, then fold
// them 16 times with rotate-and-xor. The same program by hand: checksum.s.

const N: u32 = 4096;
const data = memory.data(4096 * 4, 4);

export function main(): u32 {
  let x: u32 = 12345;
  for (let i: u32 = 0; i < N; i++) {
    x = x * 1103515245 + 12345;
    store<u32>(data + i * 4, x);
  }
  let sum: u32 = 0;
  for (let pass = 0; pass < 16; pass++) {
    for (let i: u32 = 0; i < N; i++) {
      sum = ((sum << 5) | (sum >>> 27)) + load<u32>(data + i * 4);
    }
  }
  return sum;
}
