// The MMU: IA-32 32-bit paging (SDM vol. 3 ch. 4, SPEC §2.4), an architectural TLB with
// configurable geometry and IA-32's coherence rules, and the soft TLB that mirrors it for the
// interpreter's fast path (PERFORMANCE.md, note 2).
//
// Linear address, 4 KiB page:        Linear address, 4 MiB page (CR4.PSE and PDE.PS):
//   31        22 21        12 11   0    31        22 21                    0
//  | directory  |   table    | offset| | directory  |        offset        |
//
// Page-directory / page-table entry:
//   31                 12 11  9  8   7   6   5   4   3   2   1   0
//  |  frame (or table)   | avl | G | PS | D | A |PCD|PWT|U/S|R/W| P |
//
// The soft TLB is direct-mapped by virtual page number: for each slot, a tag per access kind
// (read or write, supervisor or user) holding the page's linear base when that access may go
// straight to RAM, and an addend from linear to physical index. Slots are filled only from
// translations the architectural TLB holds (or, with paging off, from the identity map), and are
// cleared whenever that entry leaves the TLB; so the fast path never outlives the TLB it mirrors.
// A write tag is set only when the page is writable and already dirty, so a first write walks
// again and sets D.

import { S, CR, Vec } from '../cpu/state.js';

/** log2 of the soft TLB's slot count (direct-mapped by virtual page number). */
export const SOFT_TLB_BITS = 10;
export const SOFT_TLB_SIZE = 1 << SOFT_TLB_BITS;

export const enum PTE {
  P = 0x1, RW = 0x2, US = 0x4, PWT = 0x8, PCD = 0x10, A = 0x20, D = 0x40, PS = 0x80, G = 0x100,
}

/** Page-fault error code bits (SPEC §2.4). */
export const enum PFErr { P = 0x1, W = 0x2, U = 0x4, I = 0x10 }

/** Access kinds. */
export const enum Acc { Read = 0, Write = 1, Fetch = 2 }

/** Entry flags cached in the architectural TLB. */
const enum TF { USER = 1, WRITE = 2, DIRTY = 4, GLOBAL = 8, LARGE = 16 }

export interface TLBGeometry {
  /** Total entries (a power of two). */
  entries: number;
  /** Ways per set (a power of two, at most entries). */
  ways: number;
}

/** Counters kept by the TLB (SPEC §2.4). */
export const enum TLBStat { HITS = 0, MISSES, EVICTIONS, FLUSHES, WALKS, SIZE }

const INVALID = 1; // never a page base

export interface PhysMemory {
  readonly ramSize: number;
  readonly mem8: Uint8Array;
  readonly mem32: Int32Array;
}

/** Reads a 32-bit physical word (open bus: all ones outside RAM). */
export function physRead32(m: PhysMemory, addr: number): number {
  const a = addr >>> 0;
  if (a + 4 > m.ramSize) return -1;
  if ((a & 3) === 0) return m.mem32[a >>> 2];
  const b = m.mem8;
  return b[a] | (b[a + 1] << 8) | (b[a + 2] << 16) | (b[a + 3] << 24);
}
function physWrite32(m: PhysMemory, addr: number, v: number): void {
  const a = addr >>> 0;
  if (a + 4 > m.ramSize) return;
  if ((a & 3) === 0) m.mem32[a >>> 2] = v;
}

export class MMU {
  // Soft TLB, indexed by virtual page number & (SOFT_TLB_SIZE - 1).
  readonly tagRS = new Int32Array(SOFT_TLB_SIZE).fill(INVALID);
  readonly tagWS = new Int32Array(SOFT_TLB_SIZE).fill(INVALID);
  readonly tagRU = new Int32Array(SOFT_TLB_SIZE).fill(INVALID);
  readonly tagWU = new Int32Array(SOFT_TLB_SIZE).fill(INVALID);
  readonly addend = new Int32Array(SOFT_TLB_SIZE);
  /** Linear page base held by each soft slot (INVALID when empty). */
  readonly softPage = new Int32Array(SOFT_TLB_SIZE).fill(INVALID);
  /** When each soft slot was last used by the interpreter's fast path (the clock). */
  readonly softUse = new Float64Array(SOFT_TLB_SIZE);

