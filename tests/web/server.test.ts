// `toy86 web` without a browser, on the port given with --port: a WebSocket client opens a page's
// control socket, gets a machine and its statistics, and the server is then hung up on (SIGHUP,
// as when the terminal it runs in is closed): it ends the machine, reaps it, removes its sockets'
// folder and exits 0. The processes and the folder are looked at in /proc and /tmp. Every wait is
// for a condition.

import { describe, it, expect } from 'vitest';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { WebSocket } from 'ws';
import type { ServerMessage } from '../../tools/web/protocol.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(ROOT, 'tools', 'toy86.mjs');

/** The children of `pid` whose command line has `boot` (the machines), from /proc. */
function machines(pid: number): number[] {
  const out: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid && readFileSync(`/proc/${e}/cmdline`, 'utf8').split('\0').includes('boot')) out.push(Number(e));
    } catch { /* gone meanwhile */ }
  }
  return out;
}

async function until(what: string, check: () => boolean, ms = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('toy86 web --port N, hung up on', () => {
  it('SIGHUP ends every machine, removes its sockets and exits 0', async () => {
    // A port that was free a moment ago (the system's choice), for --port.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const server = spawn(process.execPath, [CLI, 'web', '--port', String(port), '--mem', '2M'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    server.stdout!.on('data', (d) => { out += d; });
    server.stderr!.on('data', (d) => { out += d; });
    const exit = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)));
    try {
      await until(`toy86 web printed its URL (it printed: ${JSON.stringify(out)})`, () => /http:\/\/127\.0\.0\.1:\d+\//.test(out));
      const url = new URL(/http:\/\/\S+\//.exec(out)![0]);
      expect(out).toBe(`toy86 web: http://127.0.0.1:${port}/ (up to 4 machines; Ctrl-C stops)\n`);
      // A page's control socket: a machine, then its statistics (JSON from the machine, not the console).
      const ws = new WebSocket(`ws://${url.host}/control`);
      const got: ServerMessage[] = [];
      ws.on('message', (d) => got.push(JSON.parse(String(d)) as ServerMessage));
      await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
      ws.send(JSON.stringify({ type: 'start', cols: 80, rows: 24 }));
      await until('two snapshots came', () => got.filter((m) => m.type === 'stats').length >= 2);
      expect(got[0]).toMatchObject({ type: 'ready', maxSessions: 4, flags: ['--mem', '2M'] });
      const [machine] = machines(server.pid!);
      expect(machine).toBeGreaterThan(0);
      // The machine's statistics socket, in the server's folder of sockets.
      const argv = readFileSync(`/proc/${machine}/cmdline`, 'utf8').split('\0');
      const socket = argv[argv.indexOf('--stats') + 1];
      expect(existsSync(socket)).toBe(true);
      const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
      server.kill('SIGHUP');
      expect(await exit).toBe(0);
      await closed;
      await until('the machine is gone', () => !existsSync(`/proc/${machine}`));
      expect(existsSync(dirname(socket))).toBe(false);
    } finally {
      if (server.exitCode === null) { server.kill('SIGKILL'); await exit; }
    }
  }, 120_000);
});
