// The machine's views on the page (docs/web.md): the frame grid, the rate charts, the TLB's hit
// rate, the disk's counters and the fault log, each drawn from the snapshots of the statistics
// channel (protocol.ts StatsMessage). Rates are differences between consecutive snapshots over
// the wall time between them.

import { FrameKind, type FaultRecord, type StatsMessage } from '../protocol';

const css = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

/** The frame kinds, in the order of FrameKind, with their legend names and colours. */
const KINDS: { kind: FrameKind; name: string; colour: string }[] = [
  { kind: FrameKind.FREE, name: 'free', colour: '--free' },
  { kind: FrameKind.RESERVED, name: 'kernel image', colour: '--reserved' },
  { kind: FrameKind.KERNEL, name: 'kernel', colour: '--kernel' },
  { kind: FrameKind.USER, name: 'user', colour: '--user' },
  { kind: FrameKind.FILE, name: 'page cache (file)', colour: '--file' },
  { kind: FrameKind.PINNED, name: 'pinned (to swap)', colour: '--pinned' },
];

function element<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`the page has no #${id}`);
  return e as T;
}

/** A canvas sized to its box in device pixels; returns its context and size in CSS pixels. */
function fitCanvas(c: HTMLCanvasElement, height: number): { g: CanvasRenderingContext2D; w: number; h: number } {
  const dpr = window.devicePixelRatio || 1;
  const w = c.clientWidth || 300;
  if (c.width !== Math.round(w * dpr) || c.height !== Math.round(height * dpr)) {
    c.width = Math.round(w * dpr);
    c.height = Math.round(height * dpr);
    c.style.height = `${height}px`;
  }
  const g = c.getContext('2d')!;
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  return { g, w, h: height };
}

/** A legend: one item per key, each with a swatch colour and a value that can change. */
class Legend {
  private readonly items = new Map<string, HTMLElement>();
  constructor(private readonly list: HTMLElement) {}
  set(key: string, label: string, value: string, colour?: string): void {
    let li = this.items.get(key);
    if (!li) {
      li = document.createElement('li');
      li.dataset.key = key;
      if (colour) li.style.setProperty('--swatch', css(colour)); else li.className = 'plain';
      this.list.appendChild(li);
      this.items.set(key, li);
    }
    li.dataset.value = value;
    li.innerHTML = '';
    li.append(`${label} `);
    const b = document.createElement('b');
    b.textContent = value;
    li.appendChild(b);
  }
}

/** Physical memory: one cell per frame, coloured by what holds it. */
export class FrameGrid {
  private readonly canvas = element<HTMLCanvasElement>('frames');
  private readonly legend = new Legend(element('frames-legend'));
  private readonly summary = element('frames-summary');
  private last = '';

  draw(frames: string): void {
    if (frames === this.last && this.canvas.width > 0) return;
    this.last = frames;
    const n = frames.length;
    const w = this.canvas.clientWidth || 300;
    // Square cells as large as fit: columns a multiple of 16 (64 KiB per row group).
    let cell = 12;
    while (cell > 1 && Math.ceil(n / Math.floor(w / cell)) * cell > 240) cell--;
    const cols = Math.max(1, Math.floor(w / cell));
    const rows = Math.ceil(n / cols);
    const { g } = fitCanvas(this.canvas, Math.max(cell, rows * cell));
    g.clearRect(0, 0, w, rows * cell);
    const colours = KINDS.map((k) => css(k.colour));
    const counts = new Array<number>(KINDS.length).fill(0);
    const gap = cell >= 4 ? 1 : 0;
    for (let i = 0; i < n; i++) {
      const k = frames.charCodeAt(i) - 48;
      counts[k]++;
      g.fillStyle = colours[k] ?? '#f0f';
      g.fillRect((i % cols) * cell, Math.floor(i / cols) * cell, cell - gap, cell - gap);
    }
    for (const k of KINDS) this.legend.set(KINDS_KEY[k.kind], k.name, String(counts[k.kind]), k.colour);
    this.summary.textContent = n ? `${n} frames of 4 KiB (${(n * 4) / 1024} MiB)` : 'the kernel has not built its frame table yet';
  }
}

const KINDS_KEY: Record<FrameKind, string> = {
  [FrameKind.FREE]: 'free', [FrameKind.RESERVED]: 'reserved', [FrameKind.KERNEL]: 'kernel',
  [FrameKind.USER]: 'user', [FrameKind.FILE]: 'file', [FrameKind.PINNED]: 'pinned',
};

/**
 * The lower end of a percentage chart's axis: 100 less the smallest power of ten that holds every
 * value's distance below 100 (99.9 for values from 99.9 to 100, 99 down to 99, 90, then 0), so
 * that a rate that stays near 100% still shows its changes.
 */
export function percentFloor(values: number[]): number {
  const below = Math.max(0, ...values.map((v) => 100 - v));
  if (below <= 0.1) return 99.9;
  if (below >= 10) return 0;
  return 100 - 10 ** Math.ceil(Math.log10(below));
}

