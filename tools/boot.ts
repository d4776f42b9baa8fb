// `toy86 boot` (SPEC §5): build a machine from the command line's flags, load the kernel, run it
// with the serial console on stdin/stdout, and turn the way it stopped into the exit code.

import { readFileSync, writeSync, openSync, closeSync } from 'node:fs';
import { Machine, MachineError, MiB, type StopReason } from '../emulator/machine.js';
import { HostConsole } from '../emulator/host/console.js';
import { ElfError, readElf, type ElfFile } from './asm/elf.js';
import { S, FL } from '../emulator/cpu/state.js';
import { openDiskImage, DiskImageError, type OpenedImage } from '../emulator/host/diskimage.js';
import type { DiskFault } from '../emulator/devices/disk.js';

/** Exit codes of boot, run and debug (SPEC §5). */
/**
 * Writes all of DATA to FD synchronously. Node makes a pipe on stdout or stderr non-blocking once
 * its stream is touched, so a reader slower than the machine (`toy86 boot | less`, a pipe that
 * fills) gives short writes and EAGAIN: wait a moment and go on, as a blocking write would.
 */
export function writeAllSync(fd: number, data: Uint8Array | string): void {
  let bytes = typeof data === 'string' ? Buffer.from(data) : data;
  while (bytes.length) {
    let n: number;
    try {
      n = writeSync(fd, bytes);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(SLEEP, 0, 0, 2);
      continue;
    }
    bytes = bytes.subarray(n);
  }
}
const SLEEP = new Int32Array(new SharedArrayBuffer(4));

export const enum Exit { PANIC = 250, TRIPLE_FAULT = 251, HALTED = 252, MAX_INSNS = 124 }

/** A user mistake: one line on stderr and this exit code (1 for files, 2 for usage). */
export class UserError extends Error {
  constructor(message: string, readonly code: 1 | 2) { super(message); }
}

/** Parses a size such as 16M, 2M, 512K, 16MiB or a number of bytes. */
export function parseSize(text: string, what: string): number {
  const m = /^(\d+)\s*(k|kb|kib|m|mb|mib|g|gb|gib)?$/i.exec(String(text).trim());
  if (!m) throw new UserError(`${what}: '${text}' is not a size (examples: 16M, 512K, 1048576)`, 2);
  const unit = (m[2] ?? '').toLowerCase()[0];
  const mult = unit === 'k' ? 1024 : unit === 'm' ? MiB : unit === 'g' ? 1024 * MiB : 1;
  return Number(m[1]) * mult;
}

/** Parses a count such as 1000000, 1e6 or 0x100. */
export function parseCount(text: string, what: string): number {
  const s = String(text).trim();
  const v = /^0x[0-9a-f]+$/i.test(s) ? parseInt(s, 16) : /^\d+(e\d+)?$/i.test(s) ? Number(s) : NaN;
  if (!Number.isFinite(v) || v < 0) throw new UserError(`${what}: '${text}' is not a number`, 2);
  return v;
}

export interface BootOptions {
  kernel: string;
  disk?: string;
  snapshot?: boolean;
  diskLatency?: string;
  /** --disk-fail: sector ranges that fail (fault injection), e.g. "100-107,200:w". */
  diskFail?: string;
  mem?: string;
  append?: string;
  maxInsns?: string;
  tlb?: string;
  tlbWays?: string;
  debugcon?: string;
  /** --trace: comma-separated trace kinds (tools/debugger/trace.ts). */
  trace?: string;
  /** --trace-file: where the trace goes (default: stderr). */
  traceFile?: string;
  /** An executable whose symbols name user-space addresses in the trace (`toy86 run`'s program). */
  traceElf?: Uint8Array;
  /** --stats: a Unix socket to send snapshots to, for `toy86 web` (tools/web/stats.ts). */
  stats?: string;
}

/** A file a command reads (a kernel, a program, a disk), or one clear line about why not. */
export function readInput(path: string, what: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : err.code === 'EACCES' ? 'permission denied' : err.message;
    throw new UserError(`cannot read ${what} '${path}': ${why}`, 1);
  }
}

/** Describes how the machine stopped, for stderr; empty for a power-off. */
export function describeStop(m: Machine, r: StopReason): string {
  const regs = () => {
    const c = m.cpu;
    const r32 = (i: number) => (c.regs[i] >>> 0).toString(16).padStart(8, '0');
    const names = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'];
    const hex = (v: number) => (v >>> 0).toString(16).padStart(8, '0');
    const st = c.state;
    return `  ${names.map((n, i) => `${n}=${r32(i)}`).join(' ')}\n` +
      `  eip=${hex(st[S.EIP])} eflags=${hex(c.eflags())} cpl=${st[S.CPL]} cr0=${hex(st[S.CR0])} cr2=${hex(st[S.CR2])} cr3=${hex(st[S.CR3])} cr4=${hex(st[S.CR4])}`;
  };
  switch (r.kind) {
    case 'triple-fault': {
      const e = m.lastException;
      return `toy86: triple fault (a fault while delivering #DF; last exception vector ${e.vector} at eip 0x${(e.eip >>> 0).toString(16).padStart(8, '0')}), after ${m.clock} instructions\n${regs()}`;
    }
    case 'halted':
      return `toy86: the CPU halted with interrupts disabled at eip 0x${(m.cpu.eip >>> 0).toString(16).padStart(8, '0')}, after ${m.clock} instructions\n${regs()}`;
    case 'limit':
      return `toy86: stopped after ${m.clock} instructions (--max-insns)\n${regs()}`;
    default:
      return '';
  }
}

