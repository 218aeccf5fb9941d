// `stopout serve` serves the web app at / (spec/service.md, spec/web.md): the page and start.js are
// revalidated every time (no-cache), the assets, whose names carry their content's hash, are cached
// for a year as immutable; the page carries its Content-Security-Policy; a file that is not there
// is the service's own 404 problem, and the API is untouched by the static files.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import { webRoot } from '../../src/service/routes/web-app.js';
import { startInProcess } from '../support/service-harness.js';

const root = webRoot();

/** A GET's status through node:http: fetch adds `Cache-Control: no-cache` to a conditional request, which forbids a 304. */
function statusOf(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    }).on('error', reject);
  });
}
const built = existsSync(join(root, 'index.html'));

test('the web app at /, with cache headers', { skip: built ? undefined : `no web build in ${root} (npm run build:web)` }, async () => {
  const service = await startInProcess();
  try {
    const url = service.running.url;
    const page = await fetch(`${url}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(page.headers.get('cache-control'), 'no-cache');
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
    const html = await page.text();
    assert.match(html, /<script defer src="\.\/start\.js"><\/script>/);

    const start = await fetch(`${url}/start.js`);
    assert.equal(start.status, 200);
    assert.equal(start.headers.get('cache-control'), 'no-cache');
    const entry = /script\.src = '\.\/(assets\/[^']+\.js)'/.exec(await start.text())?.[1];
    assert.ok(entry, 'start.js names the module entry');

    const assets = readdirSync(join(root, 'assets'));
    assert.ok(assets.length > 2, 'the module build is split into several files');
    for (const name of [entry.replace('assets/', ''), ...assets.filter((file) => file.endsWith('.css'))]) {
      const asset = await fetch(`${url}/assets/${name}`);
      assert.equal(asset.status, 200, name);
      assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable', name);
      assert.ok(asset.headers.get('etag'), `${name} has an ETag`);
      await asset.arrayBuffer();
    }
    assert.equal(await statusOf(`${url}/`, { 'if-none-match': page.headers.get('etag') ?? '' }), 304, 'the page revalidates by its ETag');

    const offline = await fetch(`${url}/offline/app.js`);
    assert.equal(offline.status, 200, 'the one-script build for file:// is there too');
    await offline.arrayBuffer();

    const missing = await fetch(`${url}/assets/nothing-here.js`);
    assert.equal(missing.status, 404);
    assert.match(missing.headers.get('content-type') ?? '', /^application\/problem\+json/);
    await missing.arrayBuffer();

    const health = await fetch(`${url}/health`);
    assert.deepEqual(await health.json(), { status: 'ok' });
  } finally {
    await service.stop();
  }
});
