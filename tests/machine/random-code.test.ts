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
  it(`runs ${RUNS} random byte strings at CPL 3 with paging on, random page rights, for up to ${STEPS} instructions each`, async () => {
    const { FORMS_BY_MNEMONIC } = await import('../../emulator/isa/table.js');
    const { encode } = await import('../../emulator/isa/encoding.js');
    const form = (mn: string, ops: string) => FORMS_BY_MNEMONIC.get(mn)!.find((f) => f.operands.join(',') === ops)!;
    const espMem = { type: 'mem' as const, kind: 'm32' as const, mem: { base: 4, index: 8, scale: 1, disp: 0, dispSize: 0 } };
    const skip = encode(form('add', 'm32,s8'), [espMem, { type: 'imm', kind: 's8', value: 1 }]).bytes;
    const iret = encode(FORMS_BY_MNEMONIC.get('iretd')![0], []).bytes;
    const pop = encode(form('add', 'r32,s8'), [{ type: 'reg', kind: 'r32', reg: 4 }, { type: 'imm', kind: 's8', value: 4 }]).bytes;
    // Two handlers that step one byte past the faulting instruction and return to it: one for
    // the vectors that push an error code (dropped first), one for the others.
    const plain = Uint8Array.from([...skip, ...iret]);
    const withCode = Uint8Array.from([...pop, ...skip, ...iret]);
    const PD = 0x1000, PT = 0x2000, IDT3 = 0x3000, H = 0x4000, HC = 0x4100, TSS = 0x5000, KSTACK = 0x9000;
    const USER_CODE = 0x10000, USER_STACK = 0x21000;
    const m = new Machine({ memSize: 1 << 20, tlbEntries: 16, tlbWays: 2 });
    const next = rng(0x3333);
    const outcomes = new Map<string, number>();
    let instructions = 0, faults = 0;
    m.cpu.onException = () => { faults++; };
    for (let run = 0; run < RUNS; run++) {
      m.mem8.fill(0, 0, m.memSize);
      m.cpu.reset();
      // Page table 0 maps the first 1 MiB (and open bus above it): the kernel's pages
      // supervisor-only, the code and stack user-writable, every other page random rights.
      for (let pg = 0; pg < 1024; pg++) {
        const a = pg << 12;
        let e: number;
        if (a < 0x10000) e = a | 0x003;
        else if ((a >= USER_CODE && a < USER_CODE + 0x2000) || a === USER_STACK - 0x1000) e = a | 0x007;
        else {
          const k = next() % 5;
          e = k === 0 ? 0 : k === 1 ? a | 0x003 : k === 2 ? a | 0x005 : k === 3 ? a | 0x007 : (next() & ~0xfff) | 0x107;
        }
        m.writePhys32(PT + 4 * pg, e);
      }
      m.writePhys32(PD, PT | 0x007);
      // Other directory entries: absent, 4 MiB pages (with CR4.PSE) anywhere, or the same table.
      for (let d = 1; d < 1024; d++) {
        const k = next() % 8;
        m.writePhys32(PD + 4 * d, k === 0 ? (next() & 0xffc00000) | 0x0e7 : k === 1 ? PT | 0x007 : 0);
      }
      m.writePhys(H, plain);
      m.writePhys(HC, withCode);
      for (let v = 0; v < 256; v++) {
        const h = [8, 10, 11, 12, 13, 14, 17].includes(v) ? HC : H;
        const dpl = next() % 4 === 0 ? 0xee00 : 0x8e00;
        m.writePhys32(IDT3 + 8 * v, (0x08 << 16) | h);
        m.writePhys32(IDT3 + 8 * v + 4, dpl);
      }
      m.writePhys32(TSS + 4, KSTACK);
      const st = m.cpu.state;
      st[S.IDT_BASE] = IDT3;
      st[S.IDT_LIMIT] = 256 * 8 - 1;
      st[S.TR] = TSS;
      m.cpu.writeCR(4, next() & 0x90);            // PSE and PGE at random
      m.cpu.writeCR(3, PD);
      m.cpu.writeCR(0, 0x80000001 | (next() & 0x10000)); // paging on, WP at random
      m.cpu.setCPL(3);
      const len = 64 + (next() % 8128);
      const code = new Uint8Array(len);
      for (let i = 0; i < len; i++) code[i] = next() & 0xff;
      m.writePhys(USER_CODE, code);
      for (let r = 0; r < 8; r++) m.cpu.regs[r] = next() | 0;
      m.cpu.regs[4] = USER_STACK - 4 * (next() % 64);
      m.cpu.setEflags(0x002 | (next() & 0x3200)); // IF and IOPL at random
      m.cpu.eip = USER_CODE;
      m.clock = 0;
      (m as unknown as { stopped: StopReason | null }).stopped = null;
      let r: StopReason;
      try {
        r = m.run(STEPS);
      } catch (e) {
        throw new Error(`ring-3 run ${run} threw on the host: ${(e as Error).stack}`);
      }
      expect(['poweroff', 'triple-fault', 'halted', 'limit', 'idle']).toContain(r.kind);
      expect(m.clock).toBeLessThanOrEqual(STEPS);
      outcomes.set(r.kind, (outcomes.get(r.kind) ?? 0) + 1);
      instructions += m.clock;
    }
    console.log(Object.fromEntries(outcomes), instructions, faults);
    // Random user code faults all the time, and the handlers keep most runs going.
    expect(faults).toBeGreaterThan(RUNS * 10);
    expect(outcomes.get('limit') ?? 0).toBeGreaterThan(RUNS / 4);
  });
});
