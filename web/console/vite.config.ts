import { join } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The browser console's build: web/console → dist/console, served by `switchyard web` at `/`. */
export const CONSOLE_ROOT = import.meta.dirname;
export const CONSOLE_OUT_DIR = join(import.meta.dirname, '..', '..', 'dist', 'console');

export default defineConfig({
  root: CONSOLE_ROOT,
  base: '/',
  plugins: [react()],
  // Vite writes nothing outside the build: its cache lives beside the other tools' caches.
  cacheDir: join(import.meta.dirname, '..', '..', 'node_modules', '.vite-console'),
  logLevel: 'warn',
  build: {
    outDir: CONSOLE_OUT_DIR,
    emptyOutDir: true,
    target: 'es2022',
    // One small app: a source map is worth more than the bytes it saves.
    sourcemap: true,
  },
});
