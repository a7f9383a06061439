// Files of the knowledge base: an article's attachments (upload, list, remove; each answer carries its own
// download URL), importing Markdown/HTML/zip files, and the addresses of the export, the print page and the PDF.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { client, unwrap } from './client';
import { kbKeys } from './knowledge';
import type { ResponseOf } from './types';

export type ArticleAttachment = ResponseOf<'/api/v1/articles/{id}/attachments', 'get'>['items'][number];
export type ImportResult = ResponseOf<'/api/v1/knowledge/import', 'post'>;

export const transferKeys = {
  attachments: (id: number) => ['kb', 'article', id, 'attachments'] as const,
};

function fileForm(file: File) {
  const form = new FormData();
  form.append('file', file, file.name);
  return form;
}
// Multipart bodies are not in the OpenAPI document: the body goes through as FormData, unserialised.
const asForm = { bodySerializer: (body: unknown) => body as FormData };

export function useAttachments(id: number, enabled = true) {
  return useQuery({
    queryKey: transferKeys.attachments(id),
    queryFn: () =>
      unwrap(client.GET('/api/v1/articles/{id}/attachments', { params: { path: { id } } })).then(
        (r) => r.items,
      ),
    enabled,
  });
}

export function useUploadAttachment(id: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (file: File) =>
      unwrap(
        client.POST('/api/v1/articles/{id}/attachments', {
          params: { path: { id } },
          body: fileForm(file) as never,
          ...asForm,
        }),
      ),
    onSuccess: () => void qc.invalidateQueries({ queryKey: transferKeys.attachments(id) }),
  });
}

export function useDeleteAttachment(id: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (attachmentId: number) =>
      unwrap(
        client.DELETE('/api/v1/articles/{id}/attachments/{attachmentId}', {
          params: { path: { id, attachmentId } },
        }),
      ),
    onSuccess: () => void qc.invalidateQueries({ queryKey: transferKeys.attachments(id) }),
  });
}

/** A Markdown file, an HTML file or a zip of them: each becomes an article; the answer says what was not. */
export function useImportKnowledge() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (file: File) =>
      unwrap(client.POST('/api/v1/knowledge/import', { body: fileForm(file) as never, ...asForm })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: kbKeys.all }),
  });
}

/** The Markdown that shows an attachment in the article: an image inline, anything else as a link. */
export function attachmentMarkdown(a: Pick<ArticleAttachment, 'filename' | 'url' | 'inline'>): string {
  const name = a.filename.replace(/[[\]\\]/g, '\\$&');
  return `${a.inline ? '!' : ''}[${name}](${encodeURI(a.url)})`;
}

export const exportHref = '/api/v1/knowledge/export';
export const printHref = (id: number) => `/api/v1/articles/${id}/print`;
export const pdfHref = (id: number) => `/api/v1/articles/${id}/pdf`;
