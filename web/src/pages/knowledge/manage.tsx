// The manager's tools on the knowledge base page: its categories (add, rename, reorder, delete) and moving
// articles in and out — import a Markdown or HTML file or a zip of them (what was created and what was skipped,
// with why), and export the whole knowledge base as a zip.
import { type FormEvent, useId, useRef, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import {
  type KbCategory,
  useDeleteKbCategory,
  useKbCategories,
  useSaveKbCategory,
} from '../../api/knowledge';
import { exportHref, type ImportResult, useImportKnowledge } from '../../api/knowledge-transfer';
import { ErrorMessage } from '../../ui/messages';

export function ManagePanel() {
  return (
    <div className="kb-manage">
      <CategoriesPanel />
      <TransferPanel />
    </div>
  );
}

function CategoryRow({
  category,
  index,
  count,
  onMove,
  busy,
}: {
  category: KbCategory;
  index: number;
  count: number;
  onMove: (from: number, to: number) => void;
  busy: boolean;
}) {
  const { t } = useTranslation('knowledge');
  const save = useSaveKbCategory();
  const remove = useDeleteKbCategory();
  const [name, setName] = useState(category.name);
  const inputId = useId();
  const changed = name.trim() !== category.name && name.trim().length > 0;

  function rename(e: FormEvent) {
    e.preventDefault();
    if (!changed) return;
    save.mutate({
      id: category.id,
      body: { name: name.trim(), description: category.description, position: category.position },
    });
  }

  return (
    <li className="kb-cat-row">
      <form
        className="kb-cat-form"
        onSubmit={rename}
        aria-label={t('categories.named', { name: category.name })}
      >
        <label htmlFor={inputId} className="visually-hidden">
          {t('categories.nameOf', { name: category.name })}
        </label>
        <input id={inputId} value={name} maxLength={100} required onChange={(e) => setName(e.target.value)} />
        <span className="kb-cat-actions">
          <button type="submit" className="small" disabled={!changed || save.isPending}>
            {t('categories.rename')}
          </button>
          <button
            type="button"
            className="small"
            aria-label={t('categories.up', { name: category.name })}
            disabled={index === 0 || busy}
            onClick={() => onMove(index, index - 1)}
          >
            ↑
          </button>
          <button
            type="button"
            className="small"
            aria-label={t('categories.down', { name: category.name })}
            disabled={index === count - 1 || busy}
            onClick={() => onMove(index, index + 1)}
          >
            ↓
          </button>
          <button
            type="button"
            className="small danger"
            aria-label={t('files.deleteNamed', { name: category.name })}
            disabled={remove.isPending}
            onClick={() => {
              if (window.confirm(t('categories.deleteConfirm', { name: category.name })))
                remove.mutate(category.id);
            }}
          >
            {t('common:actions.delete')}
          </button>
        </span>
      </form>
      <ErrorMessage error={save.error} title={t('categories.renameFailed')} />
      <ErrorMessage error={remove.error} title={t('categories.deleteFailed')} />
    </li>
  );
}

function CategoriesPanel() {
  const { t } = useTranslation('knowledge');
  const categories = useKbCategories();
  const add = useSaveKbCategory();
  const reorder = useSaveKbCategory();
  const [name, setName] = useState('');
  const nameId = useId();
  const titleId = useId();
  const list = categories.data ?? [];

  async function create(e: FormEvent) {
    e.preventDefault();
    const n = name.trim();
    if (!n) return;
    const made = await add.mutateAsync({ id: null, body: { name: n } }).catch(() => null);
    if (made) setName('');
  }

  /** Move one category and number them all 0, 1, 2… in the new order (only the changed ones are saved). */
  async function move(from: number, to: number) {
    const order = [...list];
    const [moved] = order.splice(from, 1);
    if (!moved) return;
    order.splice(to, 0, moved);
    for (const [position, c] of order.entries()) {
      if (c.position === position) continue;
      const ok = await reorder
        .mutateAsync({ id: c.id, body: { name: c.name, description: c.description, position } })
        .catch(() => null);
      if (!ok) return;
    }
  }

  return (
    <section className="card kb-manage-card" aria-labelledby={titleId}>
      <h2 id={titleId}>{t('categories.title')}</h2>
      <ErrorMessage error={categories.error} title={t('categories.loadFailed')} />
      <ErrorMessage error={reorder.error} title={t('categories.reorderFailed')} />
      {categories.data && list.length === 0 && <p className="muted small">{t('categories.none')}</p>}
      <ol className="kb-cat-list">
        {list.map((c, i) => (
          <CategoryRow
            key={`${c.id}-${c.name}`}
            category={c}
            index={i}
            count={list.length}
            onMove={(a, b) => void move(a, b)}
            busy={reorder.isPending}
          />
        ))}
      </ol>
      <form className="kb-cat-add" onSubmit={create} aria-label={t('categories.addLabel')}>
        <label htmlFor={nameId}>{t('categories.new')}</label>
        <input
          id={nameId}
          value={name}
          maxLength={100}
          placeholder={t('categories.placeholder')}
          onChange={(e) => setName(e.target.value)}
        />
        <button type="submit" disabled={add.isPending || name.trim().length === 0}>
          {t('categories.add')}
        </button>
      </form>
      <ErrorMessage error={add.error} title={t('categories.addFailed')} />
    </section>
  );
}

function ImportReport({ result }: { result: ImportResult }) {
  const { t } = useTranslation('knowledge');
  return (
    <div className="kb-import-report" role="status">
      <p>
        <Trans
          t={t}
          i18nKey="import.result"
          values={{ count: result.created.length, skipped: result.skipped.length }}
          components={{ strong: <strong /> }}
        />
      </p>
      {result.created.length > 0 && (
        <ul className="kb-import-list" aria-label={t('import.imported')}>
          {result.created.map((a) => (
            <li key={a.id}>
              <Link to={`/kb/${a.id}`}>{a.title}</Link> <span className="muted small kb-path">{a.path}</span>
              {a.notes.length > 0 && <span className="muted small"> — {a.notes.join('; ')}</span>}
            </li>
          ))}
        </ul>
      )}
      {result.skipped.length > 0 && (
        <ul className="kb-import-list" aria-label={t('import.skipped')}>
          {result.skipped.map((s) => (
            <li key={s.path}>
              <span className="kb-path">{s.path}</span>: {s.reason}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function TransferPanel() {
  const { t } = useTranslation('knowledge');
  const run = useImportKnowledge();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const fileId = useId();
  const titleId = useId();

  async function start(e: FormEvent) {
    e.preventDefault();
    if (!file) return;
    const done = await run.mutateAsync(file).catch(() => null);
    if (done && input.current) {
      input.current.value = '';
      setFile(null);
    }
  }

  return (
    <section className="card kb-manage-card" aria-labelledby={titleId}>
      <h2 id={titleId}>{t('import.title')}</h2>
      <form className="kb-import" onSubmit={start} aria-label={t('import.label')}>
        <label htmlFor={fileId}>{t('import.file')}</label>
        <input
          id={fileId}
          ref={input}
          type="file"
          accept=".md,.markdown,.html,.htm,.zip"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
        <button type="submit" className="primary" disabled={!file || run.isPending}>
          {run.isPending ? t('import.running') : t('import.run')}
        </button>
      </form>
      <p className="muted small">{t('import.help')}</p>
      <ErrorMessage error={run.error} title={t('import.failed')} />
      {run.data && <ImportReport result={run.data} />}
      <p className="kb-export">
        <a className="button" href={exportHref} download>
          {t('import.export')}
        </a>
      </p>
    </section>
  );
}
