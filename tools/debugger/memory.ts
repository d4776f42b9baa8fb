// Guest memory as the debugger sees it: virtual reads and writes through the current page tables
// (Machine.translate: no TLB fill, no A/D bits, nothing the guest could notice), physical reads
// that refuse addresses beyond RAM (SPEC §2.1: the open bus is flagged, not shown), and the
// kernel's direct map for the kernel-aware views.

import type { Machine } from '../../emulator/machine.js';

/** A mistake in a command, or something the guest's state does not allow: one line, the session goes on. */
export class DebugError extends Error {}

export const KERNBASE = 0xc0000000;

export const hex = (v: number) => '0x' + (v >>> 0).toString(16);
export const hex8 = (v: number) => '0x' + (v >>> 0).toString(16).padStart(8, '0');
export const pad8 = (v: number) => (v >>> 0).toString(16).padStart(8, '0');

export function cannotAccess(addr: number): DebugError {
  return new DebugError(`Cannot access memory at address ${hex(addr)}`);
}

/** The physical address of a virtual one under the current CR3, or an error naming it. */
export function virtToPhys(m: Machine, addr: number): number {
  const p = m.translate(addr >>> 0);
  if (p === null || p >= m.memSize) throw cannotAccess(addr);
  return p;
}

/** Bytes at a virtual address (each page translated on its own). */
export function readVirt(m: Machine, addr: number, len: number): Uint8Array {
  const out = new Uint8Array(len);
  let i = 0;
  while (i < len) {
    const a = (addr + i) >>> 0;
    const p = virtToPhys(m, a);
    const n = Math.min(len - i, 4096 - (a & 0xfff));
    out.set(m.mem8.subarray(p, p + n), i);
    i += n;
  }
  return out;
}

export function readVirtN(m: Machine, addr: number, size: number): number {
  const b = readVirt(m, addr, size);
  let v = 0;
  for (let i = size - 1; i >= 0; i--) v = v * 256 + b[i];
  return v >>> 0;
}

/** Physical writes that a virtual write comes to (for the session's log). */
export function virtWrites(m: Machine, addr: number, bytes: Uint8Array): { phys: number; bytes: Uint8Array }[] {
  const out: { phys: number; bytes: Uint8Array }[] = [];
  let i = 0;
  while (i < bytes.length) {
    const a = (addr + i) >>> 0;
    const p = virtToPhys(m, a);
    const n = Math.min(bytes.length - i, 4096 - (a & 0xfff));
    out.push({ phys: p, bytes: bytes.slice(i, i + n) });
    i += n;
  }
  return out;
}

/** Bytes at a physical address; beyond RAM is an error. */
export function readPhys(m: Machine, addr: number, len: number): Uint8Array {
  const a = addr >>> 0;
  if (a + len > m.memSize) {
    throw new DebugError(`Cannot access memory at physical address ${hex(Math.max(a, m.memSize))}: beyond RAM (${m.memSize / 1048576} MiB; the open bus reads as 0xff)`);
  }
  return m.mem8.slice(a, a + len);
}

/** Reads of kernel data through the kernel's direct map (physical p at KERNBASE + p), valid at any time. */
export class KernelMemory {
  constructor(private readonly m: Machine) {}

  private phys(addr: number, len: number): number {
    const a = addr >>> 0;
    if (a < KERNBASE) throw new DebugError(`${hex(a)} is not a kernel address`);
    const p = a - KERNBASE;
    if (p + len > this.m.memSize) throw cannotAccess(a);
    return p;
  }
  u8(addr: number): number {
    return this.m.mem8[this.phys(addr, 1)];
  }
  u32(addr: number): number {
    const p = this.phys(addr, 4);
    const b = this.m.mem8;
    return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
  }
  i32(addr: number): number {
    return this.u32(addr) | 0;
  }
  bytes(addr: number, len: number): Uint8Array {
    const p = this.phys(addr, len);
    return this.m.mem8.slice(p, p + len);
  }
  /** A NUL-terminated string of at most max bytes. */
  cstring(addr: number, max: number): string {
    const b = this.bytes(addr, max);
    let s = '';
    for (const c of b) { if (c === 0) break; s += String.fromCharCode(c); }
    return s;
  }
}

/** A string as gdb quotes it. */
export function quote(bytes: Iterable<number>): string {
  let s = '"';
  for (const c of bytes) s += charText(c, '"');
  return s + '"';
}

/** One character as C writes it inside quotes. */
export function charText(c: number, q: string): string {
  switch (c) {
    case 0: return '\\000';
    case 7: return '\\a';
    case 8: return '\\b';
    case 9: return '\\t';
    case 10: return '\\n';
    case 11: return '\\v';
    case 12: return '\\f';
    case 13: return '\\r';
    case 27: return '\\033';
    case 92: return '\\\\';
    default:
      if (String.fromCharCode(c) === q) return '\\' + q;
      return c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '\\' + c.toString(8).padStart(3, '0');
  }
}
