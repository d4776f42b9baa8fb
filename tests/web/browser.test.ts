// `toy86 web` in a real browser (issue 8): Debian's Chromium driven by playwright-core against the
// server started as a user would (`toy86 web --mem 2M --max-sessions 1`). The page loads and the
// shell's prompt appears in xterm.js; `ls /bin` lists the programs; a resize of the page reaches
// the machine's terminal; memhog moves the frame grid and the swap chart; a segmentation fault run
// from the shell is in the fault log; the page is photographed (into node_modules/.cache/toy86/,
// or where TOY86_SCREENSHOT says: `TOY86_SCREENSHOT=docs/web.png` renews the README's). The server
// listens on 127.0.0.1 only, refuses a page beyond --max-sessions with a clear message, and leaves
// no child process behind when a page closes or when it stops (the processes are counted from
// /proc). Every wait is for a condition.

import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(ROOT, 'tools', 'toy86.mjs');
const CHROMIUM = '/usr/bin/chromium';
const LONG = 90_000;
/** Where the page's photograph goes: an ignored file, unless TOY86_SCREENSHOT names one (relative to the repository). */
const SCREENSHOT = process.env.TOY86_SCREENSHOT ? resolve(ROOT, process.env.TOY86_SCREENSHOT) : join(ROOT, 'node_modules', '.cache', 'toy86', 'web-test.png');

/** The processes below `pid` (children, grandchildren, ...), from /proc. */
function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      // pid (comm) state ppid ...: the name may hold spaces and parentheses.
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      parent.set(Number(e), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch { /* gone meanwhile */ }
  }
  const out: number[] = [];
  const walk = (p: number) => { for (const [c, pp] of parent) if (pp === p) { out.push(c); walk(c); } };
  walk(pid);
  return out;
}

/**
 * The machines below the server: its `toy86 boot` children. (Other descendants come and go: the
 * esbuild service of a launcher that rebuilt the command line's bundle.)
 */
