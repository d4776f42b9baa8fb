// The devices as a guest sees them (SPEC §2.5): the timer, the interrupt controller, COM1 input and
// the block device, each driven by a bare-metal program of tests/machine/devices/ (built on the
// conformance harness, tests/machine/conformance/lib.inc). A program makes numbered checks of its
// own ("FAIL <n> got <x> want <y>", then "DONE <checks> <failures>" and a power-off with the
// number of failures); the host hands it parameters at PARAM and reads what it recorded at LOG to
// check times and data exactly.
//
// Time is the instruction count (docs/isa.md, "Time"): one unit per retired instruction and one
// per interrupt delivered. The programs read it with RDTSC: `out ...; rdtsc` reads W, the clock at
// which the OUT retired; a handler that starts `push eax; push edx; rdtsc` reads D + 3 where D is
// the clock at which the interrupt was delivered. Nothing here reads the host's clock.

import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync, writeFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Machine, DEFAULT_DISK_LATENCY, type MachineOptions, type StopReason } from '../../emulator/machine.js';
import { openDiskImage, memoryDisk } from '../../emulator/host/diskimage.js';
import { linkSources } from '../../tools/asm/index.js';
import { readElf } from '../../tools/asm/elf.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const DIR = join(HERE, 'devices');
const ROOT = join(HERE, '..', '..');
const PARAM = 0x280000;
const LOG = 0x300000;
/** RDTSC in a handler that starts `push eax; push edx; rdtsc` reads the delivery time plus this. */
const HANDLER_RDTSC = 3;
const SECTOR = 512;
const MEM = 16 << 20;

// Disk registers and values (emulator/devices/disk.ts).
const enum Cmd { READ = 1, WRITE = 2, FLUSH = 3 }
const enum St { BUSY = 1, ERROR = 2, DONE = 4 }
const enum Err { NONE = 0, RANGE = 1, BUFFER = 2, BUSY = 3, COMMAND = 4, NO_DISK = 5 }

const images = new Map<string, Uint8Array>();
function image(name: string): Uint8Array {
  let img = images.get(name);
  if (!img) {
    img = linkSources([join(DIR, name)], { base: 0x100000 });
    images.set(name, img);
  }
  return img;
}

const symbolAddr = (name: string, sym: string) => readElf(image(name)).symbols.find((x) => x.name === sym)!.value;

interface Booted { m: Machine; out: () => string }

/** A machine with program `name` loaded and its parameter words written at PARAM. */
function boot(name: string, params: number[], opts: MachineOptions = {}): Booted {
  let out = '';
  const m = new Machine({ ...opts, onSerialOutput: (b) => { out += String.fromCharCode(b); } });
  m.loadKernel(image(name));
  params.forEach((v, i) => m.writePhys32(PARAM + 4 * i, v));
  return { m, out: () => out };
}

/** The program's own checks all passed, as many as its `; checks: N` line says, and it powered off with 0. */
function expectPassed(name: string, b: Booted, stop: StopReason): void {
  const out = b.out();
  const fails = out.split('\n').filter((l) => l.startsWith('FAIL'));
  expect(fails, `${name}: output:\n${out}`).toEqual([]);
  const want = /^; checks: (\d+)$/m.exec(readFileSync(join(DIR, name), 'utf8'));
  const done = /DONE ([0-9a-f]{8}) ([0-9a-f]{8})\n$/.exec(out);
  expect(done, `${name}: no DONE line; stop ${JSON.stringify(stop)}; output:\n${out}`).not.toBeNull();
  expect(parseInt(done![1], 16), `${name}: checks made`).toBe(Number(want![1]));
  expect(stop).toEqual({ kind: 'poweroff', code: 0 });
}

const log32 = (m: Machine, off: number) => m.readPhys32(LOG + off) >>> 0;

