import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

// Built into dist/console, which the service serves at /console (src/ops/console/console-static.ts).
// JSX goes through Vite's own transform (Oxc) with React's automatic runtime: no plugin is needed.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
  },
  logLevel: 'warn',
});
