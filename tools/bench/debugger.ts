// The step/trace console's benchmarks (issue 7; docs/debugger.md): what the console costs a run
// that has no breakpoints, against the plain machine, and how long `reverse-stepi 1` takes a
// billion instructions into a run. `toy86 bench --one debugger` runs only these (printing their
// table, then their figures as JSON); each of the two measures runs in a process of its own.
//
// The workload is the integer loop of programs/integer.s (five instructions an iteration), booted
// bare-metal on 16 MiB of RAM: the plain run is Machine.run to the end, 20 M instructions at a
// time as `toy86 boot` and `run` run it; the console's is the session's `continue`
// (Session.forward), which takes snapshots and keeps the history as it goes.

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
  /** The share of the console's run spent taking snapshots, in percent. */
  snapshotPercent: number;
  /** reverse-stepi 1 at `at` executed instructions. */
  reverse: { at: number; ms: number[]; medianMs: number; snapshots: number; interval: number; runToMs: number };
}

const CHUNK = 20_000_000;
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

/** The overhead workload: 60 M iterations, 300 M instructions. */
const LOOP = 60_000_000;

/**
 * The overhead: plain runs and the console's runs in turns (so that both meet the same state of
 * the host and of V8), after a warm-up of each; a new machine for every run. The time the
 * console's runs spent taking snapshots is measured too (Machine.snapshot, wrapped).
 */
async function measureOverhead(runs: number): Promise<{ plainMs: number[]; consoleMs: number[]; snapshotMs: number[]; insns: number }> {
  const image = integerLoop(LOOP);
  const plain = (): { ms: number; insns: number } => {
    const m = new Machine({});
    m.loadKernel(image, '', 'integer.s');
    // As `toy86 boot` and `run` run it (tools/boot.ts): 20 M instructions at a time.
    const t0 = performance.now();
    let r = m.run(CHUNK);
    while (r.kind === 'limit') r = m.run(CHUNK);
    const ms = performance.now() - t0;
    if (r.kind !== 'poweroff') throw new Error(`debugger benchmark: the plain run stopped with ${r.kind}`);
    return { ms, insns: m.clock };
  };
  const consoleRun = async (): Promise<{ ms: number; snap: number }> => {
    const s = session(image);
    const take = s.m.snapshot.bind(s.m);
    let snap = 0;
    s.m.snapshot = (reuse) => { const t = performance.now(); const r = take(reuse); snap += performance.now() - t; return r; };
    const t0 = performance.now();
    const stop = await s.forward({});
    const ms = performance.now() - t0;
    if (stop.kind !== 'poweroff') throw new Error(`debugger benchmark: the console's run stopped with ${stop.kind}`);
    return { ms, snap };
  };
  const insns = plain().insns;
  await consoleRun();
  const plainMs: number[] = [], consoleMs: number[] = [], snapshotMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) plainMs.push(plain().ms);
    const c = await consoleRun();
    consoleMs.push(c.ms); snapshotMs.push(c.snap);
    if (i % 2 === 1) plainMs.push(plain().ms);
  }
  return { plainMs, consoleMs, snapshotMs, insns };
}

/**
 * reverse-stepi 1 a billion instructions into a run: the history is made by one `stepi
 * 1000000000`, then each measure goes one instruction back (restore the latest snapshot before
 * it, run forward to it) and one forward again.
 */
async function measureReverse(runs: number): Promise<DebuggerResult['reverse']> {
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
  return { at: AT, ms: times, medianMs: median(times), snapshots: s.history.snaps.length, interval: s.history.interval, runToMs };
}

/** Each part in a process of its own (V8's state after one machine must not weigh on the next). */
export async function debuggerBenchmarks(runs: number): Promise<DebuggerResult> {
  const { spawnSync } = await import('node:child_process');
  const part = <T>(name: string): T => {
    const child = spawnSync(process.execPath, [join(ROOT, 'tools', 'toy86.mjs'), 'bench', '--one', 'debugger', '--runs', String(runs)],
      { encoding: 'utf8', env: { ...process.env, [PART]: name } });
    const last = child.stdout.trim().split('\n').pop() ?? '';
    if (child.status !== 0 || !last.startsWith('{')) throw new Error(`the debugger's ${name} benchmark failed: ${child.stderr || child.stdout}`);
    return JSON.parse(last) as T;
  };
  const o = part<{ plainMs: number[]; consoleMs: number[]; snapshotMs: number[]; insns: number }>('overhead');
  const reverse = part<DebuggerResult['reverse']>('reverse');
  const p = median(o.plainMs), c = median(o.consoleMs);
  return {
    instructions: o.insns, plainMs: o.plainMs, consoleMs: o.consoleMs, plainMips: o.insns / p / 1000, consoleMips: o.insns / c / 1000,
    overheadPercent: ((c - p) / p) * 100, snapshotPercent: (median(o.snapshotMs) / c) * 100, reverse,
  };
}

/** The environment variable that names the part a child process measures. */
const PART = 'TOY86_BENCH_DEBUGGER_PART';

/** The table's lines. */
export function debuggerTable(r: DebuggerResult): string[] {
  const pad = (t: string, n: number) => t.padEnd(n);
  return [
    `${pad('the step/trace console (toy86 debug)', 44)}figure (target)`,
    `${pad('(r) continue with no breakpoints', 44)}${r.consoleMips.toFixed(0)} M insn/s vs ${r.plainMips.toFixed(0)} plain: ${r.overheadPercent >= 0 ? `${r.overheadPercent.toFixed(1)}% slower` : `${(-r.overheadPercent).toFixed(1)}% faster`} (≤ 5%);`,
    `${pad('', 44)} snapshots take ${r.snapshotPercent.toFixed(1)}% of its time`,
    `${pad('(s) reverse-stepi 1, 10^9 instructions in', 44)}${r.reverse.medianMs.toFixed(1)} ms (≤ 100 ms; ${r.reverse.snapshots} snapshots kept, one every ${r.reverse.interval} instructions;`,
    `${pad('', 44)} at most a whole interval re-run: about ${(r.reverse.interval / r.consoleMips / 1000).toFixed(0)} ms; the run there took ${(r.reverse.runToMs / 1000).toFixed(1)} s)`,
  ];
}

/**
 * `toy86 bench --one debugger`: these benchmarks alone; the table, then the figures as JSON. (In
 * the child processes of debuggerBenchmarks: one part's figures.)
 */
export async function debuggerOnly(runs: number): Promise<number> {
  const part = process.env[PART];
  let r: unknown;
  if (part === 'overhead') r = await measureOverhead(runs);
  else if (part === 'reverse') r = await measureReverse(runs);
  else {
    const all = await debuggerBenchmarks(runs);
    process.stdout.write(debuggerTable(all).join('\n') + '\n');
    r = all;
  }
  process.stdout.write(JSON.stringify(r) + '\n');
  return 0;
}
