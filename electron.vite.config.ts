import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

// electron-vite builds the desktop app from the product's folders: electron/main, electron/preload
// (CommonJS: a sandboxed preload cannot be an ES module) and renderer/.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      lib: {
        entry: {
          index: resolve(import.meta.dirname, 'electron/main/index.ts'),
          // The mirror's record writer runs on a worker thread (core/mirror/record-writer.ts).
          'record-writer-worker': resolve(import.meta.dirname, 'core/mirror/record-writer-worker.ts'),
        },
        formats: ['es'],
      },
      rollupOptions: { output: { entryFileNames: '[name].js' } },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      externalizeDeps: false,
      lib: { entry: resolve(import.meta.dirname, 'electron/preload/index.ts'), formats: ['cjs'] },
      rollupOptions: { external: ['electron'], output: { entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'renderer'),
    plugins: [react()],
    build: {
      outDir: resolve(import.meta.dirname, 'out/renderer'),
      rollupOptions: { input: resolve(import.meta.dirname, 'renderer/index.html') },
    },
  },
});
