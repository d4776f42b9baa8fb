// `toy86 web` (SPEC §5, docs/web.md): an HTTP server on 127.0.0.1 with two WebSockets per page.
// Each page that connects gets a machine of its own: `toy86 boot` (with the flags given to web)
// in a pseudo-terminal (node-pty), so the guest's console is a real terminal, and a Unix socket
// on which that boot sends its statistics (boot --stats, tools/web/stats.ts).
//
//   GET /                  the page (or, when every session is in use, a page that says so)
//   GET /main.js, main.css the client (tools/web/client/, bundled by bundle.ts)
//   WS  /control           JSON both ways (protocol.ts): start and resize from the page; ready,
//                          stats, exit and refused from the server
//   WS  /term?id=ID        the terminal's bytes both ways (xterm.js's attach addon)
//
// A session ends when either socket closes or the machine stops: the child is signalled
// (SIGTERM, then SIGKILL if it lingers), reaped, and its socket removed.

import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import type { IPty } from 'node-pty';
import { ROOT } from '../debugger/symbols.js';
import type { ClientFiles } from './bundle.js';
import { CLOSE_BUSY, type ClientMessage, type ServerMessage } from './protocol.js';

export interface WebOptions {
  /** The port on 127.0.0.1; 0 for any free one. */
  port: number;
  /** Machines that may run at once. */
  maxSessions: number;
  /** The flags given to each `toy86 boot`. */
  bootArgs: string[];
  /** The boot flags as the user gave them (shown on the page). */
  shownFlags: string[];
  /** The bundled page. */
  client: ClientFiles;
  /** node-pty, loaded by the caller. */
  spawn: typeof import('node-pty').spawn;
}

const HOST = '127.0.0.1';
const LAUNCHER = join(ROOT, 'tools', 'toy86.mjs');
/** How long a child has after SIGTERM before SIGKILL. */
const KILL_GRACE_MS = 3000;

/** One page's machine. */
class Session {
  readonly id = randomUUID();
  private pty: IPty | null = null;
  private term: WebSocket | null = null;
  /** Console output that came before the terminal socket opened. */
  private early: string[] = [];
  private statsServer: NetServer | null = null;
  private statsPeer: Socket | null = null;
  private exited = false;
  private exitWaiters: (() => void)[] = [];
  private ending: Promise<void> | null = null;

  constructor(private readonly web: WebServer, private readonly control: WebSocket, private readonly socketPath: string) {}

  /** Listens for the statistics, then starts `toy86 boot` in a terminal of this size. */
  async start(cols: number, rows: number): Promise<void> {
    const stats = createNetServer((peer) => this.relayStats(peer));
    this.statsServer = stats;
    await new Promise<void>((resolve, reject) => { stats.once('error', reject); stats.listen(this.socketPath, resolve); });
    if (this.ending) return;
    const env = { ...process.env, TERM: 'xterm-256color' } as Record<string, string>;
    const p = this.web.opts.spawn(process.execPath, [LAUNCHER, 'boot', ...this.web.opts.bootArgs, '--stats', this.socketPath], { name: 'xterm-256color', cols, rows, cwd: ROOT, env });
    this.pty = p;
    this.web.children.add(p.pid);
    p.onData((d) => {
      if (this.term && this.term.readyState === WebSocket.OPEN) this.term.send(d);
      else if (!this.term) this.early.push(d);
    });
    p.onExit(({ exitCode, signal }) => {
      this.exited = true;
      this.web.children.delete(p.pid);
      for (const w of this.exitWaiters) w();
      // Stopped on its own (the guest powered off): say so, then end the session.
      if (!this.ending) {
        this.send({ type: 'exit', code: exitCode, signal: signal ?? null });
        void this.end();
      }
    });
    this.send({ type: 'ready', id: this.id, maxSessions: this.web.opts.maxSessions, flags: this.web.opts.shownFlags });
  }

  /** The statistics channel: JSON lines from boot, each passed to the page as it is. */
  private relayStats(peer: Socket): void {
    if (this.statsPeer) { peer.destroy(); return; }
    this.statsPeer = peer;
    let rest = '';
    peer.setEncoding('utf8');
    peer.on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop()!;
      for (const line of lines) if (line && this.control.readyState === WebSocket.OPEN) this.control.send(line);
    });
    peer.on('error', () => {});
  }

  /** The page's terminal socket: output so far, then both ways. */
  attach(ws: WebSocket): boolean {
    if (this.term || this.ending) return false;
    this.term = ws;
    for (const d of this.early) ws.send(d);
    this.early = [];
    ws.on('message', (data: RawData) => {
      if (this.pty && !this.exited) this.pty.write(rawText(data));
    });
    ws.on('close', () => void this.end());
    ws.on('error', () => {});
    return true;
  }

  receive(msg: ClientMessage): void {
    if (msg.type === 'start' && !this.pty && !this.statsServer) {
      this.start(size(msg.cols, 80), size(msg.rows, 24)).catch((e: Error) => {
        this.send({ type: 'refused', message: `toy86 web could not start a machine: ${e.message}` });
        void this.end();
      });
    } else if (msg.type === 'resize' && this.pty && !this.exited) {
      this.pty.resize(size(msg.cols, this.pty.cols), size(msg.rows, this.pty.rows));
    }
  }

  private send(m: ServerMessage): void {
    if (this.control.readyState === WebSocket.OPEN) this.control.send(JSON.stringify(m));
  }

  /** Ends the machine (TERM, then KILL), waits until it is reaped, and closes everything. */
  end(): Promise<void> {
    if (!this.ending) this.ending = this.finish();
    return this.ending;
  }

  private async finish(): Promise<void> {
    const p = this.pty;
    if (p && !this.exited) {
      const gone = new Promise<void>((resolve) => this.exitWaiters.push(resolve));
      try { p.kill('SIGTERM'); } catch { /* already gone */ }
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(true), KILL_GRACE_MS); });
      if (await Promise.race([gone.then(() => false), late])) {
        try { p.kill('SIGKILL'); } catch { /* gone meanwhile */ }
        await gone;
      }
      clearTimeout(timer);
    }
    this.statsPeer?.destroy();
    if (this.statsServer) await new Promise<void>((resolve) => this.statsServer!.close(() => resolve()));
    rmSync(this.socketPath, { force: true });
    this.control.close(1000);
    this.term?.close(1000);
    this.web.sessions.delete(this);
  }
}

