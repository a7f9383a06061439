// An article to print, on both databases: a standalone HTML page (sanitised, no script allowed by its policy)
// and a PDF with the title, headings, lists and code; only for readers of the article.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorForUser } from '../../src/core/auth/index.js';
import { articlePdf, getArticle } from '../../src/knowledge/index.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';
import { download, pdfText } from './kb-files.js';

const body = [
  '# Before you start',
  '',
  'Check the **VPN** client version.',
  '',
  '- Windows: Settings',
  '- macOS: System Settings',
  '',
  '1. Open the client',
  '2. Choose *IKEv2*',
  '',
  '```sh',
  'vpnctl status',
  '```',
  '',
  '<script>alert(1)</script> [x](javascript:alert(1)) and [docs](https://vpn.example.com)',
  '',
].join('\n');

describe.each(dialects)('printing articles on %s', (dialect) => {
  let t: TestApp;
  let manager: Session;
  let technician: Session;
  let requester: Session;
  let publishedId: number;
  let draftId: number;

  beforeAll(async () => {
    t = await makeApp(dialect);
    manager = await userSession(t.app, t.ctx, 'manager');
    technician = await userSession(t.app, t.ctx, 'technician');
    requester = await userSession(t.app, t.ctx, 'requester');
    const write = async (extra: Record<string, unknown>) => {
      const r = await manager.call('POST', '/api/v1/articles', {
        title: 'VPN setup & <checks>',
        body,
        kind: 'guide',
        audience: 'public',
        ...extra,
      });
      expect(r.status).toBe(201);
      return r.body.id as number;
    };
    publishedId = await write({ status: 'published' });
    draftId = await write({});
  });
  afterAll(() => t?.close());

  it('prints a standalone page: escaped title, version and dates, the sanitised article, no script allowed', async () => {
    const r = await download(t.app, requester, `/api/v1/articles/${publishedId}/print`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toMatch(/script-src/);
    const html = r.body as string;
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<title>VPN setup &amp; &lt;checks&gt;</title>');
    expect(html).toContain('<h1>VPN setup &amp; &lt;checks&gt;</h1>');
    expect(html).toContain('How-to guide · version 1');
    expect(html).toContain('Updated 2026-03-02 · published 2026-03-02');
    expect(html).toContain('<h1 id="before-you-start">Before you start</h1>');
    expect(html).toContain('<li>Windows: Settings</li>');
    expect(html).toContain('@media print');
    expect(html).not.toMatch(/<script|href="javascript/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('draws a PDF with the title, headings, list items and code', async () => {
    const r = await download(t.app, requester, `/api/v1/articles/${publishedId}/pdf`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/pdf');
    expect(r.raw.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = pdfText(r.raw);
    expect(text).toContain('VPN setup & <checks>');
    expect(text).toContain('Before you start');
    expect(text).toMatch(/•/);
    expect(text).toContain('1. ');
    expect(text).toContain('vpnctl status');
    expect(text).toContain('(https://vpn.example.com)');
  });

  it('uncompressed, the PDF holds the title as drawn text', async () => {
    const user = await t.ctx.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', manager.userId)
      .executeTakeFirstOrThrow();
    const actor = actorForUser({ ...user, groupIds: [] });
    const article = await getArticle(t.ctx, actor, publishedId);
    const pdf = await articlePdf(t.ctx, actor, publishedId, { compress: false });
    expect(pdf.toString('latin1')).not.toContain('/FlateDecode');
    expect(pdfText(pdf)).toContain(article.title);
  });

  it('prints only what the reader may read: staff print drafts, requesters do not see them', async () => {
    expect((await download(t.app, requester, `/api/v1/articles/${draftId}/print`)).status).toBe(404);
    expect((await download(t.app, requester, `/api/v1/articles/${draftId}/pdf`)).status).toBe(404);
    expect((await download(t.app, technician, `/api/v1/articles/${draftId}/print`)).status).toBe(200);
    const pdf = await download(t.app, technician, `/api/v1/articles/${draftId}/pdf`);
    expect(pdf.status).toBe(200);
    expect(pdfText(pdf.raw)).toContain('Status: draft');
  });
});
