// Serves the built web app (web/dist) at /: hashed assets with immutable cache headers, top-level files as
// they are, and index.html for every other page path, so deep links survive a reload. API and docs paths
// that match no route stay problem+json. Without a build, pages get a 503 that says how to make one.
import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendProblem } from './problems.js';

export interface WebAppOptions {
  /** The folder holding index.html and assets/ (default: web/dist of this checkout). */
  distDir?: string;
}

/** The checkout's root: the nearest folder up from this file with the service's package.json. */
function projectRoot(): string {
  let dir = import.meta.dirname;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'opsdesk') return dir;
    const up = path.dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

const missingPage = `<!doctype html><html lang="en"><meta charset="utf-8"><title>opsdesk — web app not built</title>
<body style="font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem">
<h1>The web app has not been built</h1>
<p>The API is running, but <code>web/dist</code> is missing. Build the web app with</p>
<pre style="background:#f3f4f6;padding:.75rem;border-radius:6px">npm run build</pre>
<p>and restart the service (<code>npm start</code> does both).</p></body></html>`;

function wantsHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return accept.includes('text/html') || accept.includes('*/*') || accept === '';
}

function isServicePath(url: string): boolean {
  return url.startsWith('/api/') || url === '/api' || url.startsWith('/docs') || url === '/metrics';
}

export async function registerWebApp(app: FastifyInstance, options: WebAppOptions = {}): Promise<void> {
  const dist = options.distDir ?? path.join(projectRoot(), 'web', 'dist');
  const built = fs.existsSync(path.join(dist, 'index.html'));

  const notFound = (request: FastifyRequest, reply: FastifyReply) =>
    sendProblem(
      request,
      reply,
      404,
      'not_found',
      `No route ${request.method} ${request.url.split('?')[0].slice(0, 200)}.`,
    );

  if (!built) {
    app.get('/*', { schema: { hide: true }, config: { public: true } }, async (request, reply) => {
      if (isServicePath(request.url) || !wantsHtml(request)) return notFound(request, reply);
      return reply
        .code(503)
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(missingPage);
    });
    return;
  }

  const assets = path.join(dist, 'assets');
  if (fs.existsSync(assets)) {
    await app.register(fastifyStatic, {
      root: assets,
      prefix: '/assets/',
      index: false,
      cacheControl: false,
      // Vite names assets by their content's hash: a name never changes meaning.
      // (setHeaders also runs for reply.sendFile below: only files under assets/ are immutable.)
      setHeaders: (reply, file) => {
        if (path.resolve(file).startsWith(assets + path.sep))
          reply.header('cache-control', 'public, max-age=31536000, immutable');
      },
    });
    // The web app's own pages live under /assets too (the inventory: /assets/12, /assets/labels). A parametric
    // route outranks the static plugin's wildcard: a name with an extension is a built file, served as the
    // plugin would; any other name is a page, given index.html as every deep link is.
    app.get<{ Params: { name: string } }>(
      '/assets/:name',
      { schema: { hide: true }, config: { public: true } },
      async (request, reply) => {
        const { name } = request.params;
        if (/\.[A-Za-z0-9]+$/.test(name)) return reply.sendFile(name, assets);
        if (!wantsHtml(request)) return notFound(request, reply);
        return reply.header('cache-control', 'no-cache').sendFile('index.html', dist);
      },
    );
  } else {
    await app.register(fastifyStatic, { root: dist, serve: false });
  }

  const topLevel = new Set(
    fs
      .readdirSync(dist, { withFileTypes: true })
      .filter((e) => e.isFile() && e.name !== 'index.html')
      .map((e) => e.name),
  );
  app.get('/*', { schema: { hide: true }, config: { public: true } }, async (request, reply) => {
    const pathname = request.url.split('?')[0];
    if (isServicePath(pathname)) return notFound(request, reply);
    const name = decodeURIComponent(pathname.slice(1));
    if (topLevel.has(name)) return reply.header('cache-control', 'public, max-age=3600').sendFile(name, dist);
    // A missing build file under /assets/ (a name with an extension) stays 404; a page path there is a page.
    if (!wantsHtml(request) || /^\/assets\/.*\.[A-Za-z0-9]+$/.test(pathname)) return notFound(request, reply);
    // The page itself is never cached, so a new build's asset names reach browsers at once.
    return reply.header('cache-control', 'no-cache').sendFile('index.html', dist);
  });
}