/** Exit code for a stop reason (SPEC §5). */
export function exitCode(r: StopReason): number {
  switch (r.kind) {
    case 'poweroff': return r.code;
    case 'triple-fault': return Exit.TRIPLE_FAULT;
    case 'halted': return Exit.HALTED;
    case 'limit': return Exit.MAX_INSNS;
    default: return 0;
  }
}

/** Builds the machine described by the flags (shared by boot, run and debug). */
export function createMachine(o: BootOptions, out: { serial: (b: number) => void; debug: (b: number) => void }): { machine: Machine; image: OpenedImage | null } {
  const memSize = o.mem !== undefined ? parseSize(o.mem, '--mem') : undefined;
  const tlbEntries = o.tlb !== undefined ? parseCount(o.tlb, '--tlb') : undefined;
  const tlbWays = o.tlbWays !== undefined ? parseCount(o.tlbWays, '--tlb-ways') : undefined;
  const diskLatency = o.diskLatency !== undefined ? parseCount(o.diskLatency, '--disk-latency') : undefined;
  const diskFaults = o.diskFail !== undefined ? parseDiskFail(o.diskFail) : undefined;
  if (o.snapshot && !o.disk) throw new UserError('--snapshot needs a disk (--disk FILE)', 2);
  let image: OpenedImage | null = null;
  if (o.disk) {
    try {
      image = openDiskImage(o.disk, o.snapshot ?? false);
    } catch (e) {
      if (e instanceof DiskImageError) throw new UserError(e.message, 1);
      throw e;
    }
  }
  let m: Machine;
  try {
    m = new Machine({ memSize, tlbEntries, tlbWays, diskLatency, diskFaults, disk: image, onSerialOutput: out.serial, onDebugOutput: out.debug });
  } catch (e) {
    image?.close();
    if (e instanceof MachineError) throw new UserError(e.message, 2);
    throw e;
  }
  try {
    m.loadKernel(readInput(o.kernel, 'kernel'), o.append ?? '', o.kernel);
  } catch (e) {
    image?.close();
    if (e instanceof ElfError || e instanceof MachineError) throw new UserError(e.message, 1);
    throw e;
  }
  return { machine: m, image };
}

