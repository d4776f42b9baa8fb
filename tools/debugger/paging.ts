// The paging views (docs/debugger.md, "Paging"): `walk` — the page walk of one linear address
// step by step with the outcome of an access in words (SDM 4.3 and 4.6, SPEC §2.4) — `info tlb`,
// the architectural TLB's entries and counters, and `info mem`, an address space's mappings
// merged as QEMU's `info mem` merges them. Nothing here changes the machine: entries are read
// from physical memory, not walked by the MMU.

import type { Machine } from '../../emulator/machine.js';
import { S, CR } from '../../emulator/cpu/state.js';
import { hex8, pad8 } from './memory.js';

const P = 0x1, RW = 0x2, US = 0x4, PWT = 0x8, PCD = 0x10, A = 0x20, D = 0x40, PS = 0x80, G = 0x100;
/** Bits the CPU leaves to the kernel, as toy86's kernel uses them (kernel/vm.ts, kernel/swap.ts). */
const PTE_COW = 0x200, PTE_SWAP = 0x400;

export interface Access {
  write: boolean;
  fetch: boolean;
  /** CPL 3 (a user access) or CPL 0. */
  user: boolean;
}

export function accessText(a: Access): string {
  return `${a.fetch ? 'instruction fetch' : a.write ? 'write' : 'read'} by CPL ${a.user ? 3 : 0}`;
}

/** The names of an entry's set bits, in bit order, and what the kernel's own bits mean. */
export function entryBits(e: number, directory: boolean): string {
  if ((e & P) === 0) {
    if (e === 0) return 'not present (empty)';
    if (!directory && e & PTE_SWAP) return `not present (swap entry: slot ${(e >>> 12) - 1})`;
    return 'not present';
  }
  const names: string[] = ['P'];
  if (e & RW) names.push('RW');
  if (e & US) names.push('U');
  if (e & PWT) names.push('PWT');
  if (e & PCD) names.push('PCD');
  if (e & A) names.push('A');
  if (e & D) names.push('D');
  if (e & PS && directory) names.push('PS');
  if (e & G) names.push('G');
  if (e & PTE_COW && !directory) names.push('COW');
  const avl = (e >> 9) & 7 & ~(directory ? 0 : 1);
  if (avl) names.push(`avl=${avl}`);
  const notes: string[] = [];
  if (!(e & RW)) notes.push('read-only');
  if (!(e & US)) notes.push('supervisor');
  return names.join(' ') + (notes.length ? ` (${notes.join(', ')})` : '');
}

/**
 * The walk of `vaddr` under the page directory at physical `cr3`, for an access: one line per
 * entry read, then the outcome.
 */
export function walk(m: Machine, vaddr: number, cr3: number, acc: Access): string[] {
  const st = m.cpu.state;
  const a = vaddr >>> 0;
  const out: string[] = [];
  const what = accessText(acc);
  if ((st[S.CR0] & CR.PG) === 0) {
    out.push(`paging is off (CR0.PG = 0): linear address ${hex8(a)} is physical address ${hex8(a)}${a >= m.memSize ? ' (beyond RAM: the open bus)' : ''}`);
    return out;
  }
  const dir = a >>> 22, tbl = (a >>> 12) & 0x3ff;
  const pdeAddr = ((cr3 & ~0xfff) + dir * 4) >>> 0;
  const pde = m.readPhys32(pdeAddr) >>> 0;
  const idx = (n: number) => '0x' + n.toString(16).padStart(3, '0');
  const err = (p: boolean) => (p ? 1 : 0) | (acc.write ? 2 : 0) | (acc.user ? 4 : 0) | (acc.fetch ? 0x10 : 0);
  const fault = (reason: string, present: boolean) => `${reason}: ${present ? 'protection fault' : 'page fault'} (error ${'0x' + err(present).toString(16)})`;
  const large = (pde & PS) !== 0 && (st[S.CR4] & CR.PSE) !== 0;
  let line = `PDE[${idx(dir)}] @ ${hex8(pdeAddr)} = ${hex8(pde)}  ${entryBits(pde, true)}`;
  if (pdeAddr + 4 > m.memSize) line += ' (beyond RAM: the open bus)';
  if (!(pde & P)) {
    out.push(line);
    out.push(fault(`${what}: the page directory entry is not present`, false));
    return out;
  }
  if (large) {
    const frame = (pde & 0xffc00000) >>> 0;
    out.push(`${line} -> 4 MiB page ${hex8(frame)}`);
    out.push(outcome(m, acc, pde, pde, (frame | (a & 0x3fffff)) >>> 0, fault, true));
    return out;
  }
  out.push(`${line} -> page table ${hex8(pde & ~0xfff)}${pde & PS ? ' (PS ignored: CR4.PSE = 0)' : ''}`);
  const pteAddr = ((pde & ~0xfff) + tbl * 4) >>> 0;
  const pte = m.readPhys32(pteAddr) >>> 0;
  line = `PTE[${idx(tbl)}] @ ${hex8(pteAddr)} = ${hex8(pte)}  ${entryBits(pte, false)}`;
  if (pteAddr + 4 > m.memSize) line += ' (beyond RAM: the open bus)';
  out.push(line);
  if (!(pte & P)) {
    const swap = pte & PTE_SWAP ? ` (the kernel keeps it in swap slot ${(pte >>> 12) - 1})` : '';
    out.push(fault(`${what}: the page table entry is not present${swap}`, false));
    return out;
  }
  out.push(outcome(m, acc, pde, pte, ((pte & ~0xfff) | (a & 0xfff)) >>> 0, fault, false));
  return out;
}