/** Disk contents where every sector differs: dword 0 = 0xD15C0000 + sector, then a byte pattern. */
function diskBytes(sectors: number): Uint8Array {
  const d = new Uint8Array(sectors * SECTOR);
  for (let s = 0; s < sectors; s++) {
    for (let j = 0; j < SECTOR; j++) d[s * SECTOR + j] = (s * 31 + j * 7 + 1) & 0xff;
    new DataView(d.buffer).setUint32(s * SECTOR, 0xd15c0000 + s, true);
  }
  return d;
}

/** A pattern for the guest to write, unlike anything on the disk. */
function pattern(bytes: number, seed: number): Uint8Array {
  const p = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) p[i] = (seed + i * 13 + (i >> 9) * 101) & 0xff;
  return p;
}

let tmp = '';
beforeAll(() => { tmp = mkdtempSync(join(tmpdir(), 'toy86-devices-')); });
afterAll(() => { if (tmp) rmSync(tmp, { recursive: true, force: true }); });

// ---- the timer ------------------------------------------------------------------------------

describe('timer (port 0x40, IRQ 0)', () => {
  const K = 20;
  const cases: { P: number; mode: number; Q?: number }[] = [
    { P: 100, mode: 0 }, { P: 100, mode: 1 }, { P: 37, mode: 0 }, { P: 1000, mode: 1 },
    { P: 12345, mode: 0 }, { P: 1000, mode: 0, Q: 250 }, { P: 300, mode: 1, Q: 4321 },
  ];
  for (const { P, mode, Q } of cases) {
    it(`period ${P}${Q ? ` then ${Q}` : ''}, ${mode ? 'halted' : 'spinning'} between ticks: a tick exactly every period, the first one period after the write`, () => {
      const b = boot('timer.s', [P, K, mode, Q ?? 0, 0]);
      const stop = b.m.run(50_000_000);
      expectPassed('timer.s', b, stop);
      const m = b.m;
      const W = log32(m, 0);
      const n = K + (Q ? 2 : 0);
      const ticks = Array.from({ length: n }, (_, k) => log32(m, 16 + 4 * k) - HANDLER_RDTSC);
      expect(ticks[0] - W, 'first tick after the write').toBe(P);
      const gaps = ticks.slice(1, K).map((t, k) => t - ticks[k]);
      expect(gaps).toEqual(new Array(K - 1).fill(P));
      if (Q) {
        const W2 = log32(m, 8);
        expect(ticks[K] - W2, 'first tick after the rewrite').toBe(Q);
        expect(ticks[K + 1] - ticks[K]).toBe(Q);
      }
      expect(log32(m, 4), 'ticks seen').toBe(n);
    });
  }

  it('a period of 0 stops it: a CPU halted with IF = 1 then stays idle for good', () => {
    const b = boot('timer.s', [500, 5, 1, 0, 1]);
    const stop = b.m.run(10_000_000);
    expect(b.out().split('\n').filter((l) => l.startsWith('FAIL'))).toEqual([]);
    // The program's checks ran (it ends halted, without its DONE line).
    expect(b.m.readPhys32(symbolAddr('timer.s', 'checks'))).toBe(7);
    expect(b.m.readPhys32(symbolAddr('timer.s', 'failures'))).toBe(0);
    expect(stop).toEqual({ kind: 'idle' });
    const clock = b.m.clock;
    expect(b.m.run(10_000_000)).toEqual({ kind: 'idle' });
    expect(b.m.clock).toBe(clock);
    expect(log32(b.m, 4)).toBe(5);
  });

  it('reading port 0x40 gives the period', () => {
    // (emulator/devices/timer.ts; SPEC §2.5 is silent about reads.) Checked from the host side:
    // the guest wrote P and is spinning.
    const b = boot('timer.s', [777, 1000, 0, 0, 0]);
    b.m.run(50_000);
    expect(b.m.io.read(0x40, 32) >>> 0).toBe(777);
  });
});

// ---- the interrupt controller ------------------------------------------------------------------

describe('interrupt controller (ports 0x20, 0x21)', () => {
  it('masking at port 0x21, pending edges and levels delivered on unmask, EOI, fully nested priority', () => {
    const disk = memoryDisk(diskBytes(8));
    const b = boot('pic.s', [], { disk, diskLatency: 100 });
    b.m.serial.receive([0x58, 0x59]);
    const stop = b.m.run(10_000_000);
    expectPassed('pic.s', b, stop);
  });
});

