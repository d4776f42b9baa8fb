// `toy86 web [--port N] [--max-sessions N] [boot flags]` (SPEC §5, docs/web.md): builds the page,
// serves it on 127.0.0.1, prints the URL, and runs until SIGINT, SIGTERM or SIGHUP (its terminal
// closed), when it ends every machine before it exits.

import { WebServer } from './server.js';
import { clientFiles } from './bundle.js';

export interface WebCommandOptions {
  port: number;
  maxSessions: number;
  bootArgs: string[];
  /** The boot flags as the user gave them (shown on the page). */
  shownFlags: string[];
  /** Where the URL goes (stdout). */
  print: (line: string) => void;
}

/** A port or address the server cannot listen on. */
export class ListenError extends Error {}

/** Runs the server until a signal; resolves to the exit code. */
export async function webCommand(o: WebCommandOptions): Promise<number> {
  const [client, pty] = await Promise.all([clientFiles(), import('node-pty')]);
  const server = new WebServer({ port: o.port, maxSessions: o.maxSessions, bootArgs: o.bootArgs, shownFlags: o.shownFlags, client, spawn: pty.spawn });
  let url: string;
  try {
    url = await server.listen();
  } catch (e) {
    await server.close();
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'EADDRINUSE' ? 'the port is in use' : err.code === 'EACCES' ? 'permission denied' : err.message;
    throw new ListenError(`cannot listen on 127.0.0.1:${o.port}: ${why}`);
  }
  o.print(`toy86 web: ${url} (up to ${o.maxSessions} machine${o.maxSessions === 1 ? '' : 's'}; Ctrl-C stops)`);
  await new Promise<void>((resolve) => {
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    const stop = () => { for (const s of signals) process.off(s, stop); resolve(); };
    for (const s of signals) process.on(s, stop);
  });
  await server.close();
  return 0;
}