/** A small line chart of the last POINTS values of a few series. */
export class Chart {
  static readonly POINTS = 120;
  private readonly data: number[][];
  private readonly canvas: HTMLCanvasElement;

  /** `percent`: the values are percentages, drawn from percentFloor() (labelled) to 100%. */
  constructor(id: string, private readonly colours: string[], private readonly height: number, private readonly percent = false) {
    this.canvas = element<HTMLCanvasElement>(id);
    this.data = colours.map(() => []);
  }

  push(values: number[]): void {
    values.forEach((v, i) => {
      const d = this.data[i];
      d.push(v);
      if (d.length > Chart.POINTS) d.shift();
    });
    this.draw();
  }

  private draw(): void {
    const { g, w, h } = fitCanvas(this.canvas, this.height);
    g.clearRect(0, 0, w, h);
    const max = this.percent ? 100 : Math.max(1, ...this.data.flat());
    const min = this.percent ? percentFloor(this.data.flat()) : 0;
    this.canvas.dataset.min = String(min);
    g.strokeStyle = css('--line');
    g.lineWidth = 1;
    g.beginPath();
    for (const f of [0.5, 1]) { g.moveTo(0, h - f * (h - 12) - 0.5); g.lineTo(w, h - f * (h - 12) - 0.5); }
    g.stroke();
    g.fillStyle = css('--dim');
    g.font = '10px system-ui, sans-serif';
    g.fillText(this.percent ? '100%' : formatNumber(max), 2, 10);
    if (min > 0) g.fillText(`${+min.toFixed(3)}%`, 2, h - 3);
    const step = w / (Chart.POINTS - 1);
    this.data.forEach((d, s) => {
      g.strokeStyle = css(this.colours[s]);
      g.lineWidth = 1.5;
      g.beginPath();
      const x0 = w - (d.length - 1) * step;
      d.forEach((v, i) => {
        const y = h - 1 - ((Math.min(Math.max(v, min), max) - min) / (max - min)) * (h - 13);
        if (i === 0) g.moveTo(x0 + i * step, y); else g.lineTo(x0 + i * step, y);
      });
      g.stroke();
    });
  }
}

/** A hit rate with enough digits to tell 99.9% from 99.99%. */
function percentText(v: number): string {
  return `${v >= 99.99 ? v.toFixed(3) : v.toFixed(2)}%`;
}

export function formatNumber(v: number): string {
  return v >= 10_000 ? `${Math.round(v / 1000)}k` : v >= 100 ? String(Math.round(v)) : v >= 10 ? v.toFixed(0) : v.toFixed(1).replace(/\.0$/, '');
}

const hex8 = (v: number) => '0x' + (v >>> 0).toString(16).padStart(8, '0');

/**
 * The fault log: one line per #PF, newest at the bottom; the last few that killed their process
 * stay above it, so that a flood of served faults does not hide them.
 */
export class FaultLog {
  static readonly LINES = 400;
  static readonly KILLED_LINES = 3;
  private readonly list = element<HTMLOListElement>('faultlog');
  private readonly killedList = element<HTMLOListElement>('faultlog-killed');
  private readonly summary = element('faultlog-summary');
  private killed = 0;
  /**
   * Whether the log follows its newest line: until the reader scrolls up, and again once they
   * scroll back to the bottom. Only the reader's scrolling decides it: the list also scrolls when
   * its height changes with the panels above it, and that is no reason to stop following.
   */
  private follow = true;
  /** The reader has touched the list (wheel, pointer, touch) since it last followed a new line. */
  private reading = false;

  constructor() {
    const l = this.list;
    for (const ev of ['wheel', 'pointerdown', 'touchstart'] as const) l.addEventListener(ev, () => { this.reading = true; }, { passive: true });
    l.addEventListener('scroll', () => {
      if (this.reading) this.follow = this.atBottom();
    });
  }

  /** Whether the last line is in view (within about a line: the list's height may have changed since). */
  private atBottom(): boolean {
    const l = this.list;
    return l.scrollTop + l.clientHeight >= l.scrollHeight - 16;
  }

  add(faults: FaultRecord[], total: number): void {
    if (!this.follow && this.atBottom()) this.follow = true; // the reader is back at the end
    for (const f of faults) {
      const li = document.createElement('li');
      const who = f.pid ? `[pid ${f.pid} ${f.name}]` : '[no process]';
      const addr = document.createElement('span');
      addr.className = 'addr';
      addr.textContent = hex8(f.addr);
      li.append(`${who} `, addr, ` ${f.kind}, ip ${hex8(f.eip)} → ${outcomeText(f.outcome)}`);
      this.list.appendChild(li);
      if (typeof f.outcome === 'number') {
        li.className = f.outcome === 11 ? 'segv' : 'killed';
        this.killed++;
        this.killedList.appendChild(li.cloneNode(true));
        if (this.killedList.childElementCount > FaultLog.KILLED_LINES) this.killedList.firstElementChild!.remove();
        this.killedList.hidden = false;
      }
    }
    while (this.list.childElementCount > FaultLog.LINES) this.list.firstElementChild!.remove();
    if (this.follow) {
      this.list.scrollTop = this.list.scrollHeight;
      this.reading = false;
    }
    this.summary.textContent = `${total} page faults${this.killed ? `, ${this.killed} killed a process` : ''}`;
  }
}

