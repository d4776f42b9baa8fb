// The page of `toy86 web` (docs/web.md): the machine's serial console in xterm.js, attached to
// the terminal socket, and its statistics from the control socket drawn by panels.ts.

import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { AttachAddon } from '@xterm/addon-attach';
import '@xterm/xterm/css/xterm.css';
import './style.css';
import { Panels } from './panels';
import { CLOSE_BUSY, type ClientMessage, type ServerMessage } from '../protocol';

const status = document.getElementById('status')!;
const overlay = document.getElementById('overlay')!;

/** Shows a message over the page, in place of the terminal. */
function refuse(message: string): void {
  overlay.textContent = message;
  overlay.dataset.reason = 'refused';
  overlay.hidden = false;
  status.textContent = 'no machine';
}

const term = new Terminal({
  cursorBlink: true,
  fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace',
  fontSize: 14,
  scrollback: 5000,
  theme: { background: '#000000' },
});
const fit = new FitAddon();
term.loadAddon(fit);
term.open(document.getElementById('terminal')!);
fit.fit();

const panels = new Panels();
const base = `ws://${location.host}`;
const control = new WebSocket(`${base}/control`);
const send = (m: ClientMessage) => { if (control.readyState === WebSocket.OPEN) control.send(JSON.stringify(m)); };
let ended = false;

control.onopen = () => send({ type: 'start', cols: term.cols, rows: term.rows });
control.onmessage = (ev) => {
  const m = JSON.parse(String(ev.data)) as ServerMessage;
  switch (m.type) {
    case 'stats':
      panels.update(m);
      break;
    case 'ready': {
      document.getElementById('flags')!.textContent = m.flags.length ? `toy86 boot ${m.flags.join(' ')}` : 'toy86 boot';
      status.textContent = 'running';
      const ws = new WebSocket(`${base}/term?id=${encodeURIComponent(m.id)}`);
      ws.binaryType = 'arraybuffer';
      term.loadAddon(new AttachAddon(ws));
      term.focus();
      break;
    }
    case 'refused':
      ended = true;
      refuse(m.message);
      break;
    case 'exit':
      ended = true;
      status.textContent = `the machine stopped (exit code ${m.code}${m.signal ? `, signal ${m.signal}` : ''}): reload for a new one`;
      break;
  }
};
control.onclose = (ev) => {
  if (ev.code === CLOSE_BUSY && overlay.hidden) refuse(ev.reason || 'All machines are in use.');
  else if (!ended) status.textContent = 'disconnected: toy86 web stopped';
};

term.onResize(({ cols, rows }) => send({ type: 'resize', cols, rows }));
window.addEventListener('resize', () => fit.fit());