// ---- COM1 input ----------------------------------------------------------------------------------

interface RxEntry { t: number; byte: number; lsrBefore: number; lsrAfter: number }
function rxEntries(m: Machine, n: number): RxEntry[] {
  return Array.from({ length: n }, (_, k) => ({
    t: log32(m, 0x100 + 16 * k), byte: log32(m, 0x104 + 16 * k),
    lsrBefore: log32(m, 0x108 + 16 * k), lsrAfter: log32(m, 0x10c + 16 * k),
  }));
}

describe('COM1 input (0x3F8, IRQ 4)', () => {
  it('with IER bit 0: IRQ 4 at vector 36 at the first instruction boundary after the host delivers a byte; LSR bit 0 clears after the read', () => {
    const b = boot('serial.s', [0, 3]);
    const m = b.m;
    const N1 = 20_000;
    const N2 = 50_001;
    expect(m.run(N1)).toEqual({ kind: 'limit' });
    expect(m.clock).toBe(N1);
    expect(log32(m, 0), 'no interrupt before any input').toBe(0);
    m.serial.receive([0x41]);
    expect(m.run(N2 - m.clock)).toEqual({ kind: 'limit' });
    expect(m.clock).toBe(N2);
    expect(log32(m, 0)).toBe(1);
    m.serial.receive([0x42, 0x43]);
    const stop = m.run(1_000_000);
    expectPassed('serial.s', b, stop);
    const [e0, e1, e2] = rxEntries(m, 3);
    expect(e0.t - HANDLER_RDTSC).toBe(N1);
    expect(e0.byte).toBe(0x41);
    expect(e0.lsrBefore & 0x61, 'LSR before the read: data ready, transmitter empty').toBe(0x61);
    expect(e0.lsrAfter & 0x61, 'LSR after the read: no data').toBe(0x60);
    expect(e1.t - HANDLER_RDTSC).toBe(N2);
    expect(e1.byte).toBe(0x42);
    expect(e1.lsrBefore & 1).toBe(1);
    expect(e1.lsrAfter & 1, 'the second byte is still waiting').toBe(1);
    // The request is a level: still raised after the first byte was read, so the interrupt comes
    // again as soon as the handler returns.
    expect(e2.byte).toBe(0x43);
    expect(e2.t).toBeGreaterThan(e1.t);
    expect(e2.t - e1.t).toBeLessThan(40);
    expect(e2.lsrBefore & 1).toBe(1);
    expect(e2.lsrAfter & 1).toBe(0);
  });

  it('a CPU halted waiting for input goes idle; input then wakes it at once', () => {
    const b = boot('serial.s', [2, 2]);
    const m = b.m;
    expect(m.run(1_000_000)).toEqual({ kind: 'idle' });
    expect(m.canWake()).toBe(true);
    const T = m.clock;
    m.serial.receive([0x7a]);
    expect(m.run(1_000_000)).toEqual({ kind: 'idle' });
    const T2 = m.clock;
    m.serial.receive([0x0a]);
    const stop = m.run(1_000_000);
    expectPassed('serial.s', b, stop);
    const [e0, e1] = rxEntries(m, 2);
    expect(e0.t - HANDLER_RDTSC).toBe(T);
    expect(e0.byte).toBe(0x7a);
    expect(e1.t - HANDLER_RDTSC).toBe(T2);
    expect(e1.byte).toBe(0x0a);
  });

  it('without IER: no interrupt, polling LSR bit 0 and reading RBR works', () => {
    const b = boot('serial.s', [1, 2]);
    const m = b.m;
    const N1 = 10_000;
    const N2 = 30_000;
    m.run(N1);
    expect(m.clock).toBe(N1);
    m.serial.receive([0x61]);
    m.run(N2 - m.clock);
    expect(m.clock).toBe(N2);
    m.serial.receive([0x62]);
    const stop = m.run(1_000_000);
    expectPassed('serial.s', b, stop);
    const [e0, e1] = rxEntries(m, 2);
    expect(log32(m, 0), 'interrupts at vector 36').toBe(0);
    for (const [e, N, byte] of [[e0, N1, 0x61], [e1, N2, 0x62]] as const) {
      expect(e.byte).toBe(byte);
      expect(e.t).toBeGreaterThanOrEqual(N);
      expect(e.t).toBeLessThanOrEqual(N + 6);
      expect(e.lsrBefore & 0x61).toBe(0x61);
      expect(e.lsrAfter & 0x61).toBe(0x60);
    }
  });
});