/** A terminal size from the page: a whole number from 1 to 1000, else the fallback. */
function size(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 1000 ? v : fallback;
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

export class WebServer {
  readonly sessions = new Set<Session>();
  /** The process ids of the running machines. */
  readonly children = new Set<number>();
  private readonly http: Server;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });
  private readonly dir = mkdtempSync(join(tmpdir(), 'toy86-web-'));
  private readonly page = readFileSync(join(ROOT, 'tools', 'web', 'client', 'index.html'), 'utf8');
  private count = 0;
  private port = 0;

  constructor(readonly opts: WebOptions) {
    this.http = createServer((req, res) => this.request(req, res));
    this.http.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
  }

  /** Listens on 127.0.0.1; resolves to the page's URL. */
  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(this.opts.port, HOST, () => { this.http.off('error', reject); resolve(); });
    });
    this.port = (this.http.address() as { port: number }).port;
    return `http://${HOST}:${this.port}/`;
  }

  /** Ends every machine, then stops listening and removes the sockets' folder. */
  async close(): Promise<void> {
    this.http.close();
    await Promise.all([...this.sessions].map((s) => s.end()));
    for (const ws of this.wss.clients) ws.terminate();
    this.http.closeAllConnections();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Only this machine's own pages: a Host (and a browser's Origin) naming 127.0.0.1 or localhost at our port. */
  private local(req: IncomingMessage): boolean {
    const ok = (h: string | undefined) => h === `127.0.0.1:${this.port}` || h === `localhost:${this.port}`;
    if (!ok(req.headers.host)) return false;
    const origin = req.headers.origin;
    return origin === undefined || ok(origin.replace(/^http:\/\//, ''));
  }

  private request(req: IncomingMessage, res: ServerResponse): void {
    if (!this.local(req)) { res.writeHead(403, { 'content-type': 'text/plain' }).end('toy86 web answers only pages of 127.0.0.1\n'); return; }
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') { res.writeHead(405, { 'content-type': 'text/plain' }).end('GET only\n'); return; }
    const headers = { 'cache-control': 'no-store' };
    if (path === '/') {
      if (this.sessions.size >= this.opts.maxSessions) {
        res.writeHead(503, { ...headers, 'content-type': 'text/html; charset=utf-8' }).end(busyPage(this.busyMessage()));
        return;
      }
      res.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8' }).end(this.page);
    } else if (path === '/main.js') {
      res.writeHead(200, { ...headers, 'content-type': 'text/javascript; charset=utf-8' }).end(this.opts.client.js);
    } else if (path === '/main.css') {
      res.writeHead(200, { ...headers, 'content-type': 'text/css; charset=utf-8' }).end(this.opts.client.css);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  }

  busyMessage(): string {
    const n = this.opts.maxSessions;
    return `All ${n} machine${n === 1 ? ' is' : 's are'} in use (toy86 web --max-sessions ${n}). Close one of the other toy86 pages, then reload this one.`;
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', `http://${HOST}`);
    if (!this.local(req) || (url.pathname !== '/control' && url.pathname !== '/term')) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (url.pathname === '/control') this.control(ws);
      else {
        const s = [...this.sessions].find((x) => x.id === url.searchParams.get('id'));
        if (!s || !s.attach(ws)) ws.close(1008, 'no such machine');
      }
    });
  }

  /** A page's control socket: a session of its own, or a refusal when all are in use. */
  private control(ws: WebSocket): void {
    ws.on('error', () => {});
    if (this.sessions.size >= this.opts.maxSessions) {
      ws.send(JSON.stringify({ type: 'refused', message: this.busyMessage() } satisfies ServerMessage));
      ws.close(CLOSE_BUSY, 'all machines in use');
      return;
    }
    const s = new Session(this, ws, join(this.dir, `${++this.count}.sock`));
    this.sessions.add(s);
    ws.on('message', (data: RawData) => {
      let msg: ClientMessage;
      try { msg = JSON.parse(rawText(data)) as ClientMessage; } catch { return; }
      if (msg && typeof msg === 'object') s.receive(msg);
    });
    ws.on('close', () => void s.end());
  }
}

/** The page shown instead of a terminal when every session is in use. */
function busyPage(message: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>toy86 — busy</title>
<style>body{font:16px system-ui,sans-serif;background:#111;color:#eee;margin:3em}h1{font-size:1.4em}</style></head>
<body><h1>toy86 web: no machine for this page</h1><p id="refused">${message}</p></body></html>
`;
}
