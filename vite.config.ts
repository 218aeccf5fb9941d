/**
 * The web app's build (spec/web.md), src/web into dist/web, in two passes that share index.html:
 *
 * - `vite build`: ES modules split by page, so a route loads only its own code (the calculator does
 *   not load the simulator, the replays or the dashboard). Served by `stopout serve` at /, or by any
 *   static server from any folder (relative URLs, base './').
 * - `vite build --mode offline`: the same app as one classic script, dist/web/offline/app.js, for
 *   index.html opened from file:// with no server at all: browsers refuse ES modules from file://,
 *   but not classic scripts, nor workers made from blobs (the simulator's workers are inlined).
 *
 * index.html loads neither directly: a small classic script, start.js, picks one by the page's
 * protocol. It is written by the first pass, with the entry's hashed name in it. The first pass runs
 * the second when it is done, into the same folder, so `vite build` (any --outDir) makes both.
 */
import { fileURLToPath } from 'node:url';
import { build, defineConfig, type Plugin } from 'vite';

const OFFLINE_SCRIPT = 'offline/app.js';

/** Replaces Vite's module script tag with start.js, which loads the module build or the offline script. */
function startScript(): Plugin {
  let entry = '';
  return {
    name: 'stopout-start-script',
    enforce: 'post',
    transformIndexHtml: {
      order: 'post',
      handler: (html) => {
        const match = /<script type="module" crossorigin src="\.\/([^"]+)"><\/script>/.exec(html);
        if (!match?.[1]) throw new Error('index.html: no module entry script to replace');
        entry = match[1];
        return html
          .replace(match[0], '<script defer src="./start.js"></script>')
          .replace(/<link rel="stylesheet" crossorigin href=/g, '<link rel="stylesheet" href=');
      },
    },
    generateBundle() {
      this.emitFile({
        type: 'asset',
        fileName: 'start.js',
        source: `// Loads the app: ES modules over http(s), the one classic script from file:// (vite.config.ts).
(function () {
  var script = document.createElement('script');
  if (location.protocol === 'file:') script.src = './${OFFLINE_SCRIPT}';
  else { script.type = 'module'; script.src = './${entry}'; }
  document.head.appendChild(script);
})();
`,
      });
    },
  };
}

/** After the module build, the offline build into the same folder. */
function offlineBuild(): Plugin {
  let outDir = '';
  let logLevel: 'info' | 'warn' | 'error' | 'silent' = 'info';
  return {
    name: 'stopout-offline-build',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
      logLevel = config.logLevel;
    },
    async closeBundle() {
      await build({ configFile: fileURLToPath(import.meta.url), mode: 'offline', logLevel, build: { outDir } });
    },
  };
}

export default defineConfig(({ mode }) => ({
  root: 'src/web',
  base: './',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  worker: { format: 'iife' },
  build: mode === 'offline'
    ? {
      outDir: '../../dist/web',
      emptyOutDir: false,
      target: 'es2022',
      copyPublicDir: false,
      chunkSizeWarningLimit: 1024,
      rollupOptions: {
        input: fileURLToPath(new URL('./src/web/main.tsx', import.meta.url)),
        // Vite's loader of split chunks reads import.meta; with nothing split it is never called.
        checks: { emptyImportMeta: false },
        output: { format: 'iife', entryFileNames: OFFLINE_SCRIPT, assetFileNames: 'offline/[name][extname]' },
      },
    }
    : {
      outDir: '../../dist/web',
      emptyOutDir: true,
      target: 'es2022',
      modulePreload: false,
      chunkSizeWarningLimit: 1024,
    },
  plugins: mode === 'offline' ? [] : [startScript(), offlineBuild()],
}));
