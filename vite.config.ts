/**
 * The web app's build (spec/web.md): src/web into dist/web. One classic script (IIFE, no module
 * loading, no code splitting) and workers inlined as blobs, with relative asset URLs: the build
 * works from any folder, over any static server and from file:// with no server at all (browsers
 * refuse ES modules and worker files from file://). `stopout serve` serves the same files at /.
 */
import { defineConfig, type Plugin } from 'vite';

/** Vite writes `<script type="module" crossorigin>`; a classic deferred script loads from file:// too. */
function classicScript(): Plugin {
  return {
    name: 'stopout-classic-script',
    enforce: 'post',
    transformIndexHtml: {
      order: 'post',
      handler: (html) => html
        .replace(/<script type="module" crossorigin src=/g, '<script defer src=')
        .replace(/<link rel="stylesheet" crossorigin href=/g, '<link rel="stylesheet" href='),
    },
  };
}

export default defineConfig({
  root: 'src/web',
  base: './',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  worker: { format: 'iife' },
  build: {
    outDir: '../../dist/web',
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: false,
    reportCompressedSize: true,
    rollupOptions: { output: { format: 'iife' } },
  },
  plugins: [classicScript()],
});
