// Attachments of articles on both databases: writers upload, readers download, images proven by their bytes
// are shown inline and anything else (SVG, HTML, a "PNG" that is HTML) is a download that cannot run script;
// the size and count limits; removal; hidden from who may not read the article.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { articleAttachmentLimits } from '../../src/knowledge/index.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';
import { download, png, upload } from './kb-files.js';

describe.each(dialects)('article attachments on %s', (dialect) => {
  let t: TestApp;
  let manager: Session;
  let technician: Session;
  let requester: Session;
  let publicId: number;
  let internalId: number;

  const article = async (audience: string) => {
    const r = await manager.call('POST', '/api/v1/articles', {
      title: `Printer guide ${audience}`,
      body: 'Add the printer.',
      kind: 'guide',
      audience,
      status: 'published',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.id as number;
  };

  beforeAll(async () => {
    t = await makeApp(dialect);
    manager = await userSession(t.app, t.ctx, 'manager');
    technician = await userSession(t.app, t.ctx, 'technician');
    requester = await userSession(t.app, t.ctx, 'requester');
    publicId = await article('public');
    internalId = await article('internal');
  });
  afterAll(() => t?.close());

  it('a technician uploads a screenshot; a requester sees it inline with its proven type', async () => {
    // The client calls it octet-stream: the bytes say PNG.
    const up = await upload(t.app, technician, `/api/v1/articles/${publicId}/attachments`, {
      name: 'step 1.png',
      type: 'application/octet-stream',
      content: png,
    });
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    expect(up.body).toMatchObject({
      filename: 'step 1.png',
      contentType: 'image/png',
      inline: true,
      size: png.length,
    });
    expect(up.body.url).toBe(`/api/v1/articles/${publicId}/attachments/${up.body.id}`);
    const list = await requester.call('GET', `/api/v1/articles/${publicId}/attachments`);
    expect(list.body.items.map((a: { id: number }) => a.id)).toEqual([up.body.id]);
    const got = await download(t.app, requester, up.body.url);
    expect(got.status).toBe(200);
    expect(got.headers['content-type']).toBe('image/png');
    expect(got.headers['x-content-type-options']).toBe('nosniff');
    expect(String(got.headers['content-disposition'])).toMatch(/^inline; filename\*=UTF-8''step%201\.png$/);
    expect(got.raw.equals(png)).toBe(true);
    // The Markdown references it, and the rendered article keeps the image.
    const edited = await technician.call('PATCH', `/api/v1/articles/${publicId}`, {
      baseVersion: 1,
      body: `Add the printer.\n\n![Step 1](${up.body.url})`,
    });
    expect(edited.status).toBe(200);
    const read = await requester.call('GET', `/api/v1/articles/${publicId}`);
    expect(read.body.html).toContain(`<img src="${up.body.url}" alt="Step 1" />`);
  });

  it('SVG, HTML and a "PNG" that is HTML are downloads of unknown type, never inline', async () => {
    const files = [
      {
        name: 'logo.svg',
        type: 'image/svg+xml',
        content: '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
      },
      { name: 'page.html', type: 'text/html', content: '<script>alert(1)</script>' },
      { name: 'fake.png', type: 'image/png', content: '<html><script>alert(1)</script></html>' },
    ];
    for (const file of files) {
      const up = await upload(t.app, technician, `/api/v1/articles/${publicId}/attachments`, file);
      expect(up.status, file.name).toBe(201);
      expect(up.body.inline, file.name).toBe(false);
      expect(up.body.contentType.startsWith('image/'), file.name).toBe(false);
      const got = await download(t.app, requester, up.body.url);
      expect(got.headers['content-type'], file.name).toBe('application/octet-stream');
      expect(String(got.headers['content-disposition']), file.name).toMatch(/^attachment; /);
      expect(got.headers['x-content-type-options']).toBe('nosniff');
      expect(String(got.headers['content-security-policy'])).toContain("default-src 'none'");
    }
  });

  it("hides an internal article's attachments from requesters, and refuses uploads from them", async () => {
    const up = await upload(t.app, technician, `/api/v1/articles/${internalId}/attachments`, {
      name: 'diagram.png',
      type: 'image/png',
      content: png,
    });
    expect(up.status).toBe(201);
    expect((await download(t.app, requester, up.body.url)).status).toBe(404);
    expect((await requester.call('GET', `/api/v1/articles/${internalId}/attachments`)).status).toBe(404);
    expect((await download(t.app, technician, up.body.url)).status).toBe(200);
    // The attachment under another article's id is not found.
    expect(
      (await download(t.app, technician, `/api/v1/articles/${publicId}/attachments/${up.body.id}`)).status,
    ).toBe(404);
    const byRequester = await upload(t.app, requester, `/api/v1/articles/${publicId}/attachments`, {
      name: 'x.png',
      type: 'image/png',
      content: png,
    });
    expect(byRequester.status).toBe(403);
    const hidden = await upload(t.app, requester, `/api/v1/articles/${internalId}/attachments`, {
      name: 'x.png',
      type: 'image/png',
      content: png,
    });
    expect(hidden.status).toBe(404);
  });

  it('refuses a file over the size limit with 413 and an empty one with 400', async () => {
    const big = Buffer.alloc(articleAttachmentLimits.bytes + 1, 0x61);
    const r = await upload(t.app, technician, `/api/v1/articles/${publicId}/attachments`, {
      name: 'big.txt',
      type: 'text/plain',
      content: big,
    });
    expect(r.status).toBe(413);
    const empty = await upload(t.app, technician, `/api/v1/articles/${publicId}/attachments`, {
      name: 'empty.txt',
      type: 'text/plain',
      content: '',
    });
    expect(empty.status).toBe(400);
    const notMultipart = await technician.call('POST', `/api/v1/articles/${publicId}/attachments`, {
      file: 'x',
    });
    expect(notMultipart.status).toBe(400);
  });

  it('refuses more attachments than an article may have', async () => {
    const id = await article('public');
    for (let i = 0; i < articleAttachmentLimits.perArticle; i++) {
      const r = await upload(t.app, technician, `/api/v1/articles/${id}/attachments`, {
        name: `${i}.txt`,
        type: 'text/plain',
        content: `note ${i}`,
      });
      expect(r.status).toBe(201);
    }
    const over = await upload(t.app, technician, `/api/v1/articles/${id}/attachments`, {
      name: 'one-more.txt',
      type: 'text/plain',
      content: 'x',
    });
    expect(over.status).toBe(409);
    expect(over.body.code).toBe('article_attachment_limit');
  });

  it('a writer removes an attachment; a requester may not', async () => {
    const up = await upload(t.app, technician, `/api/v1/articles/${publicId}/attachments`, {
      name: 'old.png',
      type: 'image/png',
      content: png,
    });
    expect((await requester.call('DELETE', up.body.url)).status).toBe(403);
    expect((await technician.call('DELETE', up.body.url)).status).toBe(204);
    expect((await download(t.app, technician, up.body.url)).status).toBe(404);
    expect((await technician.call('DELETE', up.body.url)).status).toBe(404);
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('subject_type', '=', 'article')
      .where('subject_id', '=', String(publicId))
      .execute();
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['article.attachment_added', 'article.attachment_removed']),
    );
  });
});
