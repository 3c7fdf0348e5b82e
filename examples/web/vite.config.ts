import { join } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The React example (examples/web), built and served with the repository's own Vite:
 * `npx vite --config examples/web/vite.config.ts` from the repository root.
 */
export const EXAMPLE_ROOT = import.meta.dirname;

export default defineConfig({
  root: EXAMPLE_ROOT,
  plugins: [react()],
  // Vite writes nothing into the example but its build: the cache lives beside the other tools' caches.
  cacheDir: join(import.meta.dirname, '..', '..', 'node_modules', '.vite-example-web'),
  // The evaluator allows origins by exact match (EVALUATOR_CORS_ORIGINS): a dev server that moved
  // to another port when 5173 is taken would be refused, so it fails to start instead.
  server: { port: 5173, strictPort: true },
  build: { outDir: join(import.meta.dirname, 'dist'), emptyOutDir: true, target: 'es2022' },
});