  // Architectural TLB: sets × ways, each entry a linear page base, a physical frame, flags and an
  // LRU stamp.
  readonly sets: number;
  readonly ways: number;
  readonly tlbPage: Int32Array;
  readonly tlbFrame: Int32Array;
  readonly tlbFlags: Int32Array;
  readonly tlbStamp: Float64Array;
  readonly stats = new Float64Array(TLBStat.SIZE);
  /** The linear page the CPU is fetching from (used now, though the fetch path does not stamp it). */
  codePage = INVALID;
  /** Linear pages with a watchpoint: never in the soft TLB, so every access reaches the CPU's checks. */
  readonly watchedPages = new Set<number>();
  /** Called when an entry leaves the TLB or the TLB is flushed (tracing). */
  onEvent: ((what: 'fill' | 'evict' | 'flush' | 'invlpg', page: number) => void) | null = null;

  /** The fault found by the last failing translate(): vector 14 with this error code. */
  faultCode = 0;
  faultAddr = 0;

  /** `now` gives the machine's clock, for the LRU stamps. */
  constructor(private readonly st: Int32Array, private readonly pm: PhysMemory, geometry: TLBGeometry,
              private readonly now: () => number) {
    this.ways = geometry.ways;
    this.sets = geometry.entries / geometry.ways;
    const n = geometry.entries;
    this.tlbPage = new Int32Array(n).fill(INVALID);
    this.tlbFrame = new Int32Array(n);
    this.tlbFlags = new Int32Array(n);
    this.tlbStamp = new Float64Array(n);
  }

  get pagingOn(): boolean {
    return (this.st[S.CR0] & CR.PG) !== 0;
  }

  /**
   * Translates a linear address for an access by a supervisor (user = false) or user access;
   * returns the physical address (>= 0, as an unsigned number) or -1 after recording a page fault
   * in faultCode/faultAddr. Fills the TLB and the soft TLB on success.
   */
  translate(addr: number, acc: Acc, user: boolean): number {
    const page = addr & ~0xfff;
    if (!this.pagingOn) {
      this.fillSoft(page, page, true, true, true, true);
      return addr >>> 0;
    }
    const write = acc === Acc.Write;
    const i = this.lookup(page);
    if (i >= 0) {
      const f = this.tlbFlags[i];
      if (!this.allowed(f, write, user)) return this.fault(addr, PFErr.P, acc, user, i);
      if (!write || f & TF.DIRTY) {
        this.stats[TLBStat.HITS]++;
        this.tlbStamp[i] = this.now();
        this.mirror(i);
        return (this.tlbFrame[i] | (addr & 0xfff)) >>> 0;
      }
      // A write through an entry cached before D was set walks again to set it (SDM 4.8).
    } else {
      this.stats[TLBStat.MISSES]++;
    }
    return this.walk(addr, acc, user, i);
  }

  /** Rights of a cached entry for an access (SDM 4.6). */
  private allowed(f: number, write: boolean, user: boolean): boolean {
    if (user) return (f & TF.USER) !== 0 && (!write || (f & TF.WRITE) !== 0);
    return !write || (f & TF.WRITE) !== 0 || (this.st[S.CR0] & CR.WP) === 0;
  }

  /**
   * The page walk (cold path). Sets A in each entry it uses and D in the final entry on a write;
   * an access that is refused sets neither in the final entry.
   */
  private walk(addr: number, acc: Acc, user: boolean, cached: number): number {
    const st = this.st;
    const pm = this.pm;
    const write = acc === Acc.Write;
    this.stats[TLBStat.WALKS]++;
    const pdeAddr = ((st[S.CR3] & ~0xfff) | ((addr >>> 22) << 2)) >>> 0;
    let pde = physRead32(pm, pdeAddr);
    if ((pde & PTE.P) === 0) return this.fault(addr, 0, acc, user, cached);
    const large = (pde & PTE.PS) !== 0 && (st[S.CR4] & CR.PSE) !== 0;
    let frame: number;
    let flags: number;
    if (large) {
      flags = this.rights(pde, pde) | TF.LARGE;
      if (!this.allowed(flags, write, user)) return this.fault(addr, PFErr.P, acc, user, cached);
      pde |= PTE.A | (write ? PTE.D : 0);
      physWrite32(pm, pdeAddr, pde);
      frame = (pde & 0xffc00000) | (addr & 0x3ff000);
      if (pde & PTE.D) flags |= TF.DIRTY;
      if (pde & PTE.G && st[S.CR4] & CR.PGE) flags |= TF.GLOBAL;
    } else {
      if ((pde & PTE.A) === 0) physWrite32(pm, pdeAddr, (pde |= PTE.A));
      const pteAddr = ((pde & ~0xfff) | (((addr >>> 12) & 0x3ff) << 2)) >>> 0;
      let pte = physRead32(pm, pteAddr);
      if ((pte & PTE.P) === 0) return this.fault(addr, 0, acc, user, cached);
      flags = this.rights(pde, pte);
      if (!this.allowed(flags, write, user)) return this.fault(addr, PFErr.P, acc, user, cached);
      pte |= PTE.A | (write ? PTE.D : 0);
      physWrite32(pm, pteAddr, pte);
      frame = pte & ~0xfff;
      if (pte & PTE.D) flags |= TF.DIRTY;
      if (pte & PTE.G && st[S.CR4] & CR.PGE) flags |= TF.GLOBAL;
    }
    const i = cached >= 0 ? cached : this.insert(addr & ~0xfff);
    this.tlbFrame[i] = frame;
    this.tlbFlags[i] = flags;
    this.tlbStamp[i] = this.now();
    this.mirror(i);
    if (this.onEvent) this.onEvent('fill', addr & ~0xfff);
    return (frame | (addr & 0xfff)) >>> 0;
  }