/** The rights check of SDM 4.6 on a present translation: the physical address, or why it faults. */
function outcome(m: Machine, acc: Access, pde: number, pte: number, phys: number,
                 fault: (reason: string, present: boolean) => string, large: boolean): string {
  const what = accessText(acc);
  const wp = (m.cpu.state[S.CR0] & CR.WP) !== 0;
  if (acc.user) {
    if (!(pde & US) || !(pte & US)) {
      const where = !(pde & US) && !large ? ' (U/S = 0 in the page directory entry)' : '';
      return fault(`${what} of a supervisor page${where}`, true);
    }
    if (acc.write && (!(pde & RW) || !(pte & RW))) {
      const where = !(pde & RW) && !large ? ' (R/W = 0 in the page directory entry)' : '';
      const cow = pte & PTE_COW ? ', marked copy-on-write' : '';
      return fault(`${what} to a read-only user page${where}${cow}`, true);
    }
  } else if (acc.write && wp && (!(pde & RW) || !(pte & RW))) {
    const cow = pte & PTE_COW ? ', marked copy-on-write' : '';
    return fault(`${what} to a read-only page with CR0.WP = 1${cow}`, true);
  }
  return `${what}: physical address ${hex8(phys)}${phys >= m.memSize ? ' (beyond RAM: the open bus)' : ''}`;
}

/** `info tlb`: the geometry, the counters and every entry held, by set and way. */
export function tlbInfo(m: Machine): string[] {
  const mmu = m.cpu.mmu;
  const st = mmu.stats;
  const entries = mmu.entries();
  const out = [
    `TLB: ${mmu.sets * mmu.ways} entries in ${mmu.sets} set${mmu.sets === 1 ? '' : 's'} of ${mmu.ways} way${mmu.ways === 1 ? '' : 's'}, ${entries.length} in use`,
    `hits ${st[0]}, misses ${st[1]}, evictions ${st[2]}, flushes ${st[3]}, walks ${st[4]}`,
  ];
  if (entries.length === 0) return out;
  out.push('set way  linear    physical  flags');
  const rows = entries.map((e) => {
    const i = mmu.lookup(e.page | 0);
    return { e, set: Math.floor(i / mmu.ways), way: i % mmu.ways };
  }).sort((x, y) => x.set - y.set || x.way - y.way);
  for (const { e, set, way } of rows) {
    // QEMU's `info tlb` columns: NX G PS D A PCD PWT U W.
    const flags = '-' + (e.global ? 'G' : '-') + (e.large ? 'P' : '-') + (e.dirty ? 'D' : '-') + 'A--' + (e.user ? 'U' : '-') + (e.write ? 'W' : '-');
    out.push(`${String(set).padStart(3)} ${String(way).padStart(3)}  ${pad8(e.page)}: ${pad8(e.frame)} ${flags}`);
  }
  return out;
}

/**
 * `info mem`: present mappings under the page directory at `cr3`, contiguous ranges with the same
 * rights merged, as QEMU prints them: start-end size and u/r/w.
 */
export function memInfo(m: Machine, cr3: number): string[] {
  const st = m.cpu.state;
  if ((st[S.CR0] & CR.PG) === 0) return ['PG disabled'];
  const pse = (st[S.CR4] & CR.PSE) !== 0;
  const out: string[] = [];
  let start = -1, end = -1, prot = '';
  const emit = () => {
    if (start >= 0) out.push(`${pad8(start)}-${pad8(end)} ${pad8(end - start)} ${prot}`);
    start = -1;
  };
  const add = (va: number, size: number, p: string) => {
    if (start >= 0 && va === end && p === prot) { end += size; return; }
    emit();
    start = va; end = va + size; prot = p;
  };
  const rights = (e: number) => (e & US ? 'u' : '-') + 'r' + (e & RW ? 'w' : '-');
  for (let d = 0; d < 1024; d++) {
    const pde = m.readPhys32(((cr3 & ~0xfff) + d * 4) >>> 0) >>> 0;
    const base = d * 0x400000;
    if (!(pde & P)) { emit(); continue; }
    if (pde & PS && pse) { add(base, 0x400000, rights(pde)); continue; }
    for (let t = 0; t < 1024; t++) {
      const pte = m.readPhys32(((pde & ~0xfff) + t * 4) >>> 0) >>> 0;
      if (!(pte & P)) { emit(); continue; }
      add(base + t * 4096, 4096, rights(pde & pte));
    }
  }
  emit();
  return out.length ? out : ['(no mappings)'];
}