function machines(server: number): number[] {
  return descendants(server).filter((p) => {
    try { return readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').includes('boot'); } catch { return false; }
  });
}

/** Polls `check` until it holds (a condition, not a sleep). */
async function until(what: string, check: () => boolean | Promise<boolean>, ms = LONG): Promise<void> {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** `toy86 web` as a child process, with the URL it printed. */
class WebServer {
  readonly proc: ChildProcess;
  out = '';
  url = '';
  exit: Promise<number | null>;
  constructor(args: string[]) {
    this.proc = spawn(process.execPath, [CLI, 'web', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc.stdout!.on('data', (d) => { this.out += d; });
    this.proc.stderr!.on('data', (d) => { this.out += d; });
    this.exit = new Promise((resolve) => this.proc.on('exit', (code) => resolve(code)));
  }
  async started(): Promise<void> {
    await until(`toy86 web printed its URL (it printed: ${JSON.stringify(this.out)})`, () => /http:\/\/\S+\//.test(this.out) || this.proc.exitCode !== null);
    this.url = /http:\/\/\S+\//.exec(this.out)![0];
  }
  get port(): number { return Number(new URL(this.url).port); }
}

/** The terminal's text as xterm.js shows it: its rows without trailing blanks, up to the last non-blank one. */
const screen = (page: Page) => page.locator('.xterm-rows').innerText()
  .then((t) => t.replace(/\u00a0/g, ' ').split('\n').map((l) => l.trimEnd()).join('\n').trimEnd());
/** A legend value on the page (data-value of the item with this key). */
const legend = (page: Page, list: string, key: string) => page.locator(`#${list} li[data-key="${key}"]`).getAttribute('data-value').then(Number);

/** A canvas's pixels as a data: URL (what it shows). */
const pixels = (page: Page, id: string) => page.locator(`#${id}`).evaluate((c) => (c as unknown as { toDataURL(): string }).toDataURL());

async function typeCommand(page: Page, command: string): Promise<void> {
  await page.locator('.xterm-helper-textarea').focus();
  await page.keyboard.type(command);
  await page.keyboard.press('Enter');
}

describe.skipIf(!existsSync(CHROMIUM))('toy86 web in Chromium', () => {
  let browser: Browser;
  let server: WebServer;
  let page: Page;

  beforeAll(async () => {
    server = new WebServer(['--mem', '2M', '--max-sessions', '1']);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    await server.started();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    if (server && server.proc.exitCode === null) { server.proc.kill('SIGKILL'); await server.exit; }
  });

  it('listens on 127.0.0.1 only, and answers only requests for 127.0.0.1 or localhost', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    // The listening socket in the kernel's table: local address 127.0.0.1 (0100007F), state LISTEN (0A).
    const listening = readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1).map((l) => l.trim().split(/\s+/))
      .filter((f) => f[3] === '0A' && parseInt(f[1].split(':')[1], 16) === server.port).map((f) => f[1].split(':')[0]);
    expect(listening).toEqual(['0100007F']);
    expect(readFileSync('/proc/net/tcp6', 'utf8')).not.toMatch(new RegExp(`:${server.port.toString(16).toUpperCase().padStart(4, '0')} [0-9A-F:]+ 0A `));
    const status = await new Promise<number>((resolve, reject) => {
      request({ host: '127.0.0.1', port: server.port, path: '/', headers: { host: `example.com:${server.port}` } }, (res) => { res.resume(); resolve(res.statusCode!); })
        .on('error', reject).end();
    });
    expect(status).toBe(403);
  });

  it('the page loads and the prompt appears in xterm.js; ls /bin lists the programs', async () => {
    expect(machines(server.proc.pid!)).toEqual([]);
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(server.url);
    await expect.poll(() => screen(page), { timeout: LONG }).toMatch(/\n\$$/);
    expect(await screen(page)).toContain('toy86 kernel');
    // One machine: a child of the server.
    expect(machines(server.proc.pid!)).toHaveLength(1);
    await typeCommand(page, 'ls /bin');
    await expect.poll(() => screen(page), { timeout: LONG }).toMatch(/ls \/bin\n(.*\n)*memhog\n(.*\n)*usertests\n/);
    expect(await page.locator('#flags').innerText()).toBe('toy86 boot --mem 2M');
  });

  it('a resize of the page resizes the machine\'s terminal', async () => {
    // The pseudo-terminal's size, as the machine's process sees it (its stdin is the pty).
    const [machine] = machines(server.proc.pid!);
    const size = () => execFileSync('stty', ['-F', `/proc/${machine}/fd/0`, 'size']).toString().trim();
    const before = size();
    await page.setViewportSize({ width: 1100, height: 700 });
    await until('the terminal has a new size', () => size() !== before);
    const [rows, cols] = size().split(' ').map(Number);
    const [rows0, cols0] = before.split(' ').map(Number);
    expect(rows).toBeLessThan(rows0);
    expect(cols).toBeLessThan(cols0);
    await page.setViewportSize({ width: 1400, height: 900 });
    await until('the terminal has its first size again', () => size() === before);
  });

  it('memhog fills the frame grid and moves the swap chart', async () => {
    // The views are live: snapshots arrive, and the frame table has been read.
    await expect.poll(() => page.locator('body').getAttribute('data-snapshots').then(Number), { timeout: LONG }).toBeGreaterThan(2);
    const free = await legend(page, 'frames-legend', 'free');
    const userBefore = await legend(page, 'frames-legend', 'user');
    const swapOutBefore = await legend(page, 'swap-legend', 'pswpout');
    const gridBefore = await pixels(page, 'frames');
    const swapChartBefore = await pixels(page, 'chart-swap');
    expect(free).toBeGreaterThan(100);
    await typeCommand(page, 'memhog 8M 1');
    // While it runs, its pages take the free frames (a snapshot every 250 ms shows it).
    await page.waitForFunction(`Number(document.querySelector('#frames-legend li[data-key="user"]')?.getAttribute('data-value')) >= ${userBefore + free / 2}`,
      null, { timeout: LONG, polling: 'raf' });
    const gridDuring = await pixels(page, 'frames');
    expect(gridDuring).not.toBe(gridBefore);
    await expect.poll(() => screen(page), { timeout: LONG }).toMatch(/memhog \d+: 8192 KiB checked 1 times/);
    await expect.poll(() => legend(page, 'swap-legend', 'pswpout'), { timeout: LONG }).toBeGreaterThan(swapOutBefore + 1000);
    expect(await legend(page, 'swap-legend', 'pswpin')).toBeGreaterThan(0);
    expect(await pixels(page, 'chart-swap')).not.toBe(swapChartBefore);
    expect(await screen(page)).not.toContain('killed');
    // The TLB's hit rate, now and since boot, with what is counted and the TLB's geometry.
    expect(await page.locator('#tlb-summary').innerText()).toMatch(/^\d+\.\d+% now, \d+\.\d+% since boot$/);
    expect(await page.locator('#tlb-explain').innerText()).toMatch(/^Lookups of the architectural TLB \(64 entries, 4 ways\): each data access/);
    expect(await legend(page, 'tlb-legend', 'misses')).toBeGreaterThan(0);
  });

  it('a segmentation fault run from the shell shows in the fault log; the page is photographed', async () => {
    await typeCommand(page, '/demos/null-deref');
    await expect.poll(() => screen(page), { timeout: LONG }).toContain('Segmentation fault');
    // In the log, and kept above it (the faults that killed).
    for (const list of ['faultlog', 'faultlog-killed']) {
      const line = page.locator(`#${list} li.segv`);
      await expect.poll(() => line.count(), { timeout: LONG }).toBe(1);
      expect(await line.innerText()).toMatch(/^\[pid \d+ null-deref\] 0x00000000 not-present user read, ip 0x[0-9a-f]{8} → segmentation fault \(SIGSEGV\)$/);
    }
    await typeCommand(page, 'cat /proc/vmstat');
    await expect.poll(() => screen(page), { timeout: LONG }).toMatch(/cowfault \d+\n\$$/);
    // For the picture: a hog in the background, photographed once it holds most of memory and
    // the charts have a few more points.
    const free = await legend(page, 'frames-legend', 'free');
    await typeCommand(page, 'memhog 24M 2 &');
    await page.waitForFunction(`Number(document.querySelector('#frames-legend li[data-key="free"]')?.getAttribute('data-value')) <= ${free / 4}`,
      null, { timeout: LONG, polling: 'raf' });
    const shots = Number(await page.locator('body').getAttribute('data-snapshots'));
    await expect.poll(() => page.locator('body').getAttribute('data-snapshots').then(Number), { timeout: LONG }).toBeGreaterThan(shots + 4);
    // The log follows its newest line (the panels above it grew meanwhile).
    expect(await page.locator('#faultlog').evaluate((l) => l.scrollTop + l.clientHeight >= l.scrollHeight - 16)).toBe(true);
    await page.screenshot({ path: SCREENSHOT });
    expect(statSync(SCREENSHOT).size).toBeGreaterThan(10_000);
  });

  it('a page beyond --max-sessions is told so and gets no machine', async () => {
    const before = machines(server.proc.pid!);
    expect(before).toHaveLength(1);
    const second = await browser.newPage();
    await second.goto(server.url);
    await expect.poll(() => second.locator('body').innerText(), { timeout: LONG }).toContain('All 1 machine is in use (toy86 web --max-sessions 1)');
    expect(await second.locator('.xterm-rows').count()).toBe(0);
    expect(machines(server.proc.pid!)).toEqual(before);
    // The control socket of a page that got the page anyway is refused the same way.
    const refused = await second.evaluate((url) => new Promise<string>((resolve) => {
      const ws = new WebSocket(url.replace('http', 'ws') + 'control');
      ws.onmessage = (e) => resolve(String(e.data));
    }), server.url);
    expect(JSON.parse(refused)).toEqual({ type: 'refused', message: expect.stringContaining('All 1 machine is in use') });
    await second.close();
  });

  it('closing the page ends its machine: the child is gone and reaped', async () => {
    const [child] = machines(server.proc.pid!);
    const all = [child, ...descendants(child)];
    await page.close();
    await until('the machine of the closed page is gone', () => machines(server.proc.pid!).length === 0 && all.every((p) => !existsSync(`/proc/${p}`)));
    // A new page gets a new machine.
    page = await browser.newPage();
    await page.goto(server.url);
    await expect.poll(() => screen(page), { timeout: LONG }).toMatch(/\n\$$/);
    expect(machines(server.proc.pid!)).toHaveLength(1);
  });

  it('a machine that powers off ends its session; the page says so', async () => {
    const [child] = machines(server.proc.pid!);
    await typeCommand(page, 'exit 3');
    await expect.poll(() => page.locator('#status').innerText(), { timeout: LONG }).toBe('the machine stopped (exit code 3): reload for a new one');
    await until('the machine that powered off is reaped', () => machines(server.proc.pid!).length === 0 && !existsSync(`/proc/${child}`));
    await page.reload();
    await expect.poll(() => screen(page), { timeout: LONG }).toMatch(/\n\$$/);
  });

  it('stopping the server ends every machine and exits 0', async () => {
    expect(machines(server.proc.pid!)).toHaveLength(1);
    const children = descendants(server.proc.pid!);
    server.proc.kill('SIGTERM');
    expect(await server.exit).toBe(0);
    await until('every process the server started is gone', () => children.every((c) => !existsSync(`/proc/${c}`)));
    await expect.poll(() => page.locator('#status').innerText(), { timeout: LONG }).toMatch(/disconnected|stopped/);
  });
});