  /** Combined rights of a directory and a table entry: user only if both, writable only if both. */
  private rights(pde: number, pte: number): number {
    return (pde & pte & PTE.US ? TF.USER : 0) | (pde & pte & PTE.RW ? TF.WRITE : 0);
  }

  /** Records a page fault; a #PF drops the TLB entry for its page (SDM 4.10.4.1). */
  private fault(addr: number, p: number, acc: Acc, user: boolean, cached: number): number {
    this.faultAddr = addr;
    this.faultCode = p | (acc === Acc.Write ? PFErr.W : 0) | (user ? PFErr.U : 0) | (acc === Acc.Fetch ? PFErr.I : 0);
    if (cached >= 0) this.evict(cached);
    else {
      const j = this.lookup(addr & ~0xfff);
      if (j >= 0) this.evict(j);
    }
    return -1;
  }

  /** Index of the entry holding a linear page (4 KiB, or inside a cached 4 MiB page), or -1. */
  lookup(page: number): number {
    const base = (((page >>> 12) & (this.sets - 1)) * this.ways) | 0;
    for (let w = 0; w < this.ways; w++) {
      if (this.tlbPage[base + w] === page) return base + w;
    }
    return -1;
  }

  /**
   * When an entry was last used: its own stamp, the fast path's stamp of its soft slot, or now if
   * it maps the page the CPU is fetching from.
   */
  private lastUse(i: number): number {
    const page = this.tlbPage[i];
    if (page === this.codePage) return Infinity;
    const s = (page >>> 12) & (SOFT_TLB_SIZE - 1);
    return this.softPage[s] === page ? Math.max(this.tlbStamp[i], this.softUse[s]) : this.tlbStamp[i];
  }

  /**
   * Claims a slot for page in its set, evicting the least recently used entry of a full set
   * (ties: the lowest way).
   */
  private insert(page: number): number {
    const base = (((page >>> 12) & (this.sets - 1)) * this.ways) | 0;
    let victim = -1;
    let oldest = Infinity;
    for (let w = 0; w < this.ways; w++) {
      const i = base + w;
      if (this.tlbPage[i] === INVALID) { victim = i; break; }
      const used = this.lastUse(i);
      if (victim < 0 || used < oldest) { victim = i; oldest = used; }
    }
    if (this.tlbPage[victim] !== INVALID) {
      this.stats[TLBStat.EVICTIONS]++;
      if (this.onEvent) this.onEvent('evict', this.tlbPage[victim]);
      this.evict(victim);
    }
    this.tlbPage[victim] = page;
    return victim;
  }

  /** Removes an entry and its soft-TLB mirror. */
  private evict(i: number): void {
    this.clearSoft(this.tlbPage[i]);
    this.tlbPage[i] = INVALID;
  }

  /** Mirrors an architectural entry into the soft TLB (only RAM-backed pages). */
  private mirror(i: number): void {
    const f = this.tlbFlags[i];
    const wp = (this.st[S.CR0] & CR.WP) !== 0;
    const dirty = (f & TF.DIRTY) !== 0;
    this.fillSoft(this.tlbPage[i], this.tlbFrame[i], true, dirty && ((f & TF.WRITE) !== 0 || !wp),
      (f & TF.USER) !== 0, dirty && (f & TF.USER) !== 0 && (f & TF.WRITE) !== 0);
  }

