// `toy86 vmlab TRACE --frames N` (SPEC §5; docs/cli.md "vmlab"): replays the page references of a
// trace recorded with `--trace pages` (tools/debugger/trace.ts) under FIFO, LRU, CLOCK and OPT
// (sim.ts) with N frames, beside what the kernel did in the recorded run.
//
// What the kernel did: the not-present page faults on user addresses in the run (the trace's
// `fault` records). Each is a page the kernel brought into a frame — zero-filled, read from the
// program's file or read back from swap — which is exactly the event a simulator counts as a
// fault, first touches included. Both sides are also split into first touches (a page's first
// reference in the trace) and refaults (a page back after it was evicted: for the kernel, a swap-in
// or a file page read again; the kernel's pgmajfault counts these plus the first reads of file
// pages). The kernel's own counters from the trace's last line are printed beneath.

import { openSync, readSync, closeSync, statSync } from 'node:fs';
import { POLICIES, simulateAll, type Policy } from './sim.js';

/** A trace that cannot be used: one line for the user, exit code 1 (2 for a bad option). */
export class VmlabError extends Error {
  constructor(message: string, readonly code: 1 | 2 = 1) { super(message); }
}

export interface PageTrace {
  /** The reference string: page ids 0..pages-1, in order. */
  refs: Int32Array;
  /** 1 where the reference was a not-present page fault the kernel took. */
  faults: Uint8Array;
  /** How many distinct pages (address space and virtual page). */
  pages: number;
  /** How many distinct address spaces (CR3 values). */
  spaces: number;
  /** The kernel's counters from the `vmstat` line (numbers, and `policy`). */
  vmstat: Record<string, string>;
}

const PAGE_LINE = /^\d+ page cpl=\d cr3=0x([0-9a-f]{1,8}) 0x([0-9a-f]{1,8})( fault)?$/;
const VMSTAT_LINE = /^\d+ vmstat((?: [\w-]+=\S+)*)$/;

/** Reads the page records of trace text (other kinds of line are passed over). */
export class PageTraceReader {
  private refs = new Int32Array(1024);
  private faults = new Uint8Array(1024);
  private n = 0;
  private readonly ids = new Map<number, number>();
  private readonly spaces = new Set<number>();
  private vmstat: Record<string, string> = {};

  line(text: string): void {
    const l = text.trimEnd();
    if (l.length === 0) return;
    const p = PAGE_LINE.exec(l);
    if (p) {
      const cr3 = parseInt(p[1], 16) >>> 12, vpn = parseInt(p[2], 16) >>> 12;
      const key = cr3 * 0x100000 + vpn;
      let id = this.ids.get(key);
      if (id === undefined) { id = this.ids.size; this.ids.set(key, id); }
      this.spaces.add(cr3);
      if (this.n === this.refs.length) {
        const r = new Int32Array(this.n * 2); r.set(this.refs); this.refs = r;
        const f = new Uint8Array(this.n * 2); f.set(this.faults); this.faults = f;
      }
      this.refs[this.n] = id;
      this.faults[this.n++] = p[3] ? 1 : 0;
      return;
    }
    const v = VMSTAT_LINE.exec(l);
    if (v) {
      for (const w of v[1].trim().split(' ').filter(Boolean)) {
        const eq = w.indexOf('=');
        this.vmstat[w.slice(0, eq)] = w.slice(eq + 1);
      }
    }
  }

  /** Feeds text that may end in the middle of a line; returns the unfinished rest. */
  chunk(text: string): string {
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) return text.slice(start);
      this.line(text.slice(start, nl));
      start = nl + 1;
    }
  }

  result(): PageTrace {
    return { refs: this.refs.slice(0, this.n), faults: this.faults.slice(0, this.n), pages: this.ids.size, spaces: this.spaces.size, vmstat: this.vmstat };
  }
}

/** Parses trace text. */
export function parsePageTrace(text: string): PageTrace {
  const r = new PageTraceReader();
  r.line(r.chunk(text));
  return r.result();
}

