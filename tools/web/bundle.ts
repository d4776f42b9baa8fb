// The page's script: tools/web/client/*.ts bundled by esbuild (with xterm.js and its CSS) into
// node_modules/.cache/toy86/web/, rebuilt when a source or an xterm package is newer — as the
// launcher (tools/toy86.mjs) does for the command line.

import { statSync, readdirSync, mkdirSync, renameSync, rmSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../debugger/symbols.js';

const OUT = join(ROOT, 'node_modules', '.cache', 'toy86', 'web');
const CLIENT = join(ROOT, 'tools', 'web', 'client');

/** The bundled page: main.js and main.css. */
export interface ClientFiles { js: Buffer; css: Buffer }

/** Newest modification time of what the bundle is built from. */
function newestSource(): number {
  let newest = statSync(join(ROOT, 'tools', 'web', 'protocol.ts')).mtimeMs;
  for (const f of readdirSync(CLIENT)) newest = Math.max(newest, statSync(join(CLIENT, f)).mtimeMs);
  for (const pkg of ['xterm', 'addon-fit', 'addon-attach']) {
    newest = Math.max(newest, statSync(join(ROOT, 'node_modules', '@xterm', pkg, 'package.json')).mtimeMs);
  }
  return newest;
}

/** Builds the bundle when it is missing or stale, and reads it. */
export async function clientFiles(): Promise<ClientFiles> {
  let built = 0;
  try { built = statSync(join(OUT, 'main.js')).mtimeMs; } catch { /* not built yet */ }
  if (built < newestSource()) {
    const { build } = await import('esbuild');
    mkdirSync(join(OUT, '..'), { recursive: true });
    // Built beside and renamed, so that a server starting meanwhile never reads half a bundle.
    const tmp = `${OUT}.${process.pid}.tmp`;
    rmSync(tmp, { recursive: true, force: true });
    await build({
      entryPoints: [join(CLIENT, 'main.ts')],
      outdir: tmp,
      bundle: true,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      minify: true,
      logLevel: 'error',
      loader: { '.css': 'css' },
    });
    const old = `${OUT}.${process.pid}.old`;
    try { renameSync(OUT, old); } catch { /* first build */ }
    try { renameSync(tmp, OUT); } catch { rmSync(tmp, { recursive: true, force: true }); }
    rmSync(old, { recursive: true, force: true });
  }
  // esbuild's service process (this build's, or the launcher's) is not needed while the server runs.
  (await import('esbuild')).stop();
  return { js: readFileSync(join(OUT, 'main.js')), css: readFileSync(join(OUT, 'main.css')) };
}
