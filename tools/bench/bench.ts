// `npm run bench` / `toy86 bench`: the interpreter's speed (never timed inside tests; SPEC §1).
//
// Each benchmark is an assembly program in tools/bench/programs/, built with toy86's assembler
// and booted bare-metal; most have a twin written directly in JavaScript, and the guest's result
// must equal the twin's before any figure is reported. Each program gets one machine, one
// untimed warm-up run, then `runs` timed runs; figures are medians. Prints a table and writes
// tools/bench/results.json.

import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Machine } from '../../emulator/machine.js';
import { TLBStat } from '../../emulator/mmu/mmu.js';
import { S } from '../../emulator/cpu/state.js';
import { linkSources } from '../asm/index.js';
import { UserError } from '../boot.js';

declare const TOY86_ROOT: string | undefined;
const ROOT = typeof TOY86_ROOT === 'string' ? TOY86_ROOT : join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PROGRAMS = join(ROOT, 'tools', 'bench', 'programs');

interface Benchmark {
  name: string;
  file: string;
  what: string;
  /** The same algorithm in JavaScript: returns the value the guest leaves in EAX. */
  twin?: () => number;
  /** Extra figure to report from a finished run. */
  extra?: (m: Machine, ms: number) => { label: string; value: number; unit: string };
}

const mix = (iter: number): number => {
  let a = 1, b = 2;
  for (let d = iter; d !== 0; d--) {
    a = (a + b) | 0;
    b ^= a;
    b = (b + 0x9e3779b9) | 0;
  }
  return a;
};

