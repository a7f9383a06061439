// Import and export of the knowledge base, and an article to print: a Markdown/HTML file or a zip of them in,
// a zip of Markdown with front matter out; a printable page (no script: its own Content-Security-Policy) and a
// PDF. Thin: schema → actor → one domain call → response.
import '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { ServiceContext } from '../../../core/context.js';
import { Invalid } from '../../../core/errors.js';
import {
  articlePdf,
  exportKnowledge,
  importKnowledge,
  kbImportLimits,
  printableArticle,
  printablePagePolicy,
} from '../../../knowledge/index.js';
import { requireActor } from '../../authentication.js';
import { IdParams, problemResponses } from '../../schemas.js';

const ImportResult = Type.Object({
  created: Type.Array(
    Type.Object({
      id: Type.Integer(),
      title: Type.String(),
      path: Type.String(),
      notes: Type.Array(Type.String(), { description: 'What was left out (an owner not known here…)' }),
    }),
  ),
  skipped: Type.Array(Type.Object({ path: Type.String(), reason: Type.String() })),
});

export function knowledgeTransferRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/api/v1/knowledge/import',
      {
        schema: {
          tags: ['knowledge'],
          summary:
            'Import articles: a Markdown file (YAML front matter optional), an HTML file, or a zip of a folder tree of them (multipart/form-data, field "file")',
          description: `Each file becomes an article (a draft unless its front matter says otherwise); images a file links to inside the zip become attachments. At most ${kbImportLimits.uploadBytes} bytes uploaded, ${kbImportLimits.unpackedBytes} bytes and ${kbImportLimits.entries} entries unpacked.`,
          consumes: ['multipart/form-data'],
          response: { 200: ImportResult, ...problemResponses },
        },
      },
      async (request) => {
        const actor = requireActor(request);
        const file = request.isMultipart()
          ? await request.file({ limits: { fileSize: kbImportLimits.uploadBytes, files: 1 } })
          : undefined;
        if (!file)
          throw new Invalid(
            'invalid_kb_import',
            'Send the file as multipart/form-data in a field named "file".',
            [{ field: '/file', message: 'required' }],
          );
        const data = await file.toBuffer();
        return importKnowledge(ctx, actor, { filename: file.filename, data });
      },
    );

    app.get(
      '/api/v1/knowledge/export',
      {
        schema: {
          tags: ['knowledge'],
          summary:
            'The whole knowledge base as a zip: Markdown files with YAML front matter in folders by category, attachments beside them',
          response: { ...problemResponses },
        },
      },
      async (request, reply) => {
        const zip = await exportKnowledge(ctx, requireActor(request));
        return reply
          .type('application/zip')
          .header('content-disposition', 'attachment; filename="knowledge-base.zip"')
          .header('x-content-type-options', 'nosniff')
          .send(Buffer.from(zip.buffer, zip.byteOffset, zip.length));
      },
    );

    app.get(
      '/api/v1/articles/:id/print',
      {
        schema: {
          tags: ['knowledge'],
          summary: 'An article as a standalone printable HTML page',
          params: IdParams,
          response: { ...problemResponses },
        },
      },
      async (request, reply) => {
        const html = await printableArticle(ctx, requireActor(request), request.params.id);
        return reply
          .type('text/html; charset=utf-8')
          .header('content-security-policy', printablePagePolicy)
          .header('x-content-type-options', 'nosniff')
          .send(html);
      },
    );

    app.get(
      '/api/v1/articles/:id/pdf',
      {
        schema: {
          tags: ['knowledge'],
          summary: 'An article as a PDF',
          params: IdParams,
          response: { ...problemResponses },
        },
      },
      async (request, reply) => {
        const pdf = await articlePdf(ctx, requireActor(request), request.params.id);
        return reply
          .type('application/pdf')
          .header('content-disposition', `inline; filename="article-${request.params.id}.pdf"`)
          .header('x-content-type-options', 'nosniff')
          .send(pdf);
      },
    );
  };
}
