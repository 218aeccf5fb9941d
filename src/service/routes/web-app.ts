/**
 * The web app (spec/web.md) at /: the static build in dist/web, served by @fastify/static. The page
 * itself is never cached stale (`no-cache`: revalidated by its ETag every time), and the assets,
 * whose names carry a hash of their content, are cached for a year as immutable. Without a build
 * (the service run from its sources before `npm run build:web`), / shows the service's own status
 * page instead and says how to build the app.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { ServiceContext } from '../context.js';
import { landingPage } from './landing-page.js';

/**
 * dist/web: beside dist/service when built, or the repository's dist/web when run through tsx;
 * STOPOUT_WEB_DIR serves another build of the app (`npx vite build --outDir DIR`).
 */
export function webRoot(): string {
  const custom = process.env.STOPOUT_WEB_DIR;
  if (custom) return custom.endsWith('/') ? custom : `${custom}/`;
  const fromBuild = new URL('../../web/', import.meta.url);
  const fromSources = new URL('../../../dist/web/', import.meta.url);
  return fileURLToPath(import.meta.url.endsWith('.ts') ? fromSources : fromBuild);
}

/** The app's page may run its own scripts, its inline workers (blob:) and the styles it injects, and talk to this service only. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'", "script-src 'self'", "worker-src 'self' blob:", "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:", "connect-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'none'",
].join('; ');

export async function registerWebApp(app: FastifyInstance, context: ServiceContext, root = webRoot()): Promise<void> {
  if (!existsSync(`${root}index.html`)) {
    app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(landingPage(context)));
    return;
  }
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    index: ['index.html'],
    wildcard: false,
    cacheControl: false,
    setHeaders: (response, path) => {
      const immutable = /[/\\]assets[/\\]/.test(path);
      response.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      response.header('x-content-type-options', 'nosniff');
      response.header('referrer-policy', 'no-referrer');
      if (path.endsWith('.html')) response.header('content-security-policy', CONTENT_SECURITY_POLICY);
    },
  });
}
