// The step/trace console's benchmarks (issue 7; docs/debugger.md): what the console costs a run
// that has no breakpoints, against the plain machine, and how long `reverse-stepi 1` takes a
// billion instructions into a run. `toy86 bench --one debugger` runs only these (printing their
// table, then their figures as JSON); `npm run bench` runs them in a process of their own.
//
// The workload is the integer loop of programs/integer.s (five instructions an iteration), booted
// bare-metal on 16 MiB of RAM: the plain run is Machine.run to the end; the console's is the
// session's `continue` (Session.forward), which takes snapshots and keeps the history as it goes.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Machine } from '../../emulator/machine.js';
import { linkSources } from '../asm/index.js';
import { Session } from '../debugger/session.js';

declare const TOY86_ROOT: string | undefined;
const ROOT = typeof TOY86_ROOT === 'string' ? TOY86_ROOT : join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface DebuggerResult {
  /** Instructions of the overhead workload. */
  instructions: number;
  plainMs: number[];
  consoleMs: number[];
  plainMips: number;
  consoleMips: number;
  /** How much slower the console's run is than the plain one, in percent of the plain one's time. */
  overheadPercent: number;
  /** reverse-stepi 1 at `at` executed instructions. */
  reverse: { at: number; ms: number[]; medianMs: number; snapshots: number; interval: number; runToMs: number };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** integer.s with another iteration count, built bare-metal. */
function integerLoop(iterations: number): Uint8Array {
  const src = readFileSync(join(ROOT, 'tools', 'bench', 'programs', 'integer.s'), 'utf8').replace(/%define ITER \d+/, `%define ITER ${iterations}`);
  const dir = mkdtempSync(join(tmpdir(), 'toy86-bench-'));
  try {
    const file = join(dir, 'integer.s');
    writeFileSync(file, src);
    return linkSources([file], { base: 0x100000 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function session(image: Uint8Array): Session {
  return new Session({ kernel: image, kernelPath: 'integer.s', disk: null }, { out: () => {} });
}

export async function debuggerBenchmarks(runs: number): Promise<DebuggerResult> {
  // The console's overhead: plain and console runs alternated, after a warm-up of each.
  const image = integerLoop(60_000_000);
  const plain = (): { ms: number; insns: number } => {
    const m = new Machine({});
    m.loadKernel(image, '', 'integer.s');
    const t0 = performance.now();
    const r = m.run(5e9);
    const ms = performance.now() - t0;
    if (r.kind !== 'poweroff') throw new Error(`debugger benchmark: the plain run stopped with ${r.kind}`);
    return { ms, insns: m.clock };
  };
  const consoleRun = async (): Promise<number> => {
    const s = session(image);
    const t0 = performance.now();
    const stop = await s.forward({});
    const ms = performance.now() - t0;
    if (stop.kind !== 'poweroff') throw new Error(`debugger benchmark: the console's run stopped with ${stop.kind}`);
    return ms;
  };
  const insns = plain().insns;
  await consoleRun();
  const plainMs: number[] = [], consoleMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    // In turns, so that neither pays more often for what the other left (the snapshots' garbage).
    if (i % 2 === 0) { plainMs.push(plain().ms); consoleMs.push(await consoleRun()); }
    else { consoleMs.push(await consoleRun()); plainMs.push(plain().ms); }
  }
  const p = median(plainMs), c = median(consoleMs);

  // reverse-stepi 1 a billion instructions into a run: the history is made by one `stepi
  // 1000000000`, then each measure goes one instruction back (restore the latest snapshot before
  // it, run forward to it) and one forward again.
  const AT = 1_000_000_000;
  const s = session(integerLoop(Math.ceil(AT / 5) + 1_000_000));
  const t0 = performance.now();
  const st = await s.forward({ untilBusy: AT });
  const runToMs = performance.now() - t0;
  if (st.kind !== 'done' || s.busy() !== AT) throw new Error(`debugger benchmark: the run to ${AT} stopped with ${st.kind} at ${s.busy()}`);
  const times: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    const t = performance.now();
    s.goTo(AT - 1);
    times.push(performance.now() - t);
    if (s.busy() !== AT - 1) throw new Error('debugger benchmark: reverse-stepi 1 did not land one instruction back');
    await s.forward({ untilBusy: AT });
  }
  times.shift(); // the first one warms up
  return {
    instructions: insns, plainMs, consoleMs, plainMips: insns / p / 1000, consoleMips: insns / c / 1000,
    overheadPercent: ((c - p) / p) * 100,
    reverse: { at: AT, ms: times, medianMs: median(times), snapshots: s.history.snaps.length, interval: s.history.interval, runToMs },
  };
}

/** The table's lines. */
export function debuggerTable(r: DebuggerResult): string[] {
  const pad = (t: string, n: number) => t.padEnd(n);
  return [
    `${pad('the step/trace console (toy86 debug)', 44)}figure (target)`,
    `${pad('(r) continue with no breakpoints', 44)}${r.consoleMips.toFixed(0)} M insn/s vs ${r.plainMips.toFixed(0)} plain: ${r.overheadPercent.toFixed(1)}% slower (≤ 5%)`,
    `${pad('(s) reverse-stepi 1, 10^9 instructions in', 44)}${r.reverse.medianMs.toFixed(1)} ms (≤ 100 ms; ${r.reverse.snapshots} snapshots kept, one every ${r.reverse.interval} instructions; the run there took ${(r.reverse.runToMs / 1000).toFixed(1)} s)`,
  ];
}

/** `toy86 bench --one debugger`: these benchmarks alone; the table, then the figures as JSON. */
export async function debuggerOnly(runs: number): Promise<number> {
  const r = await debuggerBenchmarks(runs);
  process.stdout.write(debuggerTable(r).join('\n') + '\n' + JSON.stringify(r) + '\n');
  return 0;
}
