// Validates electron-builder.yml and the packaged app without an Electron binary (none can be
// downloaded here): packs `--dir` with a stand-in executable, fuses skipped (they patch the real
// binary) and native modules not rebuilt for Electron (that needs Electron's headers from the
// network; better-sqlite3 and keytar are N-API modules, so the Node build loads in Electron too),
// then checks what the app.asar holds. Run after `electron-vite build`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listPackage } from '@electron/asar';
import { build, Platform } from 'electron-builder';
import yaml from 'js-yaml';

const root = path.resolve(import.meta.dirname, '..', '..');
const stand = fs.mkdtempSync(path.join(os.tmpdir(), 'syncdesk-electron-dist-'));
fs.writeFileSync(path.join(stand, 'electron'), '#!/bin/sh\necho "stand-in for the Electron binary"\n', { mode: 0o755 });
const output = fs.mkdtempSync(path.join(os.tmpdir(), 'syncdesk-package-'));

const config = yaml.load(fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as Record<string, any>;
const started = Date.now();
try {
  await build({
    projectDir: root,
    targets: Platform.LINUX.createTarget('dir'),
    config: { ...config, electronDist: stand, electronFuses: null, npmRebuild: false, directories: { ...config.directories, output } },
  });
  const unpacked = path.join(output, 'linux-unpacked', 'resources');
  const entries = new Set(listPackage(path.join(unpacked, 'app.asar'), { isPack: false }).map((e) => e.replaceAll('\\', '/')));
  const required = ['/package.json', '/out/main/index.js', '/out/main/record-writer-worker.js', '/out/preload/index.cjs', '/out/renderer/index.html'];
  const missing = required.filter((e) => !entries.has(e));
  const unpackedNative = fs.existsSync(path.join(unpacked, 'app.asar.unpacked', 'node_modules', 'better-sqlite3'));
  const sources = [...entries].filter((e) => /^\/(core|renderer|electron|test)\//.test(e));
  if (missing.length > 0 || !unpackedNative || sources.length > 0) {
    console.error('package check failed', { missing, unpackedNative, sourcesInAsar: sources.slice(0, 5) });
    process.exitCode = 1;
  } else {
    console.log(`package check ok: ${entries.size} entries in app.asar, native modules unpacked (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
} finally {
  fs.rmSync(stand, { recursive: true, force: true });
  fs.rmSync(output, { recursive: true, force: true });
}
