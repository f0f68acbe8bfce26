// The console and the wallet, built together by `vite build --config web/ui/vite.config.ts` into dist/ui/ (offline:
// no plugin fetches anything). Two HTML entries share one assets folder; every asset URL is absolute under /ui/ so
// the single-page apps can use real paths (/console/apps/3) and Plaza serves the files (src/web/ui.ts).
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = new URL('.', import.meta.url).pathname;

export default defineConfig({
  root: here,
  base: '/ui/',
  publicDir: false,
  plugins: [react()],
  logLevel: 'warn',
  build: {
    outDir: new URL('../../dist/ui/', import.meta.url).pathname,
    emptyOutDir: true,
    assetsDir: 'assets',
    // No inline scripts (the pages run under `script-src 'self'`), and every asset is a file with a hashed name.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    rolldownOptions: {
      input: { console: `${here}console/index.html`, wallet: `${here}wallet/index.html` },
    },
  },
});
