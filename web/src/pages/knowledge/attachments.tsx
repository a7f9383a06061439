// The editor's attachments: upload files and images to the article, remove them, and insert a reference into
// the Markdown at the cursor (an image shown inline, anything else as a link). A new article has no id to
// attach to until its draft is saved, so it says so instead.
import { useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import {
  attachmentMarkdown,
  useAttachments,
  useDeleteAttachment,
  useUploadAttachment,
} from '../../api/knowledge-transfer';
import { ErrorMessage } from '../../ui/messages';
import { formatBytes } from '../../ui/time';

export function EditorAttachments({
  articleId,
  onInsert,
}: {
  articleId: number | null;
  onInsert: (markdown: string) => void;
}) {
  const { t } = useTranslation('knowledge');
  const titleId = useId();
  return (
    <section className="card kb-attach" aria-labelledby={titleId}>
      <h2 id={titleId} className="kb-attach-title">
        {t('files.title')}
      </h2>
      {articleId === null ? (
        <p className="muted small">{t('files.saveFirst')}</p>
      ) : (
        <AttachmentList articleId={articleId} onInsert={onInsert} />
      )}
    </section>
  );
}

function AttachmentList({ articleId, onInsert }: { articleId: number; onInsert: (md: string) => void }) {
  const { t } = useTranslation('knowledge');
  const files = useAttachments(articleId);
  const upload = useUploadAttachment(articleId);
  const remove = useDeleteAttachment(articleId);
  const input = useRef<HTMLInputElement>(null);
  const inputId = useId();

  async function uploadAll(list: FileList | null) {
    for (const f of Array.from(list ?? [])) {
      // One refused file (too large…) is said; the others still go.
      await upload.mutateAsync(f).catch(() => null);
    }
    if (input.current) input.current.value = '';
  }

  return (
    <>
      <div className="kb-attach-upload">
        <label htmlFor={inputId}>{t('files.attach')}</label>
        <input
          id={inputId}
          ref={input}
          type="file"
          multiple
          disabled={upload.isPending}
          onChange={(e) => void uploadAll(e.target.files)}
        />
        {upload.isPending && (
          <span className="muted small" role="status">
            {t('files.uploading')}
          </span>
        )}
      </div>
      <ErrorMessage error={upload.error} title={t('files.uploadFailed')} />
      <ErrorMessage error={files.error} title={t('files.loadFailed')} />
      <ErrorMessage error={remove.error} title={t('files.removeFailed')} />
      {files.data && files.data.length === 0 && <p className="muted small">{t('files.none')}</p>}
      {files.data && files.data.length > 0 && (
        <ul className="kb-attach-list">
          {files.data.map((f) => (
            <li key={f.id}>
              <span className="kb-attach-name">
                <a href={f.url} target="_blank" rel="noreferrer">
                  {f.filename}
                </a>{' '}
                <span className="muted small">
                  {f.inline ? `${t('files.image')} · ` : ''}
                  {formatBytes(f.size)}
                </span>
              </span>
              <span className="kb-attach-actions">
                <button
                  type="button"
                  className="small"
                  aria-label={t('files.insertNamed', { name: f.filename })}
                  onClick={() => onInsert(attachmentMarkdown(f))}
                >
                  {t('files.insert')}
                </button>
                <button
                  type="button"
                  className="small danger"
                  aria-label={t('files.deleteNamed', { name: f.filename })}
                  disabled={remove.isPending}
                  onClick={() => {
                    if (window.confirm(t('files.removeConfirm', { name: f.filename }))) remove.mutate(f.id);
                  }}
                >
                  {t('common:actions.delete')}
                </button>
              </span>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