  private fillSoft(page: number, frame: number, rs: boolean, ws: boolean, ru: boolean, wu: boolean): void {
    if ((frame >>> 0) + 4096 > this.pm.ramSize) return; // open bus: always the slow path
    if (this.watchedPages.size && this.watchedPages.has(page)) return;
    const s = (page >>> 12) & (SOFT_TLB_SIZE - 1);
    // The slot's previous page keeps its last use in the architectural stamp.
    const old = this.softPage[s];
    if (old !== INVALID && old !== page) this.foldUse(old, s);
    this.softPage[s] = page;
    this.tagRS[s] = rs ? page : INVALID;
    this.tagWS[s] = ws ? page : INVALID;
    this.tagRU[s] = ru ? page : INVALID;
    this.tagWU[s] = wu ? page : INVALID;
    this.addend[s] = (frame - page) | 0;
  }

  /** Records that the entry for a linear page was used at time t (if the TLB holds it). */
  touch(page: number, t: number): void {
    if (page === INVALID || !this.pagingOn) return;
    const i = this.lookup(page);
    if (i >= 0 && t > this.tlbStamp[i]) this.tlbStamp[i] = t;
  }

  /** Moves a soft slot's last use into the architectural entry it mirrors. */
  private foldUse(page: number, s: number): void {
    if (!this.pagingOn) return;
    const i = this.lookup(page);
    if (i >= 0 && this.softUse[s] > this.tlbStamp[i]) this.tlbStamp[i] = this.softUse[s];
  }

  private clearSoft(page: number): void {
    const s = (page >>> 12) & (SOFT_TLB_SIZE - 1);
    if (this.softPage[s] !== page) return;
    this.softPage[s] = INVALID;
    this.tagRS[s] = this.tagWS[s] = this.tagRU[s] = this.tagWU[s] = INVALID;
  }

  /** INVLPG: drops the entry for one page, global or not (and a 4 MiB entry covering it). */
  invalidatePage(addr: number): void {
    const page = addr & ~0xfff;
    for (let i = 0; i < this.tlbPage.length; i++) {
      const p = this.tlbPage[i];
      if (p === INVALID) continue;
      if (p === page || (this.tlbFlags[i] & TF.LARGE && ((p ^ page) & 0xffc00000) === 0)) this.evict(i);
    }
    this.clearSoft(page);
    this.stats[TLBStat.FLUSHES]++;
    if (this.onEvent) this.onEvent('invlpg', page);
  }

  /** A CR3 write: drops every non-global entry (all of them when `all`). */
  flush(all: boolean): void {
    for (let i = 0; i < this.tlbPage.length; i++) {
      if (this.tlbPage[i] !== INVALID && (all || (this.tlbFlags[i] & TF.GLOBAL) === 0)) this.evict(i);
    }
    if (all || !this.pagingOn) this.clearAllSoft();
    this.stats[TLBStat.FLUSHES]++;
    if (this.onEvent) this.onEvent('flush', all ? -1 : 0);
  }

  /**
   * Empties the soft TLB (paging switched on or off, WP changed, watchpoints changed). Each
   * slot's last use goes into the entry it mirrors first, so the TLB's LRU order — and with it
   * what the guest sees — does not depend on when the soft TLB was emptied.
   */
  clearAllSoft(): void {
    for (let s = 0; s < SOFT_TLB_SIZE; s++) {
      const p = this.softPage[s];
      if (p !== INVALID) this.foldUse(p, s);
    }
    this.softPage.fill(INVALID);
    this.tagRS.fill(INVALID);
    this.tagWS.fill(INVALID);
    this.tagRU.fill(INVALID);
    this.tagWU.fill(INVALID);
  }

  /** Entries currently held, for the debugger: [page, frame, flags] triples. */
  entries(): { page: number; frame: number; user: boolean; write: boolean; dirty: boolean; global: boolean; large: boolean }[] {
    const out = [];
    for (let i = 0; i < this.tlbPage.length; i++) {
      if (this.tlbPage[i] === INVALID) continue;
      const f = this.tlbFlags[i];
      out.push({
        page: this.tlbPage[i] >>> 0, frame: this.tlbFrame[i] >>> 0, user: !!(f & TF.USER),
        write: !!(f & TF.WRITE), dirty: !!(f & TF.DIRTY), global: !!(f & TF.GLOBAL), large: !!(f & TF.LARGE),
      });
    }
    return out;
  }

  /** The page-fault vector, for callers that raise what translate() recorded. */
  static readonly PF = Vec.PF;
}