const SIGNALS: Record<number, string> = { 2: 'SIGINT', 4: 'SIGILL', 7: 'SIGBUS', 8: 'SIGFPE', 9: 'SIGKILL', 11: 'SIGSEGV' };

function outcomeText(o: FaultRecord['outcome']): string {
  if (o === 'served') return 'served';
  if (o === 'kernel') return 'kernel (no process)';
  const name = SIGNALS[o] ?? `signal ${o}`;
  return o === 11 ? `segmentation fault (${name})` : o === 9 ? `killed: out of memory (${name})` : o === 7 ? `bus error: page lost (${name})` : `killed (${name})`;
}

/** Every panel, fed one snapshot at a time. */
export class Panels {
  private readonly grid = new FrameGrid();
  private readonly faults = new Chart('chart-faults', ['--faults', '--major'], 90);
  private readonly swap = new Chart('chart-swap', ['--swapin', '--swapout'], 90);
  private readonly tlb = new Chart('chart-tlb', ['--tlb'], 60, true);
  private readonly log = new FaultLog();
  private readonly faultsLegend = new Legend(element('faults-legend'));
  private readonly swapLegend = new Legend(element('swap-legend'));
  private readonly tlbLegend = new Legend(element('tlb-legend'));
  private readonly diskLegend = new Legend(element('disk-legend'));
  private prev: StatsMessage | null = null;
  private tlbRate = 100;
  /** Snapshots received (for the browser tests: the page is live). */
  count = 0;

  update(s: StatsMessage): void {
    this.count++;
    document.body.dataset.snapshots = String(this.count);
    this.grid.draw(s.frames);
    this.log.add(s.faults, s.faultCount);
    const p = this.prev;
    this.prev = s;
    const vm = s.vm;
    if (vm) {
      this.faultsLegend.set('pgfault', 'all (pgfault)', String(vm.pgfault), '--faults');
      this.faultsLegend.set('pgmajfault', 'major', String(vm.pgmajfault), '--major');
      this.swapLegend.set('pswpin', 'in (pswpin)', String(vm.pswpin), '--swapin');
      this.swapLegend.set('pswpout', 'out (pswpout)', String(vm.pswpout), '--swapout');
      this.swapLegend.set('pgevict', 'evicted', String(vm.pgevict));
    }
    if (s.swap) element('swap-summary').textContent = `${s.swap.slots - s.swap.free} of ${s.swap.slots} slots in use`;
    const t = s.tlb;
    this.tlbLegend.set('hits', 'hits', String(t.hits), '--tlb');
    this.tlbLegend.set('misses', 'misses', String(t.misses));
    this.tlbLegend.set('flushes', 'flushes', String(t.flushes));
    const all = t.hits + t.misses;
    element('tlb-geometry').textContent = `${t.entries} entries, ${t.ways} ways`;
    element('tlb-summary').textContent = all ? `${percentText((100 * t.hits) / all)} since boot` : '';
    const d = s.disk;
    this.diskLegend.set('reads', 'reads', `${d.reads} (${d.sectorsRead * 512 / 1024} KiB)`);
    this.diskLegend.set('writes', 'writes', `${d.writes} (${d.sectorsWritten * 512 / 1024} KiB)`);
    this.diskLegend.set('errors', 'errors', String(d.errors));
    if (!p) return;
    const dt = Math.max(1, s.time - p.time) / 1000;
    const rate = (a: number, b: number) => Math.max(0, a - b) / dt;
    if (vm && p.vm) {
      this.faults.push([rate(vm.pgfault, p.vm.pgfault), rate(vm.pgmajfault, p.vm.pgmajfault)]);
      this.swap.push([rate(vm.pswpin, p.vm.pswpin), rate(vm.pswpout, p.vm.pswpout)]);
    }
    const dh = t.hits - p.tlb.hits, dm = t.misses - p.tlb.misses;
    // An interval without lookups (the CPU idle) keeps the last rate.
    if (dh + dm > 0) this.tlbRate = (100 * dh) / (dh + dm);
    this.tlb.push([this.tlbRate]);
    this.tlbLegend.set('missrate', 'misses/s', formatNumber(rate(t.misses, p.tlb.misses)));
    if (all) element('tlb-summary').textContent = `${percentText(this.tlbRate)} now, ${percentText((100 * t.hits) / all)} since boot`;
  }
}