const BENCHMARKS: Benchmark[] = [
  { name: 'integer', file: 'integer.s', what: '(a) integer loop', twin: () => mix(30_000_000) },
  {
    name: 'loadstore', file: 'loadstore.s', what: '(b) load/store-heavy loop',
    twin: () => {
      const src = new Int32Array(1024), dst = new Int32Array(1024);
      for (let i = 0; i < 1024; i++) src[i] = 3 * i + 7;
      let i = 0, a = 0;
      for (let d = 4_000_000; d !== 0; d--) {
        a = (src[i] + dst[i]) | 0;
        dst[i] = a;
        i = (i + 1) & 1023;
      }
      return a;
    },
  },
  {
    name: 'callret', file: 'callret.s', what: '(c) call/return-heavy loop',
    twin: () => {
      const step = (x: number) => (x * 2 + 1) | 0;
      let sum = 0;
      for (let d = 3_000_000; d !== 0; d--) sum = (sum + step(d)) | 0;
      return sum;
    },
  },
  { name: 'integer-ring3', file: 'integer-ring3.s', what: '(d) integer loop, paging on, CPL 3', twin: () => mix(30_000_000) },
  {
    name: 'tlb-miss', file: 'tlb-miss.s', what: '(e) a loop that misses the TLB on purpose',
    extra: (m, ms) => ({ label: 'page walks per second', value: m.cpu.mmu.stats[TLBStat.WALKS] / ms / 1000, unit: 'M walks/s' }),
  },
  {
    name: 'pf-roundtrip', file: 'pf-roundtrip.s', what: '(f) #PF round trip (delivery + IRETD)',
    extra: (_m, ms) => ({ label: 'ns per #PF round trip', value: (ms * 1e6) / 1_000_000, unit: 'ns' }),
  },
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timeNative(twin: () => number, runs: number): { ms: number; value: number } {
  let value = twin(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    value = twin();
    times.push(performance.now() - t0);
  }
  return { ms: median(times), value };
}

export interface BenchResult {
  name: string;
  what: string;
  instructions: number;
  ms: number[];
  medianMs: number;
  mips: number;
  nativeMs?: number;
  ratio?: number;
  extra?: { label: string; value: number; unit: string };
}

/** Guest instructions of a program compiled by toy86 cc and of the same program by hand. */
export interface CompiledResult { name: string; what: string; compiled: number; hand: number; ratio: number }

export interface KernelResult {
  bootInstructions: number;
  bootClock: number;
  bootWallMs: number;
  /** Guest instructions (RDTSC) per operation, from tools/bench/kernel/kbench.ts. */
  figures: Record<string, number>;
}

/**
 * The kernel's figures: boot to the prompt (in the machine, and `toy86 boot` from the command
 * line with its wall time), and kbench run as init with a disk latency of 1.
 */
async function kernelBenchmarks(runs: number): Promise<KernelResult> {
  const { defaultKernel, defaultDisk } = await import('../images.js');
  const { buildProgram } = await import('../userland.js');
  const { parseImage } = await import('../mkdisk/fs.js');
  const { buildImage } = await import('../mkdisk/build.js');
  const { memoryDisk } = await import('../../emulator/host/diskimage.js');
  const { readFileSync } = await import('node:fs');
  const { spawn } = await import('node:child_process');
  const kernel = readFileSync(await defaultKernel());
  const diskPath = await defaultDisk();
  const disk = readFileSync(diskPath);
  // Boot to the prompt in the machine.
  let out = '';
  const m = new Machine({ disk: memoryDisk(new Uint8Array(disk)), onSerialOutput: (b) => { out += String.fromCharCode(b); } });
  m.loadKernel(kernel);
  while (!out.endsWith('$ ') && m.clock < 1e9) m.run(10_000);
  const bootClock = m.clock, bootInstructions = m.clock - m.idleClock;
  // And from the command line: until the prompt shows.
  const walls: number[] = [];
  for (let i = 0; i < runs; i++) {
    walls.push(await new Promise<number>((resolve, reject) => {
      const t0 = performance.now();
      const child = spawn(process.execPath, [join(ROOT, 'tools', 'toy86.mjs'), 'boot'], { stdio: ['pipe', 'pipe', 'inherit'] });
      let seen = '';
      child.stdout.on('data', (d: Buffer) => {
        seen += d.toString();
        if (seen.endsWith('$ ')) { const ms = performance.now() - t0; child.stdin.end(); child.on('exit', () => resolve(ms)); }
      });
      child.on('error', reject);
    }));
  }
  // kbench as init.
  const base = parseImage(disk);
  const files = base.walk().filter((e) => e.inode.type === 'file').map((e) => ({ path: e.path, data: base.readFile(e.path), mode: e.inode.mode }));
  files.push({ path: '/bin/kbench', data: buildProgram([join(ROOT, 'tools', 'bench', 'kernel', 'kbench.ts'), join(ROOT, 'tools', 'bench', 'kernel', 'bigdata.s')]), mode: 0o755 });
  let text = '';
  const k = new Machine({ disk: memoryDisk(buildImage({ files, swapBytes: 0 })), diskLatency: 1, onSerialOutput: (b) => { text += String.fromCharCode(b); } });
  k.loadKernel(kernel, 'init=/bin/kbench');
  const stop = k.run(5e9);
  if (stop.kind !== 'poweroff' || stop.code !== 0) throw new Error(`kbench stopped with ${JSON.stringify(stop)}:\n${text}`);
  const figures: Record<string, number> = {};
  for (const mm of text.matchAll(/^([a-z-]+) (\d+)$/gm)) figures[mm[1]] = Number(mm[2]);
  return { bootInstructions, bootClock, bootWallMs: median(walls), figures };
}

/** One interpreter benchmark: a machine, a warm-up run, then `runs` timed runs. */
function measureOne(b: Benchmark, runs: number): BenchResult {
  const image = linkSources([join(PROGRAMS, b.file)], { base: 0x100000 });
  const m = new Machine({});
  const once = () => {
    m.loadKernel(image, '', b.file);
    m.cpu.mmu.stats.fill(0);
    m.clock = 0;
    const t0 = performance.now();
    const r = m.run(5e9);
    const ms = performance.now() - t0;
    if (r.kind !== 'poweroff') throw new Error(`benchmark ${b.name} stopped with ${r.kind}`);
    return ms;
  };
  once(); // warm-up: the machine's interpreter is compiled and optimised
  const times: number[] = [];
  let extra: BenchResult['extra'];
  for (let i = 0; i < runs; i++) {
    times.push(once());
  }
  const med = median(times);
  if (b.extra) extra = b.extra(m, med);
  const result: BenchResult = {
    name: b.name, what: b.what, instructions: m.clock, ms: times, medianMs: med, mips: m.clock / med / 1000, extra,
  };
  if (b.twin) {
    const native = timeNative(b.twin, runs);
    const guest = m.cpu.regs[0];
    if ((native.value | 0) !== (guest | 0)) {
      throw new Error(`benchmark ${b.name}: the guest computed ${guest}, its JavaScript twin ${native.value}`);
    }
    result.nativeMs = native.ms;
    result.ratio = med / native.ms;
  }
  return result;
}

export interface SwapPathStats {
  /** Major faults served from swap with a frame at hand (one disk request: the read), of all major faults from swap. */
  faults: number;
  allFaults: number;
  /** Medians over those faults, guest instructions: #PF to the read request; completion interrupt to the return to user; the two together (the path); everything from #PF to the return (the path and the switch to the scheduler while the disk works). */
  toRequest: number;
  fromIrq: number;
  path: number;
  window: number;
  /** Mean over every major fault from swap, the evictions some of them had to make first included. */
  allMean: number;
  /** Swap-in alone (the faults above): pages per second of wall time and guest instructions per page (mean). */
  inPagesPerSecond: number;
  inInstructionsPerPage: number;
  /** Swap-out: hog's write phase (a zero-fill fault and a page written out, per page): pages per second of wall time, guest instructions per page; and reclaim alone (choosing, unmapping, writing, sleeping on the write) per page written. */
  outPagesPerSecond: number;
  outInstructionsPerPage: number;
  reclaimPerPage: number;
}

export interface SwapResult {
  /** Both directions together over the whole hog run (as before). */
  pagesPerSecond: number;
  instructionsPerPage: number;
  pswpin: number;
  pswpout: number;
  /** The paths, measured on the median hog run (of `runs`). */
  paths: SwapPathStats;
  workloads: { workload: string; memMiB: number }[];
  /** Per workload: major faults, the guest instructions the whole run executed (idle excluded), and reclaim's instructions per page written. */
  policies: { policy: string; faults: Record<string, number>; instructions: Record<string, number>; evictCost: Record<string, number> }[];
}

/** The swap benchmarks' policies (vm.policy=). */
export const SWAP_POLICIES = ['clock', 'fifo', 'aging', 'lru2'];

/**
 * One shell session on a machine of `mem` bytes with the kernel's swap paths watched from the
 * host through the machine's hooks (nothing runs in the guest that would not run anyway). Guest
 * instructions are the machine's clock less its idle time, so the disk's latency (the CPU halted
 * until the completion interrupt) never counts.
 *  - a major fault: from the #PF of a user access to a not-present page to the first TLB fill at
 *    CPL 3 in the same address space after it (the faulting instruction running again). With
 *    exactly one disk request inside, a read of the swap area, it is a swap-in with a frame at
 *    hand: its path is #PF → the request (the write of the disk's STATUS port) plus the completion
 *    interrupt → the return; between them run the switch to the scheduler and its search for
 *    something to run before it halts;
 *  - the write phase: from the first write to the swap area to the first read of it (for `hog`,
 *    its first pass: each new page a zero-fill fault, and a page written out to make room);
 *  - with `reclaim` (its address): each call of the kernel's reclaim, entry to return, by
 *    breakpoints — exact instruction counts, but the pages holding a breakpoint are fetched
 *    slowly, so such a run is not timed.
 */
function swapRun(
  k: { kernel: Uint8Array; disk: Uint8Array; memoryDisk: (d: Uint8Array) => import('../../emulator/devices/disk.js').DiskImage; swapStart: number },
  cmds: string, mem: number, cmdline: string, reclaimAt = 0,
) {
  let out = '';
  const m = new Machine({ memSize: mem, disk: k.memoryDisk(new Uint8Array(k.disk)), onSerialOutput: (b) => { out += String.fromCharCode(b); } });
  m.loadKernel(k.kernel, cmdline);
  m.serial.receive(Buffer.from(`${cmds}\rcat /proc/vmstat\r\x04`));
  const st = m.cpu.state;
  const exec = () => m.cpu.clockBase + st[S.NNOW] - m.idleClock;
  // The fault being watched.
  let w: { cr3: number; t0: number; wall0: number; req: number; reqs: number; reads: number; writes: number; irq: number } | null = null;
  const pure: { toRequest: number; fromIrq: number; window: number; wall: number }[] = [];
  const all: number[] = [];
  const fill = () => {
    if (!w || st[S.CPL] !== 3 || (st[S.CR3] & ~0xfff) !== w.cr3) return;
    const total = exec() - w.t0;
    if (w.reads > 0) all.push(total);
    if (w.reqs === 1 && w.reads === 1 && w.irq >= 0) pure.push({ toRequest: w.req - w.t0, fromIrq: exec() - w.irq, window: total, wall: performance.now() - w.wall0 });
    w = null;
    m.cpu.mmu.onEvent = null;
  };
  m.cpu.onException = (e) => {
    if (e.vector !== 14 || (e.code & 5) !== 4 || w) return; // not present, at CPL 3
    w = { cr3: st[S.CR3] & ~0xfff, t0: exec(), wall0: performance.now(), req: -1, reqs: 0, reads: 0, writes: 0, irq: -1 };
    m.cpu.mmu.onEvent = (what) => { if (what === 'fill') fill(); };
  };
  let sector = 0, writes = 0;
  const phase = { wall0: 0, exec0: 0, wall1: 0, exec1: 0, writes: 0 };
  m.io.onAccess = (port, _size, value, write) => {
    if (!write) return;
    if (port === 0x1f0) sector = value >>> 0;
    if (port !== 0x1f7 || sector < k.swapStart) return;
    if (value === 2) {
      writes++;
      if (writes === 1) { phase.wall0 = performance.now(); phase.exec0 = exec(); }
    } else if (value === 1 && phase.wall1 === 0) {
      phase.wall1 = performance.now(); phase.exec1 = exec(); phase.writes = writes;
    }
    if (!w) return;
    w.reqs++;
    if (value === 1) w.reads++; else w.writes++;
    if (w.reqs === 1) w.req = exec();
  };
  m.onInterrupt = (v) => { if (v === 32 + 14 && w) w.irq = exec(); };
  // reclaim, entry to return.
  let evict: { t0: number; esp: number; ret: number; writes: number } | null = null;
  let outInsns = 0, outPages = 0;
  if (reclaimAt) m.addBreakpoint(reclaimAt);
  const t0 = performance.now();
  let stop = m.run(2e10);
  while (stop.kind === 'breakpoint') {
    const esp = m.cpu.regs[4] >>> 0;
    if (stop.addr === reclaimAt && !evict) {
      const ret = m.readPhys32(m.translate(esp)!) >>> 0;
      evict = { t0: exec(), esp: esp + 4, ret, writes };
      m.addBreakpoint(ret);
    } else if (evict && stop.addr === evict.ret && esp === evict.esp) {
      outInsns += exec() - evict.t0;
      outPages += writes - evict.writes;
      m.removeBreakpoint(evict.ret);
      evict = null;
    }
    stop = m.run(2e10);
  }
  const ms = performance.now() - t0;
  if (stop.kind !== 'poweroff' || out.includes('kernel panic')) throw new Error(`swap benchmark: ${JSON.stringify(stop)}\n${out}`);
  const v = Object.fromEntries([...out.matchAll(/^(\w+) (\d+)$/gm)].map((x) => [x[1], Number(x[2])]));
  return { ms, v, out, executed: m.clock - m.idleClock, pure, all, outInsns, outPages, phase };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/**
 * Swapping: `hog 8192` on 2 MiB of RAM (`runs` times): pages swapped out and in per second of
 * wall time and guest instructions per page, together and each direction alone, and the
 * major-fault path (swapRun); then the major faults of each replacement policy on three
 * workloads (pagetest loop, hot, random) at two memory sizes, with the instructions the run took
 * and each policy's eviction cost per page.
 */
async function swapBenchmarks(runs: number): Promise<SwapResult> {
  const { defaultKernel } = await import('../images.js');
  const { buildDisk } = await import('../userland.js');
  const { memoryDisk } = await import('../../emulator/host/diskimage.js');
  const { readElf } = await import('../asm/elf.js');
  const { parseImage } = await import('../mkdisk/fs.js');
  const { readFileSync } = await import('node:fs');
  const kernel = readFileSync(await defaultKernel());
  const disk = buildDisk(16 << 20);
  const reclaim = readElf(kernel).symbols.find((s) => s.name === 'reclaim');
  if (!reclaim) throw new Error('swap benchmark: the kernel has no symbol reclaim');
  const reclaimAt = reclaim.value >>> 0;
  const k = { kernel, disk, memoryDisk, swapStart: parseImage(disk).sb.swapStart };
  const samples = [];
  for (let i = 0; i < runs; i++) samples.push(swapRun(k, 'hog 8192', 2 << 20, ''));
  const med = [...samples].sort((a, b) => a.ms - b.ms)[Math.floor(samples.length / 2)];
  const pages = med.v.pswpin + med.v.pswpout;
  const counted = swapRun(k, 'hog 8192', 2 << 20, '', reclaimAt);
  const paths: SwapPathStats = {
    faults: med.pure.length,
    allFaults: med.all.length,
    toRequest: median(med.pure.map((f) => f.toRequest)),
    fromIrq: median(med.pure.map((f) => f.fromIrq)),
    path: median(med.pure.map((f) => f.toRequest + f.fromIrq)),
    window: median(med.pure.map((f) => f.window)),
    allMean: mean(med.all),
    inPagesPerSecond: median(samples.map((s) => s.pure.length / (s.pure.reduce((a, f) => a + f.wall, 0) / 1000))),
    inInstructionsPerPage: mean(med.pure.map((f) => f.window)),
    outPagesPerSecond: median(samples.map((s) => s.phase.writes / ((s.phase.wall1 - s.phase.wall0) / 1000))),
    outInstructionsPerPage: (med.phase.exec1 - med.phase.exec0) / med.phase.writes,
    reclaimPerPage: counted.outInsns / counted.outPages,
  };
  const workloads = [{ workload: 'loop', memMiB: 2 }, { workload: 'hot', memMiB: 2 }, { workload: 'random', memMiB: 2 },
    { workload: 'loop', memMiB: 4 }, { workload: 'hot', memMiB: 4 }, { workload: 'random', memMiB: 4 }];
  const policies = SWAP_POLICIES.map((policy) => {
    const faults: Record<string, number> = {};
    const instructions: Record<string, number> = {};
    const evictCost: Record<string, number> = {};
    for (const w of workloads) {
      const r = swapRun(k, `pagetest ${w.workload} 5120 3`, w.memMiB << 20, `vm.policy=${policy}`, reclaimAt);
      if (!r.out.includes('pagetest: ok')) throw new Error(`swap benchmark: pagetest ${w.workload} under ${policy} failed:\n${r.out}`);
      faults[`${w.workload}@${w.memMiB}`] = r.v.pgmajfault;
      instructions[`${w.workload}@${w.memMiB}`] = r.executed;
      evictCost[`${w.workload}@${w.memMiB}`] = Math.round(r.outInsns / Math.max(1, r.outPages));
    }
    return { policy, faults, instructions, evictCost };
  });
  return {
    pagesPerSecond: pages / (med.ms / 1000), instructionsPerPage: med.executed / pages,
    pswpin: med.v.pswpin, pswpout: med.v.pswpout, paths, workloads, policies,
  };
}

/** The swapping benchmarks and vmlab alone (`toy86 bench --one swap`): printed, not written. */
async function swapOnly(runs: number): Promise<number> {
  const swap = await swapBenchmarks(runs);
  const vmlab = await vmlabBenchmarks();
  process.stdout.write(swapLines(swap, vmlab, runs).join('\n') + '\n');
  return 0;
}

/** The swapping benchmarks' and vmlab's lines of the table. */
function swapLines(swap: SwapResult, vmlab: VmlabResult[], runs: number): string[] {
  const pad = (s: string, n: number) => s.padEnd(n);
  const num = (x: number | undefined, d = 0) => (x === undefined ? '—' : x.toFixed(d));
  const p = swap.paths;
  const key = (w: { workload: string; memMiB: number }) => `${w.workload}@${w.memMiB}`;
  const table = (title: string, f: (pol: SwapResult['policies'][number], k: string) => string) => [
    `${pad(title, 44)}${swap.policies.map((x) => pad(x.policy, 10)).join('')}`,
    ...swap.workloads.map((w) => `${pad(`    ${w.workload}, ${w.memMiB} MiB RAM`, 44)}${swap.policies.map((x) => pad(f(x, key(w)), 10)).join('')}`),
  ];
  return [
    `${pad('swapping (hog 8192 on 2 MiB of RAM)', 44)}pages/s (wall)   instructions/page`,
    `${pad('(o) swap-out and swap-in together', 44)}${pad(num(swap.pagesPerSecond), 17)}${num(swap.instructionsPerPage)}  (${swap.pswpout} out, ${swap.pswpin} in, median of ${runs})`,
    `${pad('(o1) swap-out: hog\'s first pass, per page a', 44)}${pad(num(p.outPagesPerSecond), 17)}${num(p.outInstructionsPerPage)}  (of which reclaim ${num(p.reclaimPerPage)})`,
    '     zero-fill fault and a page written out',
    `${pad('(o2) swap-in: faults read back with a frame', 44)}${pad(num(p.inPagesPerSecond), 17)}${num(p.inInstructionsPerPage)}  (${p.faults} of the ${p.allFaults} swap-ins)`,
    '     at hand, #PF to the return (the read alone)',
    `${pad('(o3) major-fault path, without the disk', 44)}${p.path} instructions: #PF → disk request ${p.toRequest} + completion interrupt → user ${p.fromIrq} (median)`,
    `${pad('     latency', 44)}${p.window} with the switch to the scheduler while the disk works; ${num(p.allMean)} mean of all, evictions included`,
    '',
    ...table('(p) major faults by policy', (x, k) => String(x.faults[k])),
    ...table('(p2) guest instructions of the run (M)', (x, k) => num(x.instructions[k] / 1e6, 1)),
    ...table('(p3) reclaim instructions per page out', (x, k) => String(x.evictCost[k])),
    '',
    'vmlab: pagetest W 5120 3 as init, its page references (--trace pages) replayed with the frames the kernel gave',
    'user pages; faults include first touches (the kernel: its not-present faults on user pages)',
    `${pad('', 36)}${pad('frames', 8)}${['FIFO', 'LRU', 'CLOCK', 'OPT'].map((x) => pad(x, 7)).join('')}| kernel: ${SWAP_POLICIES.map((x) => pad(x, 7)).join('')}`.trimEnd(),
    ...vmlab.map((v) => `${pad(`(q) ${v.workload}, ${v.memMiB} MiB RAM`, 36)}${pad(String(v.frames), 8)}${['FIFO', 'LRU', 'CLOCK', 'OPT'].map((x) => pad(String(v.simulated[x]), 7)).join('')}|         ${SWAP_POLICIES.map((x) => pad(String(v.kernel[x]), 7)).join('')}`.trimEnd()),
  ];
}

export interface VmlabResult {
  workload: string;
  memMiB: number;
  /** The frames replayed with: the most the kernel gave user pages in the CLOCK run. */
  frames: number;
  references: number;
  pages: number;
  /** FIFO, LRU, CLOCK and OPT on the page references of the kernel's CLOCK run. */
  simulated: Record<string, number>;
  /** The kernel's not-present faults on user pages, run by run, for each vm.policy. */
  kernel: Record<string, number>;
}

/**
 * The replacement-policy lab (`toy86 vmlab`) on the workloads of the swapping benchmarks:
 * pagetest loop, hot and random (5 MiB, 3 passes) as init on 2 and 4 MiB of RAM, its page
 * references recorded (--trace pages) and replayed under FIFO, LRU, CLOCK and OPT with the frames
 * the kernel gave user pages, beside the faults the kernel took under each of its policies.
 */
async function vmlabBenchmarks(): Promise<VmlabResult[]> {
  const { defaultKernel, defaultDisk } = await import('../images.js');
  const { memoryDisk } = await import('../../emulator/host/diskimage.js');
  const { startTrace } = await import('../debugger/trace.js');
  const { PageTraceReader, runLab } = await import('../vmlab/index.js');
  const { readFileSync } = await import('node:fs');
  const kernel = readFileSync(await defaultKernel());
  const disk = readFileSync(await defaultDisk());
  const out: VmlabResult[] = [];
  for (const memMiB of [2, 4]) {
    for (const workload of ['loop', 'hot', 'random']) {
      const kernelFaults: Record<string, number> = {};
      let lab: ReturnType<typeof runLab> | null = null;
      for (const policy of SWAP_POLICIES) {
        let text = '';
        const m = new Machine({ memSize: memMiB << 20, disk: memoryDisk(new Uint8Array(disk)), onSerialOutput: (b) => { text += String.fromCharCode(b); } });
        m.loadKernel(kernel, `vm.policy=${policy} init=/bin/pagetest -- ${workload} 5120 3`);
        const reader = new PageTraceReader();
        const stop = startTrace(m, ['pages'], (l) => reader.line(l), () => '');
        const r = m.run(2e10);
        stop();
        if (r.kind !== 'poweroff' || r.code !== 0 || !text.includes('pagetest: ok')) throw new Error(`vmlab benchmark ${workload}@${memMiB} ${policy}: ${JSON.stringify(r)}\n${text}`);
        const t = reader.result();
        const frames = Number(t.vmstat['user-frames-max']);
        const l = runLab(t, policy === 'clock' ? frames : (lab?.frames ?? frames));
        kernelFaults[policy] = l.kernel?.faults ?? 0;
        if (policy === 'clock') lab = l;
      }
      out.push({ workload, memMiB, frames: lab!.frames, references: lab!.references, pages: lab!.pages, simulated: lab!.policies, kernel: kernelFaults });
    }
  }
  return out;
}

/** Runs every benchmark; prints the table; writes results.json. Returns the exit code. */
export async function runBenchmarks(o: { runs: number; one?: string }): Promise<number> {
  if (!Number.isInteger(o.runs) || o.runs < 1) throw new UserError(`--runs: '${o.runs}' is not a whole number of runs, at least 1`, 2);
  const runs = o.runs;
  // `toy86 bench --one debugger`: the step/trace console's benchmarks alone (tools/bench/debugger.ts).
  if (o.one === 'debugger') return (await import('./debugger.js')).debuggerOnly(runs);
  // `toy86 bench --one swap`: the swapping benchmarks and vmlab alone (printed, results.json untouched).
  if (o.one === 'swap') return swapOnly(runs);
  if (o.one !== undefined) {
    const b = BENCHMARKS.find((x) => x.name === o.one);
    if (!b) throw new UserError(`--one: no benchmark named '${o.one}' (swap, debugger, or one of the interpreter's: ${BENCHMARKS.map((x) => x.name).join(', ')})`, 2);
    process.stdout.write(JSON.stringify(measureOne(b, runs)) + '\n');
    return 0;
  }
  const results: BenchResult[] = [];
  // Each interpreter benchmark in a process of its own: what one machine's code does to V8's
  // optimisations must not slow down the next one's.
  const { spawnSync } = await import('node:child_process');
  for (const b of BENCHMARKS) {
    const child = spawnSync(process.execPath, [join(ROOT, 'tools', 'toy86.mjs'), 'bench', '--one', b.name, '--runs', String(runs)], { encoding: 'utf8' });
    const last = child.stdout.trim().split('\n').pop() ?? '';
    if (child.status !== 0 || !last.startsWith('{')) throw new Error(`benchmark ${b.name} failed: ${child.stderr || child.stdout}`);
    results.push(JSON.parse(last) as BenchResult);
    process.stdout.write(`${b.what}: done\n`);
  }
  // The step/trace console's (tools/bench/debugger.ts), in a process of its own as well.
  const dbg = spawnSync(process.execPath, [join(ROOT, 'tools', 'toy86.mjs'), 'bench', '--one', 'debugger', '--runs', String(runs)], { encoding: 'utf8' });
  const dbgLast = dbg.stdout.trim().split('\n').pop() ?? '';
  if (dbg.status !== 0 || !dbgLast.startsWith('{')) throw new Error(`the debugger's benchmarks failed: ${dbg.stderr || dbg.stdout}`);
  const debuggerResult = JSON.parse(dbgLast) as import('./debugger.js').DebuggerResult;
  process.stdout.write('the step/trace console: done\n');

  // Compiled code against the same programs written by hand (instruction counts are exact:
  // one run each).
  const { compile } = await import('../cc/driver.js');
  const { assemble, link } = await import('../asm/index.js');
  const CC = join(ROOT, 'tools', 'bench', 'cc');
  const count = (objects: ReturnType<typeof assemble>[]): { insns: number; value: number } => {
    const m = new Machine({});
    m.loadKernel(link([...objects, assemble(join(CC, 'start.s'))], { base: 0x100000 }));
    const r = m.run(5e9);
    if (r.kind !== 'poweroff') throw new Error(`a compiled-code benchmark stopped with ${r.kind}`);
    return { insns: m.clock, value: m.cpu.regs[0] };
  };
  const compiled: CompiledResult[] = [];
  for (const [name, what] of [['checksum', '(g) checksum over an array'], ['recursive', '(h) recursive function'], ['listwalk', '(i) structure-heavy list walk']]) {
    const cc = count(compile([join(CC, `${name}.ts`)]).objects);
    const hand = count([assemble(join(CC, `${name}.s`))]);
    if (cc.value !== hand.value) throw new Error(`benchmark ${name}: compiled code computed ${cc.value}, the hand-written ${hand.value}`);
    compiled.push({ name, what, compiled: cc.insns, hand: hand.insns, ratio: cc.insns / hand.insns });
  }
  process.stdout.write('compiled code: done\n');

  const kernel = await kernelBenchmarks(runs);
  process.stdout.write('kernel: done\n');
  const swap = await swapBenchmarks(runs);
  process.stdout.write('swap: done\n');
  const vmlab = await vmlabBenchmarks();
  process.stdout.write('vmlab: done\n');

  const integer = results.find((r) => r.name === 'integer')!;
  const ring3 = results.find((r) => r.name === 'integer-ring3')!;
  const pad = (s: string, n: number) => s.padEnd(n);
  const num = (x: number | undefined, d = 0) => (x === undefined ? '—' : x.toFixed(d));
  const lines = [
    `toy86 interpreter benchmarks (median of ${runs} runs after a warm-up; Node ${process.versions.node})`,
    '',
    `${pad('benchmark', 44)}${pad('M insn/s', 10)}${pad('guest ms', 10)}${pad('JS ms', 8)}${pad('guest/JS', 10)}other`,
    ...results.map((r) => `${pad(r.what, 44)}${pad(num(r.mips), 10)}${pad(num(r.medianMs), 10)}${pad(num(r.nativeMs), 8)}${pad(r.ratio === undefined ? '—' : `${num(r.ratio, 1)}×`, 10)}${r.extra ? `${num(r.extra.value, r.extra.unit === 'ns' ? 0 : 2)} ${r.extra.unit}` : ''}`),
    '',
    `paging on, CPL 3 vs paging off: ${num((ring3.mips / integer.mips) * 100)}% of the speed`,
    '',
    `${pad('compiled TypeScript vs assembly by hand', 44)}${pad('compiled', 12)}${pad('by hand', 12)}ratio (instructions)`,
    ...compiled.map((c) => `${pad(c.what, 44)}${pad(String(c.compiled), 12)}${pad(String(c.hand), 12)}${c.ratio.toFixed(2)}×`),
    '',
    `${pad('the kernel', 44)}guest instructions (and wall time)`,
    `${pad('(j) boot to the first shell prompt', 44)}${kernel.bootInstructions} executed (${kernel.bootClock} with idle time), ${num(kernel.bootWallMs)} ms from the command (median)`,
    `${pad('(k) system call round trip (getpid)', 44)}${kernel.figures.syscall}`,
    `${pad('(l) demand-zero page fault', 44)}${kernel.figures['demand-zero']}`,
    `${pad('(m) file-backed page fault (disk latency 1)', 44)}${kernel.figures['file-backed']}`,
    `${pad('(n) fork + exit + wait', 44)}${kernel.figures['fork-exit-wait']}`,
    '',
    ...swapLines(swap, vmlab, runs),
    '',
    ...(await import('./debugger.js')).debuggerTable(debuggerResult),
  ];
  process.stdout.write(lines.join('\n') + '\n');
  const out = join(ROOT, 'tools', 'bench', 'results.json');
  writeFileSync(out, JSON.stringify({
    date: new Date().toISOString(), node: process.versions.node, runs, results,
    pagingRatio: ring3.mips / integer.mips, compiled, kernel, swap, vmlab, debugger: debuggerResult,
  }, null, 2) + '\n');
  process.stdout.write(`wrote ${out}\n`);
  return 0;
}
