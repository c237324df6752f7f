/**
 * Vite config of the console. `npm start` builds it when web/dist is missing; `npm run web:dev` serves it
 * with hot reload and proxies /api to a running `tinhso serve`.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  // JSX through esbuild's automatic runtime: no Babel plugin needed for a production build.
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      // Ant Design marks its modules "use client" for React Server Components; a client bundle ignores that.
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
      output: {
        // Libraries change less often than our code: separate chunks keep browser caches warm across releases.
        manualChunks(id) {
          if (!id.includes('node_modules')) return undefined;
          if (/echarts|zrender/.test(id)) return 'charts';
          if (/[\\/](react|react-dom|scheduler|react-router)[\\/]/.test(id)) return 'react';
          return 'vendor';
        },
      },
    },
  },
  server: {
    port: 5173,
    // The console shares pure helpers (Vietnamese text, dates) with the server instead of copying them.
    fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] },
    proxy: { '/api': { target: 'http://127.0.0.1:8080', changeOrigin: false } },
  },
});