/** Reads a trace file a megabyte at a time (an exec trace beside the pages can be large). */
export function readPageTrace(path: string): PageTrace {
  let fd: number;
  try {
    if (statSync(path).isDirectory()) throw new VmlabError(`${path}: is a directory`);
    fd = openSync(path, 'r');
  } catch (e) {
    if (e instanceof VmlabError) throw e;
    const err = e as NodeJS.ErrnoException;
    throw new VmlabError(`${path}: ${err.code === 'ENOENT' ? 'no such file' : err.code === 'EACCES' ? 'permission denied' : err.message}`);
  }
  const r = new PageTraceReader();
  const dec = new TextDecoder();
  const buf = new Uint8Array(1 << 20);
  let rest = '';
  try {
    for (;;) {
      const got = readSync(fd, buf, 0, buf.length, null);
      if (got === 0) break;
      rest = r.chunk(rest + dec.decode(buf.subarray(0, got), { stream: true }));
    }
  } finally {
    closeSync(fd);
  }
  r.line(rest + dec.decode());
  return r.result();
}

export interface LabRow {
  name: string;
  faults: number;
  firstTouches: number;
  refaults: number;
}

export interface LabResult {
  frames: number;
  references: number;
  pages: number;
  spaces: number;
  policies: Record<Policy, number>;
  /** What the kernel did (null when the trace holds no fault records and no vmstat line). */
  kernel: LabRow | null;
  vmstat: Record<string, string>;
}

/** Replays a trace with `frames` frames. */
export function runLab(t: PageTrace, frames: number): LabResult {
  const policies = simulateAll(t.refs, frames);
  let kernel: LabRow | null = null;
  let faults = 0, first = 0;
  const seen = new Uint8Array(t.pages);
  for (let i = 0; i < t.refs.length; i++) {
    const p = t.refs[i];
    if (t.faults[i]) { faults++; if (!seen[p]) first++; }
    seen[p] = 1;
  }
  if (faults > 0 || Object.keys(t.vmstat).length > 0) {
    kernel = { name: `kernel${t.vmstat.policy ? ` (${t.vmstat.policy})` : ''}`, faults, firstTouches: first, refaults: faults - first };
  }
  return { frames, references: t.refs.length, pages: t.pages, spaces: t.spaces, policies, kernel, vmstat: t.vmstat };
}

/** The report as text. */
export function formatLab(r: LabResult, name: string): string {
  const rows: LabRow[] = POLICIES.map((p) => ({ name: p, faults: r.policies[p], firstTouches: r.pages, refaults: r.policies[p] - r.pages }));
  if (r.kernel) rows.push(r.kernel);
  const out = [
    `${name}: ${r.references} page references to ${r.pages} pages in ${r.spaces} address space${r.spaces === 1 ? '' : 's'}; ${r.frames} frames`,
    '',
    `${'policy'.padEnd(16)}${'faults'.padStart(10)}${'first touches'.padStart(16)}${'refaults'.padStart(10)}`,
    ...rows.map((x) => `${x.name.padEnd(16)}${String(x.faults).padStart(10)}${String(x.firstTouches).padStart(16)}${String(x.refaults).padStart(10)}`),
  ];
  if (r.kernel) {
    out.push('', 'kernel: the not-present page faults on user pages in the run (pages it brought in, first touches included)');
    const v = r.vmstat;
    const counters = ['pgfault', 'pgmajfault', 'pswpin', 'pswpout', 'pgevict'].filter((k) => v[k] !== undefined).map((k) => `${k} ${v[k]}`);
    if (counters.length) out.push(`its counters: ${counters.join(', ')}`);
    if (v['user-frames-max'] !== undefined) out.push(`it gave user pages at most ${v['user-frames-max']} frames`);
  }
  return out.join('\n') + '\n';
}

/** `toy86 vmlab TRACE [--frames N]`: the report's text. */
export function vmlabCommand(o: { trace: string; frames?: string }): string {
  let frames: number | undefined;
  if (o.frames !== undefined) {
    const s = String(o.frames).trim();
    if (!/^\d+$/.test(s) || Number(s) < 1) throw new VmlabError(`--frames: '${o.frames}' is not a whole number of frames, at least 1`, 2);
    frames = Number(s);
  }
  const t = readPageTrace(o.trace);
  if (t.refs.length === 0) throw new VmlabError(`${o.trace}: no page references (record them with --trace pages)`);
  if (frames === undefined) {
    const max = Number(t.vmstat['user-frames-max']);
    if (!Number.isInteger(max) || max < 1) throw new VmlabError('give the number of frames with --frames N (the trace does not say how many the kernel had)', 2);
    frames = max;
  }
  return formatLab(runLab(t, frames), o.trace);
}