// ---- the disk ------------------------------------------------------------------------------------

interface Req { cmd: number; sector: number; count: number; address: number; flags?: number }
interface Res { W: number; statusAfter: number; errorAfter: number; statusAfterDup: number; t: number; status: number; error: number; first: number }

/** Runs disk.s over `reqs` in wait mode `mode` (0 spin, 1 halt, 2 poll with IRQ 14 masked). */
function runDisk(reqs: Req[], mode: number, opts: MachineOptions, prepare?: (m: Machine) => void) {
  const params = [reqs.length, mode];
  const b = boot('disk.s', params, opts);
  const m = b.m;
  reqs.forEach((r, i) => {
    const a = PARAM + 0x100 + 32 * i;
    [r.cmd, r.sector, r.count, r.address, r.flags ?? 0].forEach((v, k) => m.writePhys32(a + 4 * k, v));
  });
  prepare?.(m);
  const stop = m.run(100_000_000);
  expectPassed('disk.s', b, stop);
  const results: Res[] = reqs.map((_, i) => {
    const w = (k: number) => log32(m, 0x100 + 32 * i + 4 * k);
    return { W: w(0), statusAfter: w(1), errorAfter: w(2), statusAfterDup: w(3), t: w(4), status: w(5), error: w(6), first: w(7) };
  });
  return { m, results, size: log32(m, 0), bootSectors: log32(m, 4), interrupts: log32(m, 8), status0: log32(m, 12) };
}

const dword = (bytes: Uint8Array, off = 0) => new DataView(bytes.buffer, bytes.byteOffset).getUint32(off, true);
const MODES = ['spinning', 'halted', 'polling STATUS'];

