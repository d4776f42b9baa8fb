// The replacement policies of `toy86 vmlab`, as the textbooks define them (Silberschatz, Stallings,
// Tanenbaum), on a reference string of page numbers 0..P-1 with a fixed number of frames, all empty
// at the start. Each returns the number of page faults, first touches included (a reference to a
// page not in a frame is a fault; with free frames left, the page just takes one).
//
//   FIFO   the page loaded longest ago goes.
//   LRU    the page referenced longest ago goes.
//   CLOCK  second chance: the frames in a circle with a use bit each, set when a page is loaded
//          or referenced; on a fault the hand sweeps from where it stopped, clearing set bits,
//          and takes the first frame whose bit is clear (an empty frame is taken at once), then
//          moves past it (Stallings, fig. 8.16).
//   OPT    Belady's: the page whose next reference is furthest away (or never comes) goes.
//
// Each runs in time linear in the string (OPT: n log n) so that long traces replay at once.

export type Policy = 'FIFO' | 'LRU' | 'CLOCK' | 'OPT';
export const POLICIES: Policy[] = ['FIFO', 'LRU', 'CLOCK', 'OPT'];

/** The number of distinct pages a string refers to (pages are 0..P-1). */
function pageCount(refs: ArrayLike<number>): number {
  let p = 0;
  for (let i = 0; i < refs.length; i++) if (refs[i] + 1 > p) p = refs[i] + 1;
  return p;
}

function check(frames: number): void {
  if (!Number.isInteger(frames) || frames < 1) throw new RangeError(`frames must be a whole number, at least 1 (got ${frames})`);
}

export function fifo(refs: ArrayLike<number>, frames: number): number {
  check(frames);
  const resident = new Uint8Array(pageCount(refs));
  const ring = new Int32Array(frames);
  let used = 0, head = 0, faults = 0;
  for (let i = 0; i < refs.length; i++) {
    const p = refs[i];
    if (resident[p]) continue;
    faults++;
    if (used < frames) ring[used++] = p;
    else {
      resident[ring[head]] = 0;
      ring[head] = p;
      head = head + 1 === frames ? 0 : head + 1;
    }
    resident[p] = 1;
  }
  return faults;
}

export function lru(refs: ArrayLike<number>, frames: number): number {
  check(frames);
  const n = pageCount(refs);
  // A doubly-linked list of the resident pages, most recent at the head; -1 ends it.
  const prev = new Int32Array(n).fill(-1), next = new Int32Array(n).fill(-1);
  const resident = new Uint8Array(n);
  let head = -1, tail = -1, used = 0, faults = 0;
  const unlink = (p: number) => {
    if (prev[p] >= 0) next[prev[p]] = next[p]; else head = next[p];
    if (next[p] >= 0) prev[next[p]] = prev[p]; else tail = prev[p];
    prev[p] = next[p] = -1;
  };
  const push = (p: number) => {
    prev[p] = -1; next[p] = head;
    if (head >= 0) prev[head] = p; else tail = p;
    head = p;
  };
  for (let i = 0; i < refs.length; i++) {
    const p = refs[i];
    if (resident[p]) { if (head !== p) { unlink(p); push(p); } continue; }
    faults++;
    if (used < frames) used++;
    else { const victim = tail; unlink(victim); resident[victim] = 0; }
    push(p);
    resident[p] = 1;
  }
  return faults;
}

export function clock(refs: ArrayLike<number>, frames: number): number {
  check(frames);
  const slot = new Int32Array(pageCount(refs)).fill(-1);
  const page = new Int32Array(frames).fill(-1);
  const use = new Uint8Array(frames);
  let hand = 0, faults = 0;
  for (let i = 0; i < refs.length; i++) {
    const p = refs[i];
    const s = slot[p];
    if (s >= 0) { use[s] = 1; continue; }
    faults++;
    while (page[hand] >= 0 && use[hand]) {
      use[hand] = 0;
      hand = hand + 1 === frames ? 0 : hand + 1;
    }
    if (page[hand] >= 0) slot[page[hand]] = -1;
    page[hand] = p;
    use[hand] = 1;
    slot[p] = hand;
    hand = hand + 1 === frames ? 0 : hand + 1;
  }
  return faults;
}

export function opt(refs: ArrayLike<number>, frames: number): number {
  check(frames);
  const n = refs.length;
  const P = pageCount(refs);
  // nextUse[i]: where refs[i]'s page is referenced next (n: never).
  const nextUse = new Int32Array(n);
  const seen = new Int32Array(P).fill(n);
  for (let i = n - 1; i >= 0; i--) { nextUse[i] = seen[refs[i]]; seen[refs[i]] = i; }
  // A max-heap of (next use, page) entries; an entry is stale when the page left or its next use
  // moved on (each reference pushes a fresh one).
  const heapKey = new Int32Array(n + 1), heapPage = new Int32Array(n + 1);
  let size = 0;
  const pushHeap = (key: number, p: number) => {
    let i = size++;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (heapKey[up] >= key) break;
      heapKey[i] = heapKey[up]; heapPage[i] = heapPage[up];
      i = up;
    }
    heapKey[i] = key; heapPage[i] = p;
  };
  const popHeap = () => {
    const key = heapKey[--size], p = heapPage[size];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= size) break;
      if (c + 1 < size && heapKey[c + 1] > heapKey[c]) c++;
      if (heapKey[c] <= key) break;
      heapKey[i] = heapKey[c]; heapPage[i] = heapPage[c];
      i = c;
    }
    heapKey[i] = key; heapPage[i] = p;
  };
  const resident = new Uint8Array(P);
  const current = new Int32Array(P); // each resident page's next use
  let used = 0, faults = 0;
  for (let i = 0; i < n; i++) {
    const p = refs[i];
    if (!resident[p]) {
      faults++;
      if (used < frames) used++;
      else {
        for (;;) {
          const key = heapKey[0], q = heapPage[0];
          popHeap();
          if (resident[q] && current[q] === key) { resident[q] = 0; break; }
        }
      }
      resident[p] = 1;
    }
    current[p] = nextUse[i];
    pushHeap(nextUse[i], p);
  }
  return faults;
}

export const SIMULATORS: Record<Policy, (refs: ArrayLike<number>, frames: number) => number> = { FIFO: fifo, LRU: lru, CLOCK: clock, OPT: opt };

/** Every policy's fault count on a string. */
export function simulateAll(refs: ArrayLike<number>, frames: number): Record<Policy, number> {
  return { FIFO: fifo(refs, frames), LRU: lru(refs, frames), CLOCK: clock(refs, frames), OPT: opt(refs, frames) };
}
