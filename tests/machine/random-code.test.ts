// A guest can never crash the host (SPEC §2.7): random byte strings run as ring-0 code, each for
// up to 10,000 instructions, always end in a guest-visible outcome (a fault delivered, a power-off,
// a triple fault, a halt or the instruction limit), never a host exception.

import { describe, it, expect } from 'vitest';
import { Machine, type StopReason } from '../../emulator/machine.js';
import { S } from '../../emulator/cpu/state.js';

/** xorshift32: deterministic random numbers. */
function rng(seed: number) {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    return x >>> 0;
  };
}

const RUNS = 2000;
const STEPS = 10_000;
const CODE = 0x10000;
const IDT = 0x8000;
const HANDLER = 0x7000;

/**
 * An IDT whose 256 gates all enter a handler that skips one byte of the faulting instruction
 * (`add dword [esp], 1; iretd`), so that random code keeps running past its faults. The handler
 * is hand-encoded: toy86's encoding of those two instructions.
 */
function installSkippingIdt(m: Machine, encodeHandler: Uint8Array): void {
  m.writePhys(HANDLER, encodeHandler);
  for (let v = 0; v < 256; v++) {
    const g = IDT + 8 * v;
    m.writePhys32(g, (0x08 << 16) | (HANDLER & 0xffff));
    m.writePhys32(g + 4, (HANDLER & 0xffff0000) | 0x8e00);
  }
  m.cpu.state[S.IDT_BASE] = IDT;
  m.cpu.state[S.IDT_LIMIT] = 256 * 8 - 1;
}

describe('random code', () => {
  it(`runs ${RUNS} random byte strings for up to ${STEPS} instructions each without a host exception`, async () => {
    const { FORMS_BY_MNEMONIC } = await import('../../emulator/isa/table.js');
    const { encode } = await import('../../emulator/isa/encoding.js');
    const add = FORMS_BY_MNEMONIC.get('add')!.find((f) => f.operands.join(',') === 'm32,s8')!;
    const iret = FORMS_BY_MNEMONIC.get('iretd')![0];
    const handler = Uint8Array.from([
      ...encode(add, [{ type: 'mem', kind: 'm32', mem: { base: 4, index: 8, scale: 1, disp: 0, dispSize: 0 } }, { type: 'imm', kind: 's8', value: 1 }]).bytes,
      ...encode(iret, []).bytes,
    ]);
    const m = new Machine({ memSize: 1 << 20 });
    const next = rng(0x7041);
    const outcomes = new Map<string, number>();
    let instructions = 0;
    for (let run = 0; run < RUNS; run++) {
      m.mem8.fill(0, 0, m.memSize);
      m.cpu.reset();
      const withIdt = run % 2 === 1;
      if (withIdt) installSkippingIdt(m, handler);
      const len = 64 + (next() % 4032);
      const code = new Uint8Array(len);
      for (let i = 0; i < len; i++) code[i] = next() & 0xff;
      m.writePhys(CODE, code);
      for (let r = 0; r < 8; r++) m.cpu.regs[r] = next() | 0;
      m.cpu.regs[4] = 0x9000;
      m.cpu.eip = CODE;
      m.clock = 0;
      (m as unknown as { stopped: StopReason | null }).stopped = null;
      let r: StopReason;
      try {
        r = m.run(STEPS);
      } catch (e) {
        throw new Error(`run ${run} (IDT ${withIdt}) threw on the host: ${(e as Error).stack}`);
      }
      expect(['poweroff', 'triple-fault', 'halted', 'limit', 'idle']).toContain(r.kind);
      expect(m.clock).toBeLessThanOrEqual(STEPS);
      outcomes.set(r.kind, (outcomes.get(r.kind) ?? 0) + 1);
      instructions += m.clock;
    }
    // Both kinds of runs happen: random code faults (and, with no IDT, triple-faults) and, with the
    // skipping IDT, keeps going to the limit.
    console.log(Object.fromEntries(outcomes), instructions);
    expect(outcomes.get('triple-fault') ?? 0).toBeGreaterThan(0);
    expect(outcomes.get('limit') ?? 0).toBeGreaterThan(0);
    expect(instructions).toBeGreaterThan(RUNS * 100);
  });
});