describe('disk (0x1F0-0x1F7, IRQ 14)', () => {
  const SECTORS = 64;
  const WRITE_PATTERN = pattern(3 * SECTOR, 0x3c);
  const reqs: Req[] = [
    { cmd: Cmd.READ, sector: 3, count: 2, address: 0x400000 },
    { cmd: Cmd.WRITE, sector: 10, count: 3, address: 0x410000 },
    { cmd: Cmd.READ, sector: 10, count: 3, address: 0x420000 },
    { cmd: Cmd.FLUSH, sector: 0, count: 0, address: 0 },
    { cmd: Cmd.READ, sector: SECTORS - 1, count: 1, address: MEM - SECTOR }, // the last sector into the last bytes of RAM
  ];
  const cases: { L?: number; mode: number }[] = [
    { L: 1, mode: 0 }, { L: 1, mode: 1 }, { L: 1, mode: 2 },
    { L: 100, mode: 0 }, { L: 100, mode: 1 }, { L: 100, mode: 2 },
    { L: 7777, mode: 0 }, { L: 7777, mode: 1 }, { L: 7777, mode: 2 },
    { mode: 1 }, // the default latency
  ];
  for (const { L, mode } of cases) {
    const latency = L ?? DEFAULT_DISK_LATENCY;
    it(`read, write, flush with latency ${L ?? `${latency} (default)`}, ${MODES[mode]}: completion exactly ${latency} after the command, data in RAM and on the image file`, () => {
      const original = diskBytes(SECTORS);
      const path = join(tmp, `rw-${latency}-${mode}.img`);
      writeFileSync(path, original);
      const img = openDiskImage(path, false);
      let run;
      try {
        run = runDisk(reqs, mode, { disk: img, ...(L !== undefined ? { diskLatency: L } : {}) },
          (m) => m.writePhys(0x410000, WRITE_PATTERN));
      } finally {
        img.close();
      }
      const { m, results, size, bootSectors, interrupts, status0 } = run;
      expect(size, 'SIZE register').toBe(SECTORS);
      expect(bootSectors, 'boot record').toBe(SECTORS);
      expect(status0, 'STATUS before any request').toBe(0);
      expect(interrupts).toBe(mode === 2 ? 0 : reqs.length);
      const expected = [
        dword(original, 3 * SECTOR), dword(WRITE_PATTERN), dword(WRITE_PATTERN), undefined, dword(original, (SECTORS - 1) * SECTOR),
      ];
      results.forEach((r, i) => {
        const what = `request ${i} (${JSON.stringify(reqs[i])}): ${JSON.stringify(r)}`;
        if (latency >= 3) expect(r.statusAfter, `${what}: busy right after the command`).toBe(St.BUSY);
        expect(r.errorAfter, what).toBe(Err.NONE);
        if (mode === 2) {
          // Polling: the first STATUS read that is not busy shows DONE, soon after W + L.
          expect(r.status, what).toBe(St.DONE);
          expect(r.t, what).toBeGreaterThanOrEqual(r.W + latency);
          if (latency >= 3) expect(r.t, what).toBeLessThanOrEqual(r.W + latency + 8);
        } else {
          expect(r.t - HANDLER_RDTSC - r.W, `${what}: interrupt delivered latency after the write`).toBe(latency);
          expect(r.status, `${what}: STATUS in the handler`).toBe(St.DONE);
        }
        expect(r.error, what).toBe(Err.NONE);
        if (expected[i] !== undefined) expect(r.first >>> 0, `${what}: data there when it completed`).toBe(expected[i]);
      });
      expect(m.readPhys(0x400000, 2 * SECTOR)).toEqual(original.subarray(3 * SECTOR, 5 * SECTOR));
      expect(m.readPhys(0x420000, 3 * SECTOR), 'the guest reads back its own write').toEqual(WRITE_PATTERN);
      expect(m.readPhys(MEM - SECTOR, SECTOR)).toEqual(original.subarray((SECTORS - 1) * SECTOR));
      const file = new Uint8Array(readFileSync(path));
      const want = original.slice();
      want.set(WRITE_PATTERN, 10 * SECTOR);
      expect(file.length).toBe(original.length);
      expect(file.subarray(10 * SECTOR, 13 * SECTOR), 'written through to the image file').toEqual(WRITE_PATTERN);
      expect(Buffer.compare(file, want), 'nothing else of the file changed').toBe(0);
    });
  }

  const bad: { req: Req; error: Err; why: string }[] = [
    { req: { cmd: Cmd.READ, sector: 0, count: 1, address: MEM - 256 }, error: Err.BUFFER, why: 'buffer runs past the end of RAM' },
    { req: { cmd: Cmd.READ, sector: 0, count: 1, address: MEM - SECTOR + 1 }, error: Err.BUFFER, why: 'buffer one byte past the end of RAM' },
    { req: { cmd: Cmd.WRITE, sector: 2, count: 1, address: 0xfffff000 }, error: Err.BUFFER, why: 'write from outside RAM' },
    { req: { cmd: Cmd.READ, sector: 0, count: 2, address: 0xfffffe00 }, error: Err.BUFFER, why: 'buffer whose end wraps past 4 GiB' },
    { req: { cmd: Cmd.READ, sector: SECTORS - 1, count: 2, address: 0x400000 }, error: Err.RANGE, why: 'sectors run past the end of the disk' },
    { req: { cmd: Cmd.WRITE, sector: SECTORS, count: 1, address: 0x400000 }, error: Err.RANGE, why: 'write past the end of the disk' },
    { req: { cmd: Cmd.READ, sector: 0xffffffff, count: 1, address: 0x400000 }, error: Err.RANGE, why: 'sector 2^32 - 1' },
    { req: { cmd: Cmd.READ, sector: 1, count: 0x80000000, address: 0x400000 }, error: Err.RANGE, why: 'a huge count' },
    { req: { cmd: Cmd.READ, sector: 1, count: 0, address: 0x400000 }, error: Err.RANGE, why: 'no sectors' },
    { req: { cmd: 9, sector: 1, count: 1, address: 0x400000 }, error: Err.COMMAND, why: 'an unknown command' },
    { req: { cmd: 0, sector: 1, count: 1, address: 0x400000 }, error: Err.COMMAND, why: 'command 0' },
  ];
  for (const mode of [0, 2]) {
    it(`bad requests (${MODES[mode]}): error bit and code at once, nothing moved, no host exception; a command while busy is refused and the request goes on`, () => {
      const original = diskBytes(SECTORS);
      const path = join(tmp, `bad-${mode}.img`);
      writeFileSync(path, original);
      const img = openDiskImage(path, false);
      const reqs: Req[] = [
        ...bad.map((b) => b.req),
        { cmd: Cmd.READ, sector: 20, count: 1, address: 0x430000, flags: 1 }, // then WRITE sector 0 while busy
        { cmd: Cmd.READ, sector: 7, count: 1, address: 0x440000 },            // the device still works
      ];
      let run;
      try {
        run = runDisk(reqs, mode, { disk: img, diskLatency: 100 }, (m) => m.writePhys(0x400000, new Uint8Array(2 * SECTOR).fill(0xee)));
      } finally {
        img.close();
      }
      const { m, results } = run;
      bad.forEach((b, i) => {
        const r = results[i];
        const what = `${b.why}: ${JSON.stringify(r)}`;
        if (mode === 2) {
          expect(r.statusAfter, what).toBe(St.ERROR | St.DONE);
          expect(r.errorAfter, what).toBe(b.error);
        } else {
          // Completed at once: the interrupt came right after the command, before the RDTSC.
          expect(r.status, what).toBe(St.ERROR | St.DONE);
          expect(r.error, what).toBe(b.error);
          expect(r.t, what).toBeLessThan(r.W);
          expect(r.statusAfter, `${what}: the handler's read cleared DONE`).toBe(St.ERROR);
        }
      });
      const busy = results[bad.length];
      expect(busy.statusAfterDup, `a command while busy: ${JSON.stringify(busy)}`).toBe(St.BUSY | St.ERROR);
      expect(busy.status, 'the request in flight completes').toBe(St.DONE);
      if (mode !== 2) expect(busy.t - HANDLER_RDTSC - busy.W).toBe(100);
      expect(m.readPhys(0x430000, SECTOR)).toEqual(original.subarray(20 * SECTOR, 21 * SECTOR));
      const last = results[bad.length + 1];
      expect(last.status).toBe(St.DONE);
      expect(last.error).toBe(Err.NONE);
      expect(m.readPhys(0x440000, SECTOR)).toEqual(original.subarray(7 * SECTOR, 8 * SECTOR));
      expect(m.readPhys(0x400000, 2 * SECTOR), 'a refused read moves nothing').toEqual(new Uint8Array(2 * SECTOR).fill(0xee));
      const file = new Uint8Array(readFileSync(path));
      expect(file.length, 'the image file did not grow').toBe(original.length);
      expect(Buffer.compare(file, original), 'no refused write reached the image file').toBe(0);
    });
  }

  it('no disk attached: size 0, every request fails with NO_DISK', () => {
    const reqs: Req[] = [
      { cmd: Cmd.READ, sector: 0, count: 1, address: 0x400000 },
      { cmd: Cmd.FLUSH, sector: 0, count: 0, address: 0 },
    ];
    const { results, size, bootSectors } = runDisk(reqs, 0, {});
    expect(size).toBe(0);
    expect(bootSectors).toBe(0);
    for (const r of results) {
      expect(r.status).toBe(St.ERROR | St.DONE);
      expect(r.error).toBe(Err.NO_DISK);
    }
  });

  describe('--snapshot keeps the image file untouched while the guest sees its own writes', () => {
    const SNAP_SECTORS = 16;
    const original = (() => {
      const d = diskBytes(SNAP_SECTORS);
      d.fill(0xa5, 5 * SECTOR, 6 * SECTOR);
      return d;
    })();
    const guestWrite = (() => {
      const p = new Uint8Array(SECTOR);
      for (let k = 0; k < 128; k++) new DataView(p.buffer).setUint32(4 * k, 0x5eed0000 + k, true);
      return p;
    })();

    function runInProcess(snapshot: boolean) {
      const path = join(tmp, `snap-${snapshot}.img`);
      writeFileSync(path, original);
      const before = statSync(path).mtimeMs;
      const img = openDiskImage(path, snapshot);
      let out = '';
      const m = new Machine({ disk: img, diskLatency: 321, onSerialOutput: (b) => { out += String.fromCharCode(b); } });
      m.loadKernel(image('disk-cli.s'));
      const stop = m.run(10_000_000);
      img.close();
      return { m, out, stop, file: new Uint8Array(readFileSync(path)), mtimeSame: statSync(path).mtimeMs === before };
    }

    it('in-process: openDiskImage(path, true)', () => {
      const { m, out, stop, file, mtimeSame } = runInProcess(true);
      expect(out).toContain('DONE 00000004 00000000\n');
      expect(stop).toEqual({ kind: 'poweroff', code: 0 });
      expect(m.disk.readSector(5), 'the guest sees its write').toEqual(guestWrite);
      expect(Buffer.compare(file, original), 'the image file is unchanged').toBe(0);
      expect(mtimeSame).toBe(true);
    });

    it('in-process: openDiskImage(path, false) writes the file (the control)', () => {
      const { out, stop, file } = runInProcess(false);
      expect(out).toContain('DONE 00000004 00000000\n');
      expect(stop).toEqual({ kind: 'poweroff', code: 0 });
      const want = original.slice();
      want.set(guestWrite, 5 * SECTOR);
      expect(Buffer.compare(file, want)).toBe(0);
    });

    function cli(args: string[]) {
      const kernel = join(tmp, 'disk-cli.elf');
      writeFileSync(kernel, image('disk-cli.s'));
      return spawnSync(process.execPath, [join(ROOT, 'tools', 'toy86.mjs'), 'boot', '--kernel', kernel, ...args],
        { input: '', encoding: 'utf8', timeout: 60_000 });
    }

    it('toy86 boot --disk IMG --snapshot --disk-latency N', () => {
      const path = join(tmp, 'cli-snap.img');
      writeFileSync(path, original);
      const r = cli(['--disk', path, '--snapshot', '--disk-latency', '321']);
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain(`SIZE ${SNAP_SECTORS.toString(16).padStart(8, '0')}\n`);
      expect(r.stdout).toContain('DONE 00000004 00000000\n');
      expect(r.status).toBe(0);
      // LAT: from the RDTSC right after the command to the RDTSC after the first not-busy STATUS.
      const lat = parseInt(/LAT ([0-9a-f]{8})/.exec(r.stdout)![1], 16);
      expect(lat).toBeGreaterThanOrEqual(321);
      expect(lat).toBeLessThanOrEqual(321 + 8);
      expect(Buffer.compare(new Uint8Array(readFileSync(path)), original), 'the image file is unchanged').toBe(0);
    });

    it('toy86 boot --disk IMG (no --snapshot) writes the file', () => {
      const path = join(tmp, 'cli-rw.img');
      writeFileSync(path, original);
      const r = cli(['--disk', path]);
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain('DONE 00000004 00000000\n');
      expect(r.status).toBe(0);
      const lat = parseInt(/LAT ([0-9a-f]{8})/.exec(r.stdout)![1], 16);
      expect(lat).toBeGreaterThanOrEqual(DEFAULT_DISK_LATENCY);
      expect(lat).toBeLessThanOrEqual(DEFAULT_DISK_LATENCY + 8);
      const want = original.slice();
      want.set(guestWrite, 5 * SECTOR);
      expect(Buffer.compare(new Uint8Array(readFileSync(path)), want)).toBe(0);
    });
  });
});
