// Serving the built web app: without a build, pages answer 503 with how to make one (API paths stay
// problem+json); with one, deep links get index.html and hashed assets are cached for good.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { registerWebApp } from '../../src/api/web-app.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdesk-web-'));
  dirs.push(d);
  return d;
}

describe('serving web/dist', () => {
  it('says to run npm run build when the web app is missing', async () => {
    const app = Fastify();
    await registerWebApp(app, { distDir: path.join(tempDir(), 'dist') });
    const page = await app.inject({ method: 'GET', url: '/queue', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(503);
    expect(page.body).toContain('npm run build');
    const api = await app.inject({
      method: 'GET',
      url: '/api/v1/nothing',
      headers: { accept: 'application/json' },
    });
    expect(api.statusCode).toBe(404);
    expect(api.headers['content-type']).toContain('problem+json');
    await app.close();
  });

  it('serves index.html for deep links and immutable hashed assets', async () => {
    const dist = tempDir();
    fs.mkdirSync(path.join(dist, 'assets'));
    fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
    fs.writeFileSync(path.join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
    fs.writeFileSync(path.join(dist, 'favicon.svg'), '<svg/>');
    const app = Fastify();
    await registerWebApp(app, { distDir: dist });
    const deep = await app.inject({
      method: 'GET',
      url: '/tickets/42?x=1',
      headers: { accept: 'text/html' },
    });
    expect(deep.statusCode).toBe(200);
    expect(deep.body).toContain('id="root"');
    expect(deep.headers['cache-control']).toBe('no-cache');
    const asset = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    expect((await app.inject({ method: 'GET', url: '/favicon.svg' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/assets/missing.js' })).statusCode).toBe(404);
    // The inventory's pages share the prefix with the built files: a name without an extension is a page.
    for (const url of ['/assets/12', '/assets/labels?ids=1,2']) {
      const page = await app.inject({ method: 'GET', url, headers: { accept: 'text/html' } });
      expect(page.statusCode, url).toBe(200);
      expect(page.body).toContain('id="root"');
    }
    expect(
      (await app.inject({ method: 'GET', url: '/assets/12', headers: { accept: 'application/json' } }))
        .statusCode,
    ).toBe(404);
    expect(
      (await app.inject({ method: 'GET', url: '/docs/nope', headers: { accept: 'text/html' } })).statusCode,
    ).toBe(404);
    await app.close();
  });
});
