#!/usr/bin/env node
// The `toy86` command. The command line is TypeScript (tools/cli.ts); this launcher bundles it
// with esbuild into node_modules/.cache/toy86/cli/ when any source is newer than the bundle
// (the first run after `npm ci` takes a fraction of a second), then runs it. The bundle is split
// at dynamic imports, so a command loads only what it uses (the compiler, and TypeScript with it,
// only for cc and for builds).
//
// `node tools/toy86.mjs --build-only` just (re)builds the bundle.

import { statSync, readdirSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const outDir = join(root, 'node_modules', '.cache', 'toy86');
const bundleDir = join(outDir, 'cli');
const bundle = join(bundleDir, 'cli.js');
const SOURCES = ['emulator', 'tools', 'kernel', 'userland'];

/** Newest modification time of the sources the bundle is built from. */
function newestSource() {
  let newest = statSync(join(root, 'package.json')).mtimeMs;
  const walk = (dir) => {
    let entries;
    try { entries = readdirSync(dir, { withFileTypes: true }); } catch { return; }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) { if (e.name !== 'node_modules') walk(p); }
      else if (/\.(ts|mjs|js|json)$/.test(e.name) && !e.name.endsWith('results.json')) newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  for (const d of SOURCES) walk(join(root, d));
  return newest;
}

async function ensureBundle(force) {
  let built = 0;
  try { built = statSync(bundle).mtimeMs; } catch { /* not built yet */ }
  if (!force && built >= newestSource()) return;
  const { build } = await import('esbuild');
  mkdirSync(outDir, { recursive: true });
  // Build beside the bundle and rename, so that concurrent launches never see half a bundle.
  const tmp = `${bundleDir}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  await build({
    entryPoints: [join(root, 'tools', 'cli.ts')],
    outdir: tmp,
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
    outExtension: { '.js': '.js' },
    // Loaded only by the commands that need them.
    external: ['typescript', 'esbuild', 'node-pty', 'playwright-core'],
    banner: { js: "import { createRequire as __toy86Require } from 'node:module'; const require = __toy86Require(import.meta.url);" },
    define: { TOY86_ROOT: JSON.stringify(root) },
  });
  const old = `${bundleDir}.${process.pid}.old`;
  try { renameSync(bundleDir, old); } catch { /* first build */ }
  try {
    renameSync(tmp, bundleDir);
  } catch (e) {
    // Another launcher put its build there first: use that one.
    rmSync(tmp, { recursive: true, force: true });
  }
  rmSync(old, { recursive: true, force: true });
}

const buildOnly = process.argv[2] === '--build-only';
try {
  await ensureBundle(buildOnly);
} catch (e) {
  process.stderr.write(`toy86: could not build the command line: ${e && e.message ? e.message.split('\n')[0] : e}\n`);
  process.exit(1);
}
if (!buildOnly) {
  const { main } = await import(pathToFileURL(bundle).href);
  await main(process.argv.slice(2));
}
