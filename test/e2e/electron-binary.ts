import fs from 'node:fs';
import path from 'node:path';

/**
 * The Electron executable, if one is installed, found without `require('electron')` (which tries
 * to download it). Null here, where no binary can be downloaded.
 */
export function findElectronBinary(): string | null {
  const pkg = path.resolve(import.meta.dirname, '..', '..', 'node_modules', 'electron');
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const candidate = path.join(process.env.ELECTRON_OVERRIDE_DIST_PATH, process.platform === 'win32' ? 'electron.exe' : 'electron');
    return fs.existsSync(candidate) ? candidate : null;
  }
  const pathFile = path.join(pkg, 'path.txt');
  if (!fs.existsSync(pathFile)) return null;
  const binary = path.join(pkg, 'dist', fs.readFileSync(pathFile, 'utf8').trim());
  return fs.existsSync(binary) ? binary : null;
}
