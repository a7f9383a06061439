// The manager's tools on the knowledge base page: its categories (add, rename, reorder, delete) and moving
// articles in and out — import a Markdown or HTML file or a zip of them (what was created and what was skipped,
// with why), and export the whole knowledge base as a zip.
import { type FormEvent, useId, useRef, useState } from 'react';
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
      <form className="kb-cat-form" onSubmit={rename} aria-label={`Category ${category.name}`}>
        <label htmlFor={inputId} className="visually-hidden">
          Name of {category.name}
        </label>
        <input id={inputId} value={name} maxLength={100} required onChange={(e) => setName(e.target.value)} />
        <span className="kb-cat-actions">
          <button type="submit" className="small" disabled={!changed || save.isPending}>
            Rename
          </button>
          <button
            type="button"
            className="small"
            aria-label={`Move ${category.name} up`}
            disabled={index === 0 || busy}
            onClick={() => onMove(index, index - 1)}
          >
            ↑
          </button>
          <button
            type="button"
            className="small"
            aria-label={`Move ${category.name} down`}
            disabled={index === count - 1 || busy}
            onClick={() => onMove(index, index + 1)}
          >
            ↓
          </button>
          <button
            type="button"
            className="small danger"
            aria-label={`Delete ${category.name}`}
            disabled={remove.isPending}
            onClick={() => {
              if (window.confirm(`Delete the category ${category.name}? Its articles stay, without one.`))
                remove.mutate(category.id);
            }}
          >
            Delete
          </button>
        </span>
      </form>
      <ErrorMessage error={save.error} title="The category was not renamed." />
      <ErrorMessage error={remove.error} title="The category was not deleted." />
    </li>
  );
}

function CategoriesPanel() {
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
      <h2 id={titleId}>Categories</h2>
      <ErrorMessage error={categories.error} title="The categories could not be loaded." />
      <ErrorMessage error={reorder.error} title="The categories were not reordered." />
      {categories.data && list.length === 0 && <p className="muted small">No categories yet.</p>}
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
      <form className="kb-cat-add" onSubmit={create} aria-label="Add a category">
        <label htmlFor={nameId}>New category</label>
        <input
          id={nameId}
          value={name}
          maxLength={100}
          placeholder="e.g. Printing"
          onChange={(e) => setName(e.target.value)}
        />
        <button type="submit" disabled={add.isPending || name.trim().length === 0}>
          Add category
        </button>
      </form>
      <ErrorMessage error={add.error} title="The category was not added." />
    </section>
  );
}

function ImportReport({ result }: { result: ImportResult }) {
  return (
    <div className="kb-import-report" role="status">
      <p>
        <strong>
          {result.created.length} article{result.created.length === 1 ? '' : 's'} imported
        </strong>
        {result.skipped.length > 0
          ? `, ${result.skipped.length} file${result.skipped.length === 1 ? '' : 's'} skipped`
          : ''}
        .
      </p>
      {result.created.length > 0 && (
        <ul className="kb-import-list" aria-label="Imported">
          {result.created.map((a) => (
            <li key={a.id}>
              <Link to={`/kb/${a.id}`}>{a.title}</Link> <span className="muted small kb-path">{a.path}</span>
              {a.notes.length > 0 && <span className="muted small"> — {a.notes.join('; ')}</span>}
            </li>
          ))}
        </ul>
      )}
      {result.skipped.length > 0 && (
        <ul className="kb-import-list" aria-label="Skipped">
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
      <h2 id={titleId}>Import and export</h2>
      <form className="kb-import" onSubmit={start} aria-label="Import articles">
        <label htmlFor={fileId}>Markdown, HTML or a zip of them</label>
        <input
          id={fileId}
          ref={input}
          type="file"
          accept=".md,.markdown,.html,.htm,.zip"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
        <button type="submit" className="primary" disabled={!file || run.isPending}>
          {run.isPending ? 'Importing…' : 'Import'}
        </button>
      </form>
      <p className="muted small">
        Each file becomes a draft unless its front matter says otherwise; images a file links to inside a zip
        are attached.
      </p>
      <ErrorMessage error={run.error} title="Nothing was imported." />
      {run.data && <ImportReport result={run.data} />}
      <p className="kb-export">
        <a className="button" href={exportHref} download>
          Export everything (.zip)
        </a>
      </p>
    </section>
  );
}
