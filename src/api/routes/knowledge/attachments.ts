// Attachments of articles: upload (multipart, field "file"), list, download, remove. A download is an image
// shown inline only when its bytes proved it one; anything else is a download of unknown type, so nothing
// uploaded can run script in our origin. Thin: schema → actor → one domain call → response schema.
import '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { toIso } from '../../../core/clock.js';
import type { ServiceContext } from '../../../core/context.js';
import { Invalid } from '../../../core/errors.js';
import {
  type ArticleAttachment,
  addArticleAttachment,
  articleAttachmentLimits,
  deleteArticleAttachment,
  listArticleAttachments,
  readArticleAttachment,
} from '../../../knowledge/index.js';
import { requireActor } from '../../authentication.js';
import { Id, IdParams, IsoTime, problemResponses } from '../../schemas.js';

const ArticleAttachmentSchema = Type.Object({
  id: Type.Integer(),
  articleId: Type.Integer(),
  filename: Type.String(),
  contentType: Type.String(),
  size: Type.Integer(),
  sha256: Type.String(),
  inline: Type.Boolean({ description: 'Shown as an image (its bytes are a PNG, JPEG, GIF or WebP)' }),
  createdAt: IsoTime,
  url: Type.String({ description: 'Where to download it; the Markdown references images by this URL' }),
});

function attachmentView(a: ArticleAttachment) {
  return {
    id: a.id,
    articleId: a.articleId,
    filename: a.filename,
    contentType: a.contentType,
    size: a.size,
    sha256: a.sha256,
    inline: a.inline,
    createdAt: toIso(a.createdAt),
    url: `/api/v1/articles/${a.articleId}/attachments/${a.id}`,
  };
}

const AttachmentParams = Type.Object({ id: Id, attachmentId: Id });

export function articleAttachmentRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/api/v1/articles/:id/attachments',
      {
        schema: {
          tags: ['knowledge'],
          summary: `Attach a file to an article (multipart/form-data, field "file", at most ${articleAttachmentLimits.bytes} bytes)`,
          params: IdParams,
          consumes: ['multipart/form-data'],
          response: { 201: ArticleAttachmentSchema, ...problemResponses },
        },
      },
      async (request, reply) => {
        const actor = requireActor(request);
        const file = request.isMultipart()
          ? await request.file({ limits: { fileSize: articleAttachmentLimits.bytes, files: 1 } })
          : undefined;
        if (!file)
          throw new Invalid(
            'validation_failed',
            'Send the file as multipart/form-data in a field named "file".',
            [{ field: '/file', message: 'required' }],
          );
        const data = await file.toBuffer();
        const attachment = await addArticleAttachment(ctx, actor, request.params.id, {
          filename: file.filename,
          contentType: file.mimetype,
          data,
        });
        return reply.code(201).send(attachmentView(attachment));
      },
    );

    app.get(
      '/api/v1/articles/:id/attachments',
      {
        schema: {
          tags: ['knowledge'],
          summary: "An article's attachments",
          params: IdParams,
          response: { 200: Type.Object({ items: Type.Array(ArticleAttachmentSchema) }), ...problemResponses },
        },
      },
      async (request) => ({
        items: (await listArticleAttachments(ctx, requireActor(request), request.params.id)).map(
          attachmentView,
        ),
      }),
    );

    app.get(
      '/api/v1/articles/:id/attachments/:attachmentId',
      {
        schema: {
          tags: ['knowledge'],
          summary: "Download an article's attachment (images inline, anything else as a download)",
          params: AttachmentParams,
          response: { ...problemResponses },
        },
      },
      async (request, reply) => {
        const { attachment, data } = await readArticleAttachment(
          ctx,
          requireActor(request),
          request.params.id,
          request.params.attachmentId,
        );
        const name = encodeURIComponent(attachment.filename);
        return reply
          .type(attachment.inline ? attachment.contentType : 'application/octet-stream')
          .header('x-content-type-options', 'nosniff')
          .header('content-security-policy', "default-src 'none'; sandbox")
          .header(
            'content-disposition',
            `${attachment.inline ? 'inline' : 'attachment'}; filename*=UTF-8''${name}`,
          )
          .header('cache-control', 'private, max-age=3600')
          .send(data);
      },
    );

    app.delete(
      '/api/v1/articles/:id/attachments/:attachmentId',
      {
        schema: {
          tags: ['knowledge'],
          summary: "Remove an article's attachment",
          params: AttachmentParams,
          response: { 204: Type.Null(), ...problemResponses },
        },
      },
      async (request, reply) => {
        await deleteArticleAttachment(
          ctx,
          requireActor(request),
          request.params.id,
          request.params.attachmentId,
        );
        return reply.code(204).send(null);
      },
    );
  };
}
