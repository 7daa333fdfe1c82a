import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          // The training child process, forked by the engine beside the bundled main code.
          trainProcess: resolve(__dirname, 'src/engine/training/trainProcess.ts'),
          // The work process (prediction, scoring, export), forked by the app the same way.
          workChild: resolve(__dirname, 'src/app/work/workChild.ts'),
        },
        // Shared chunks sit beside the entries (not in chunks/), so that code which forks a
        // sibling entry by `new URL('./trainProcess.js', import.meta.url)` finds it in whichever
        // file rollup puts that code.
        output: { chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        // A sandboxed preload must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    build: {
      rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } },
    },
    plugins: [react()],
  },
});