/** Runs `toy86 boot --kernel FILE ...`; resolves to the exit code. */
export async function boot(o: BootOptions): Promise<number> {
  if (o.traceFile !== undefined && o.trace === undefined) throw new UserError('--trace-file needs --trace KINDS', 2);
  const trace = o.trace !== undefined ? await import('./debugger/trace.js') : null;
  let traceKinds: string[] = [];
  if (trace) {
    try { traceKinds = trace.parseTraceSpec(o.trace!); } catch (e) {
      if (e instanceof trace.TraceSpecError) throw new UserError(`--trace: ${e.message}`, 2);
      throw e;
    }
  }
  // Output is written synchronously so that nothing is lost when the guest powers off.
  let debugFd = 2;
  if (o.debugcon) {
    try { debugFd = openSync(o.debugcon, 'w'); } catch (e) {
      throw new UserError(`cannot write --debugcon '${o.debugcon}': ${(e as Error).message}`, 1);
    }
  }
  const outBuf: number[] = [];
  const flush = () => {
    if (outBuf.length) { writeAllSync(1, Uint8Array.from(outBuf)); outBuf.length = 0; }
  };
  const debugcon = (b: number) => { writeAllSync(debugFd, Uint8Array.of(b)); };
  // Where the machine's output goes: here, or to the debugger after Ctrl-A c (tools/debugger/monitor.ts).
  let serialTo = (b: number) => { outBuf.push(b); if (outBuf.length >= 4096) flush(); };
  let debugTo = debugcon;
  /** Whether a trace line is written (after Ctrl-A c: not for history the debugger re-runs). */
  let traced = (_line: string) => true;
  const { machine: m, image } = createMachine(o, {
    // (Node's raw mode keeps the terminal's own "\n" to "\r\n" output translation on.)
    serial: (b) => serialTo(b),
    debug: (b) => debugTo(b),
  });
  const maxInsns = o.maxInsns !== undefined ? parseCount(o.maxInsns, '--max-insns') : Infinity;
  // --trace: one line per event to --trace-file or stderr (tools/debugger/trace.ts).
  let stopTrace: (() => void) | null = null;
  let traceOut: { write: (line: string) => void; close: () => void } | null = null;
  if (trace) {
    let fd = 2;
    if (o.traceFile !== undefined) {
      try { fd = openSync(o.traceFile, 'w'); } catch (e) {
        image?.close();
        if (debugFd !== 2) closeSync(debugFd);
        throw new UserError(`cannot write --trace-file '${o.traceFile}': ${(e as Error).message}`, 1);
      }
    }
    traceOut = trace.traceSink(fd, writeAllSync, fd !== 2 ? closeSync : undefined);
    let user: ElfFile | null = null;
    if (o.traceElf) { try { user = readElf(o.traceElf, 'program'); } catch { /* no symbols then */ } }
    stopTrace = trace.startTrace(m, traceKinds, (line) => { if (traced(line)) traceOut?.write(line); }, trace.symbolizer([m.kernel, user]));
  }
  /** Ends the trace (its last lines before any message about the stop). */
  const endTrace = () => {
    stopTrace?.(); stopTrace = null;
    traceOut?.close(); traceOut = null;
  };
  // --stats: JSON snapshots of the machine for `toy86 web` (docs/web.md).
  let stats: { close: () => void } | null = null;
  if (o.stats !== undefined) {
    const web = await import('./web/stats.js');
    let socket;
    try { socket = await web.connectStats(o.stats); } catch (e) {
      endTrace();
      image?.close();
      if (debugFd !== 2) closeSync(debugFd);
      if (e instanceof web.StatsError) throw new UserError(e.message, 1);
      throw e;
    }
    stats = web.reportStats(m, socket);
  }
  let quit = false, monitor = false;
  let wake: (() => void) | null = null;
  const con = new HostConsole(m, { onQuit: () => { quit = true; wake?.(); }, onInput: () => wake?.(), onMonitor: () => { monitor = true; wake?.(); } });
  con.open();
  try {
    const CHUNK = 20_000_000;
    for (;;) {
      con.deliver();
      const r = m.run(Math.min(CHUNK, maxInsns - m.clock));
      flush();
      if (quit) return 0;
      if (monitor && !m.stopReason) {
        // Ctrl-A c: the step/trace console takes the machine over from here.
        con.deliver();
        const { runMonitor } = await import('./debugger/monitor.js');
        const program = /(?:^|\s)init=\/bin\/(\S+)/.exec(o.append ?? '')?.[1];
        const code = await runMonitor({
          machine: m, console: con, debugcon,
          target: { kernel: readInput(o.kernel, 'kernel'), kernelPath: o.kernel, disk: image?.data ?? null, append: o.append, maxInsns, program },
          route: (serial, debug, trace) => { serialTo = serial; debugTo = debug; traced = trace; },
        });
        if (code !== null) return code;
        monitor = false;
        continue;
      }
      if (r.kind === 'limit') {
        if (m.clock >= maxInsns) { endTrace(); process.stderr.write(describeStop(m, r) + '\n'); return exitCode(r); }
        await new Promise<void>((res) => setImmediate(res)); // let input arrive
        continue;
      }
      if (r.kind === 'idle') {
        // Halted, waiting for an interrupt that only input can bring.
        if (con.inputEnded || !m.canWake()) {
          endTrace();
          process.stderr.write(`toy86: the CPU is halted and nothing can wake it (eip 0x${(m.cpu.eip >>> 0).toString(16).padStart(8, '0')}, IF=${(m.cpu.state[S.FLAGS] & FL.IF) ? 1 : 0})\n`);
          return Exit.HALTED;
        }
        await new Promise<void>((res) => { wake = res; });
        wake = null;
        continue;
      }
      endTrace();
      const msg = describeStop(m, r);
      if (msg) process.stderr.write(msg + '\n');
      return exitCode(r);
    }
  } finally {
    endTrace();
    stats?.close();
    flush();
    con.close();
    image?.close();
    if (debugFd !== 2) closeSync(debugFd);
  }
}

/**
 * --disk-fail: comma-separated sector ranges that fail with a media error — `N`, `N-M` — each
 * optionally `:r` (reads only) or `:w` (writes only).
 */
export function parseDiskFail(v: string): DiskFault[] {
  return v.split(',').map((part) => {
    const m = /^(\d+)(?:-(\d+))?(?::([rw]))?$/.exec(part.trim());
    if (!m) throw new UserError(`--disk-fail: '${part}' is not a sector, a range N-M, with an optional :r or :w`, 2);
    const start = Number(m[1]), end = m[2] !== undefined ? Number(m[2]) : start;
    if (end < start) throw new UserError(`--disk-fail: the range ${part} ends before it starts`, 2);
    return { start, count: end - start + 1, read: m[3] === undefined ? undefined : m[3] === 'r', write: m[3] === undefined ? undefined : m[3] === 'w' };
  });
}
