import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The console: a single-page app built from `web/` into `web/dist/` (served by `npm start`, and by
 * S3 + CloudFront in AWS). Preact through the automatic JSX runtime; the API's contract and zod
 * schemas come from `shared/` as they are.
 */
export const WEB_ROOT = fileURLToPath(new URL('.', import.meta.url));
export const WEB_DIST = fileURLToPath(new URL('./dist/', import.meta.url));

export default defineConfig({
  root: WEB_ROOT,
  base: '/',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  resolve: {
    alias: {
      // `shared/domain/*` imports node:crypto for server-side work the console never calls.
      'node:crypto': fileURLToPath(new URL('./src/node-crypto.ts', import.meta.url)),
    },
  },
  build: {
    outDir: WEB_DIST,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
  },
});
